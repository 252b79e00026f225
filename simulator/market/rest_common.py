"""Helpers shared by the spot and futures market-data endpoints."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError, json_response
from simulator.market import payloads
from simulator.market import ticker as tickers
from simulator.market.history import aggregate, select
from simulator.market.intervals import INTERVAL_MS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiohttp import web

    from simulator.auth import Security
    from simulator.exchange import Exchange
    from simulator.market.feed import Feed
    from simulator.market.history import AggTrade, Trade
    from simulator.params import Params
    from simulator.symbols import Market, SymbolSpec

ZERO = Decimal(0)


def exchange_of(request: web.Request) -> Exchange:
    return request.app["exchange"]


async def params_for(request: web.Request, market: Market, security: Security = "NONE") -> Params:
    exchange = exchange_of(request)
    result = await exchange.auth.verify(request, security, market)
    return result.params


def one_or_many(params: Params, market: Market) -> list[SymbolSpec] | None:
    """`symbol` or `symbols` (never both); None when neither was sent."""
    single = params.symbol("symbol", market, required=False)
    many = params.symbols_list("symbols", market) if market == "spot" else None
    if single is not None and many is not None:
        raise BinanceError(-1101, "Parameter 'symbol' and 'symbols' cannot be sent together.")
    if single is not None:
        return [single]
    return many


def select_trades(
    trades: list[Trade],
    *,
    from_id: int | None,
    limit: int,
) -> list[Trade]:
    if from_id is not None:
        return [t for t in trades if t.id >= from_id][:limit]
    return trades[-limit:]


def select_agg(
    aggs: list[AggTrade],
    *,
    from_id: int | None,
    start: int | None,
    end: int | None,
    limit: int,
) -> list[AggTrade]:
    if from_id is not None:
        return [a for a in aggs if a.id >= from_id][:limit]
    if start is not None or end is not None:
        rows = [a for a in aggs if (start is None or a.time >= start) and (end is None or a.time <= end)]
        return rows[:limit] if start is not None else rows[-limit:]
    return aggs[-limit:]


def klines(
    feed: Feed, params: Params, *, max_limit: int, intervals: tuple[str, ...], offset_ms: int = 0
) -> list[list[Any]]:
    interval = params.str("interval")
    if interval not in intervals:
        raise BinanceError(-1120, "Invalid interval.")
    start = params.int("startTime", required=False)
    end = params.int("endTime", required=False)
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=max_limit)
    if start is not None and end is not None and start > end:
        raise BinanceError(-1023, "Start time is greater than end time.")
    span = INTERVAL_MS[interval]
    if offset_ms == 0 or (interval not in ("1w", "1M") and offset_ms % span == 0):
        rows = feed.history.series[interval].select(start, end, limit)
    else:
        # timeZone shifts the bucket boundaries: rebuild from the finest series that still lines up.
        base = "1h" if offset_ms % INTERVAL_MS["1h"] == 0 and span >= INTERVAL_MS["1h"] else "1m"
        shifted = aggregate(interval, feed.history.series[base].candles, offset_ms)
        rows = select(shifted, start, end, limit)
    return [payloads.rest_kline(feed.spec, k) for k in rows]


def book_ticker_row(feed: Feed) -> dict[str, Any]:
    spec = feed.spec
    bid, ask = feed.depth.top("BUY", 1), feed.depth.top("SELL", 1)
    bp, bq = bid[0] if bid else (ZERO, ZERO)
    ap, aq = ask[0] if ask else (ZERO, ZERO)
    return {
        "symbol": spec.symbol,
        "bidPrice": spec.fmt_price(bp),
        "bidQty": spec.fmt_qty(bq),
        "askPrice": spec.fmt_price(ap),
        "askQty": spec.fmt_qty(aq),
    }


def last_price(feed: Feed) -> Decimal:
    trade = feed.history.last_trade()
    return trade.price if trade else feed.last_price


def ticker_24hr_row(feed: Feed, now_ms: int, *, mini: bool = False) -> dict[str, Any]:
    return tickers.rest_24hr(feed, tickers.compute(feed, now_ms), mini=mini)


def ping_handler(market: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def ping(request: web.Request) -> web.Response:
        params = await params_for(request, market)
        params.finish()
        exchange_of(request).ratelimit.charge(request, market, 1)
        return json_response({})

    return ping


def time_handler(market: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def server_time(request: web.Request) -> web.Response:
        params = await params_for(request, market)
        params.finish()
        exchange = exchange_of(request)
        exchange.ratelimit.charge(request, market, 1)
        return json_response({"serverTime": exchange.clock.now_ms()})

    return server_time
