"""Market-data methods of the WebSocket API (depth, trades.*, klines, avgPrice, ticker.*).

They answer from core's market objects through core's own payload helpers, so the WebSocket API and REST
give identical data; weights follow the REST endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.market import payloads
from simulator.market import ticker as tickers
from simulator.market.intervals import SPOT_INTERVALS
from simulator.market.rest_common import (
    book_ticker_row,
    klines,
    last_price,
    one_or_many,
    select_agg,
    select_trades,
    ticker_24hr_row,
)
from simulator.params import Params

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.spot.wsapi import WsApi, WsApiState
    from simulator.symbols import SymbolSpec

FIVE_MINUTES_MS = 5 * 60_000


def _params(api: WsApi, params: dict[str, Any]) -> Params:
    return Params.from_dict(params, api.exchange.symbols)


def _charge(api: WsApi, state: WsApiState, weight: int) -> None:
    api.exchange.ratelimit.charge(state.ip, "spot", weight)


def depth(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    p = _params(api, params)
    spec = p.symbol("symbol", "spot")
    limit = min(p.int("limit", required=False, default=100, minimum=1), 5000)
    p.finish()
    _charge(api, state, 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250)
    feed = api.exchange.market.feed("spot", spec.symbol)
    return {
        "lastUpdateId": feed.depth.update_id,
        "bids": payloads.levels(spec, feed.depth.top("BUY", limit)),
        "asks": payloads.levels(spec, feed.depth.top("SELL", limit)),
    }


def _trades(
    api: WsApi, state: WsApiState, params: dict[str, Any], *, historical: bool
) -> list[dict[str, Any]]:
    p = _params(api, params)
    spec = p.symbol("symbol", "spot")
    limit = p.int("limit", required=False, default=500, minimum=1, maximum=1000)
    from_id = p.int("fromId", required=False) if historical else None
    p.finish()
    _charge(api, state, 25)
    feed = api.exchange.market.feed("spot", spec.symbol)
    rows = select_trades(list(feed.history.trades), from_id=from_id, limit=limit)
    return [payloads.rest_trade(spec, t) for t in rows]


def recent_trades(api: WsApi, state: WsApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    return _trades(api, state, params, historical=False)


def historical_trades(api: WsApi, state: WsApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    return _trades(api, state, params, historical=True)


def agg_trades(api: WsApi, state: WsApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    p = _params(api, params)
    spec = p.symbol("symbol", "spot")
    from_id = p.int("fromId", required=False)
    start = p.int("startTime", required=False)
    end = p.int("endTime", required=False)
    limit = p.int("limit", required=False, default=500, minimum=1, maximum=1000)
    p.finish()
    if start is not None and end is not None and (end < start or end - start > 3_600_000):
        raise BinanceError(-1127, "More than 1 hours between startTime and endTime.")
    _charge(api, state, 4)
    feed = api.exchange.market.feed("spot", spec.symbol)
    rows = select_agg(list(feed.history.agg_trades), from_id=from_id, start=start, end=end, limit=limit)
    return [payloads.rest_agg_trade(spec, a) for a in rows]


def get_klines(api: WsApi, state: WsApiState, params: dict[str, Any]) -> list[list[Any]]:
    p = _params(api, params)
    spec = p.symbol("symbol", "spot")
    feed = api.exchange.market.feed("spot", spec.symbol)
    rows = klines(feed, p, max_limit=1000, intervals=SPOT_INTERVALS, offset_ms=0)
    p.finish()
    _charge(api, state, 2)
    return rows


def avg_price(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    p = _params(api, params)
    spec = p.symbol("symbol", "spot")
    p.finish()
    _charge(api, state, 2)
    feed = api.exchange.market.feed("spot", spec.symbol)
    now = api.exchange.clock.now_ms()
    last = feed.history.last_trade()
    stats = tickers.compute(feed, now, FIVE_MINUTES_MS)
    return {"mins": 5, "price": spec.fmt_price(stats.weighted_avg), "closeTime": last.time if last else now}


def _chosen(api: WsApi, p: Params) -> tuple[list[SymbolSpec], bool]:
    specs = one_or_many(p, "spot")
    single = specs is not None and "symbol" in p
    return (specs if specs is not None else api.exchange.symbols.all("spot")), single


def ticker_price(api: WsApi, state: WsApiState, params: dict[str, Any]) -> Any:
    p = _params(api, params)
    chosen, single = _chosen(api, p)
    p.finish()
    _charge(api, state, 2 if single else 4)
    market = api.exchange.market
    rows = [
        {"symbol": s.symbol, "price": s.fmt_price(last_price(market.feed("spot", s.symbol)))} for s in chosen
    ]
    return rows[0] if single else rows


def ticker_book(api: WsApi, state: WsApiState, params: dict[str, Any]) -> Any:
    p = _params(api, params)
    chosen, single = _chosen(api, p)
    p.finish()
    _charge(api, state, 2 if single else 4)
    rows = [book_ticker_row(api.exchange.market.feed("spot", s.symbol)) for s in chosen]
    return rows[0] if single else rows


def ticker_24hr(api: WsApi, state: WsApiState, params: dict[str, Any]) -> Any:
    p = _params(api, params)
    chosen, single = _chosen(api, p)
    mini = p.enum("type", ("FULL", "MINI"), required=False, default="FULL") == "MINI"
    p.finish()
    _charge(api, state, 2 if len(chosen) <= 20 else 40 if len(chosen) <= 100 else 80)
    now = api.exchange.clock.now_ms()
    rows = [ticker_24hr_row(api.exchange.market.feed("spot", s.symbol), now, mini=mini) for s in chosen]
    return rows[0] if single else rows


MARKET_METHODS: dict[str, Callable[[WsApi, WsApiState, dict[str, Any]], Any]] = {
    "depth": depth,
    "trades.recent": recent_trades,
    "trades.historical": historical_trades,
    "trades.aggregate": agg_trades,
    "klines": get_klines,
    "uiKlines": get_klines,
    "avgPrice": avg_price,
    "ticker.price": ticker_price,
    "ticker.book": ticker_book,
    "ticker.24hr": ticker_24hr,
}
