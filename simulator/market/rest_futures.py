"""USD-M generic market-data REST: /fapi/v1 ping, time, depth, trades, klines and tickers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError, json_response
from simulator.market import payloads
from simulator.market.intervals import FUTURES_INTERVALS
from simulator.market.rest_common import (
    book_ticker_row,
    exchange_of,
    klines,
    last_price,
    params_for,
    ping_handler,
    select_agg,
    select_trades,
    ticker_24hr_row,
    time_handler,
)

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.symbols import SymbolSpec


def depth_weight(limit: int) -> int:
    if limit <= 50:
        return 2
    if limit <= 100:
        return 5
    if limit <= 500:
        return 10
    return 20


def klines_weight(limit: int) -> int:
    if limit < 100:
        return 1
    if limit < 500:
        return 2
    return 5 if limit <= 1000 else 10


async def depth(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures")
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    params.finish()
    exchange.ratelimit.charge(request, "futures", depth_weight(limit))
    feed = exchange.market.feed("futures", spec.symbol)
    now = exchange.clock.now_ms()
    return json_response(
        {
            "lastUpdateId": feed.depth.update_id,
            "E": now,
            "T": now,
            "bids": payloads.levels(spec, feed.depth.top("BUY", limit)),
            "asks": payloads.levels(spec, feed.depth.top("SELL", limit)),
        }
    )


async def trades(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures")
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    params.finish()
    exchange.ratelimit.charge(request, "futures", 5)
    feed = exchange.market.feed("futures", spec.symbol)
    rows = select_trades(list(feed.history.trades), from_id=None, limit=limit)
    return json_response([payloads.rest_trade(spec, t) for t in rows])


async def historical_trades(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures", "MARKET_DATA")
    spec = params.symbol("symbol", "futures")
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    from_id = params.int("fromId", required=False)
    params.finish()
    exchange.ratelimit.charge(request, "futures", 20)
    feed = exchange.market.feed("futures", spec.symbol)
    rows = select_trades(list(feed.history.trades), from_id=from_id, limit=limit)
    return json_response([payloads.rest_trade(spec, t) for t in rows])


async def agg_trades(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures")
    from_id = params.int("fromId", required=False)
    start = params.int("startTime", required=False)
    end = params.int("endTime", required=False)
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    params.finish()
    exchange.ratelimit.charge(request, "futures", 20)
    feed = exchange.market.feed("futures", spec.symbol)
    rows = select_agg(list(feed.history.agg_trades), from_id=from_id, start=start, end=end, limit=limit)
    return json_response([payloads.rest_agg_trade(spec, a) for a in rows])


async def get_klines(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures")
    feed = exchange.market.feed("futures", spec.symbol)
    rows = klines(feed, params, max_limit=1500, intervals=FUTURES_INTERVALS)
    params.finish()
    # Weight follows the requested limit, not the rows returned.
    exchange.ratelimit.charge(request, "futures", klines_weight(int(params.raw("limit") or 500)))
    return json_response(rows)


async def continuous_klines(request: web.Request) -> web.Response:
    """Perpetual contract klines by pair; every simulated contract is the PERPETUAL of its pair."""
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("pair", "futures")
    params.enum("contractType", ("PERPETUAL",), error=BinanceError(-1130, "Invalid contractType."))
    feed = exchange.market.feed("futures", spec.symbol)
    rows = klines(feed, params, max_limit=1500, intervals=FUTURES_INTERVALS)
    params.finish()
    # Weight follows the requested limit, not the rows returned.
    exchange.ratelimit.charge(request, "futures", klines_weight(int(params.raw("limit") or 500)))
    return json_response(rows)


def _chosen(request: web.Request, spec: SymbolSpec | None) -> list[SymbolSpec]:
    return [spec] if spec is not None else exchange_of(request).symbols.all("futures")


async def ticker_24hr(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures", required=False)
    params.finish()
    exchange.ratelimit.charge(request, "futures", 1 if spec else 40)
    now = exchange.clock.now_ms()
    rows = [ticker_24hr_row(exchange.market.feed("futures", s.symbol), now) for s in _chosen(request, spec)]
    return json_response(rows[0] if spec else rows)


async def ticker_price(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures", required=False)
    params.finish()
    exchange.ratelimit.charge(request, "futures", 1 if spec else 2)
    now = exchange.clock.now_ms()
    rows: list[dict[str, Any]] = [
        {
            "symbol": s.symbol,
            "price": s.fmt_price(last_price(exchange.market.feed("futures", s.symbol))),
            "time": now,
        }
        for s in _chosen(request, spec)
    ]
    return json_response(rows[0] if spec else rows)


async def ticker_book(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "futures")
    spec = params.symbol("symbol", "futures", required=False)
    params.finish()
    exchange.ratelimit.charge(request, "futures", 2 if spec else 5)
    now = exchange.clock.now_ms()
    rows = []
    for s in _chosen(request, spec):
        feed = exchange.market.feed("futures", s.symbol)
        rows.append({**book_ticker_row(feed), "time": now, "lastUpdateId": feed.depth.update_id})
    return json_response(rows[0] if spec else rows)


def add_routes(app: web.Application) -> None:
    routes = {
        "v1/ping": ping_handler("futures"),
        "v1/time": time_handler("futures"),
        "v1/depth": depth,
        "v1/trades": trades,
        "v1/historicalTrades": historical_trades,
        "v1/aggTrades": agg_trades,
        "v1/klines": get_klines,
        "v1/continuousKlines": continuous_klines,
        "v1/ticker/24hr": ticker_24hr,
        "v1/ticker/price": ticker_price,
        "v2/ticker/price": ticker_price,
        "v1/ticker/bookTicker": ticker_book,
    }
    for path, handler in routes.items():
        app.router.add_get("/fapi/" + path, handler)
