"""Spot market-data REST: /api/v3 ping, time, exchangeInfo, depth, trades, klines, tickers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError, json_response
from simulator.market import payloads
from simulator.market import ticker as tickers
from simulator.market.intervals import SPOT_INTERVALS
from simulator.market.rest_common import (
    book_ticker_row,
    exchange_of,
    klines,
    last_price,
    one_or_many,
    params_for,
    ping_handler,
    select_agg,
    select_trades,
    ticker_24hr_row,
    time_handler,
)
from simulator.symbols import SPOT_STATUSES

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.symbols import SymbolSpec

TZ_RE = re.compile(r"^[+-]?(\d{1,2})(:(\d{2}))?$")
WINDOW_RE = re.compile(r"^(\d{1,2})([mhd])$")
WINDOW_UNIT_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000}
WINDOW_RANGE = {"m": (1, 59), "h": (1, 23), "d": (1, 7)}


def depth_weight(limit: int) -> int:
    if limit <= 100:
        return 5
    if limit <= 500:
        return 25
    if limit <= 1000:
        return 50
    return 250


def ticker_weight(count: int | None) -> int:
    if count is None or count > 100:
        return 80
    return 2 if count <= 20 else 40


async def exchange_info(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    specs = one_or_many(params, "spot")
    permissions_raw = params.str("permissions", required=False)
    show_sets = params.bool("showPermissionSets", default=True)
    status = params.enum("symbolStatus", SPOT_STATUSES, required=False)
    params.finish()
    if status is not None and specs is not None:
        raise BinanceError(-1102, "Parameter 'symbolStatus' cannot be used with 'symbol' or 'symbols'.")
    exchange.ratelimit.charge(request, "spot", 20)
    chosen: list[SymbolSpec] = specs if specs is not None else exchange.symbols.all("spot")
    if permissions_raw is not None:
        wanted = _permissions(permissions_raw)
        chosen = [s for s in chosen if wanted & _symbol_permissions(s)]
    if status is not None:
        chosen = [s for s in chosen if s.status == status]
    meta = exchange.symbols.meta["spot"]
    return json_response(
        {
            "timezone": "UTC",
            "serverTime": exchange.clock.now_ms(),
            "rateLimits": exchange.ratelimit.exchange_info_limits("spot"),
            "exchangeFilters": meta.get("exchangeFilters", []),
            "symbols": [_symbol_info(s, show_sets=show_sets) for s in chosen],
        }
    )


def _symbol_info(spec: SymbolSpec, *, show_sets: bool) -> dict[str, Any]:
    info = spec.exchange_info()
    if not show_sets:
        info["permissionSets"] = []
    return info


def _symbol_permissions(spec: SymbolSpec) -> set[str]:
    return {p for group in spec.raw.get("permissionSets", []) for p in group}


def _permissions(raw: str) -> set[str]:
    if raw.startswith("["):
        import json

        try:
            values = json.loads(raw)
        except ValueError:
            values = None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BinanceError(-1130, "Data sent for parameter 'permissions' is not valid.")
        return set(values)
    return {raw}


async def depth(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    spec = params.symbol("symbol", "spot")
    # Binance truncates larger limits to 5000 rather than rejecting them.
    limit = min(params.int("limit", required=False, default=100, minimum=1), 5000)
    params.finish()
    exchange.ratelimit.charge(request, "spot", depth_weight(limit))
    feed = exchange.market.feed("spot", spec.symbol)
    return json_response(
        {
            "lastUpdateId": feed.depth.update_id,
            "bids": payloads.levels(spec, feed.depth.top("BUY", limit)),
            "asks": payloads.levels(spec, feed.depth.top("SELL", limit)),
        }
    )


async def trades(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    spec = params.symbol("symbol", "spot")
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    params.finish()
    exchange.ratelimit.charge(request, "spot", 25)
    feed = exchange.market.feed("spot", spec.symbol)
    rows = select_trades(list(feed.history.trades), from_id=None, limit=limit)
    return json_response([payloads.rest_trade(spec, t) for t in rows])


async def historical_trades(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    spec = params.symbol("symbol", "spot")
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    from_id = params.int("fromId", required=False)
    params.finish()
    exchange.ratelimit.charge(request, "spot", 25)
    feed = exchange.market.feed("spot", spec.symbol)
    rows = select_trades(list(feed.history.trades), from_id=from_id, limit=limit)
    return json_response([payloads.rest_trade(spec, t) for t in rows])


async def agg_trades(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    spec = params.symbol("symbol", "spot")
    from_id = params.int("fromId", required=False)
    start = params.int("startTime", required=False)
    end = params.int("endTime", required=False)
    limit = params.int("limit", required=False, default=500, minimum=1, maximum=1000)
    params.finish()
    if start is not None and end is not None and (end < start or end - start > 3_600_000):
        raise BinanceError(-1127, "More than 1 hours between startTime and endTime.")
    exchange.ratelimit.charge(request, "spot", 4)
    feed = exchange.market.feed("spot", spec.symbol)
    rows = select_agg(list(feed.history.agg_trades), from_id=from_id, start=start, end=end, limit=limit)
    return json_response([payloads.rest_agg_trade(spec, a) for a in rows])


async def get_klines(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    spec = params.symbol("symbol", "spot")
    tz = params.str("timeZone", required=False)
    offset = _tz_offset_ms(tz) if tz is not None else 0
    feed = exchange.market.feed("spot", spec.symbol)
    rows = klines(feed, params, max_limit=1000, intervals=SPOT_INTERVALS, offset_ms=offset)
    params.finish()
    exchange.ratelimit.charge(request, "spot", 2)
    return json_response(rows)


def _tz_offset_ms(value: str) -> int:
    """`timeZone` as hours[:minutes] ("+08:00", "-5", "0"), within -12:00..+14:00."""
    match = TZ_RE.match(value)
    hours = int(match.group(1)) if match else 99
    minutes = int(match.group(3) or 0) if match else 0
    sign = -1 if value.startswith("-") else 1
    total = sign * (hours * 60 + minutes)
    if not match or minutes >= 60 or not -12 * 60 <= total <= 14 * 60:
        raise BinanceError(-1130, "Data sent for parameter 'timeZone' is not valid.")
    return total * 60_000


async def avg_price(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    spec = params.symbol("symbol", "spot")
    params.finish()
    exchange.ratelimit.charge(request, "spot", 2)
    feed = exchange.market.feed("spot", spec.symbol)
    now = exchange.clock.now_ms()
    stats = tickers.compute(feed, now, 5 * 60_000)
    last = feed.history.last_trade()
    return json_response(
        {"mins": 5, "price": spec.fmt_price(stats.weighted_avg), "closeTime": last.time if last else now}
    )


async def ticker_24hr(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    specs = one_or_many(params, "spot")
    mini = params.enum("type", ("FULL", "MINI"), required=False, default="FULL") == "MINI"
    params.finish()
    exchange.ratelimit.charge(request, "spot", ticker_weight(len(specs) if specs else None))
    now = exchange.clock.now_ms()
    chosen = specs if specs is not None else exchange.symbols.all("spot")
    rows = [ticker_24hr_row(exchange.market.feed("spot", s.symbol), now, mini=mini) for s in chosen]
    return json_response(rows[0] if _single(request) else rows)


def _single(request: web.Request) -> bool:
    return "symbol" in request.rel_url.query or "symbol=" in request.rel_url.raw_query_string


async def ticker_price(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    specs = one_or_many(params, "spot")
    params.finish()
    exchange.ratelimit.charge(request, "spot", 2 if specs is not None and len(specs) == 1 else 4)
    chosen = specs if specs is not None else exchange.symbols.all("spot")
    rows = [
        {"symbol": s.symbol, "price": s.fmt_price(last_price(exchange.market.feed("spot", s.symbol)))}
        for s in chosen
    ]
    return json_response(rows[0] if _single(request) else rows)


async def ticker_book(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    specs = one_or_many(params, "spot")
    params.finish()
    exchange.ratelimit.charge(request, "spot", 2 if specs is not None and len(specs) == 1 else 4)
    chosen = specs if specs is not None else exchange.symbols.all("spot")
    rows = [book_ticker_row(exchange.market.feed("spot", s.symbol)) for s in chosen]
    return json_response(rows[0] if _single(request) else rows)


async def ticker_rolling(request: web.Request) -> web.Response:
    exchange = exchange_of(request)
    params = await params_for(request, "spot")
    specs = one_or_many(params, "spot")
    window = params.str("windowSize", required=False) or "1d"
    mini = params.enum("type", ("FULL", "MINI"), required=False, default="FULL") == "MINI"
    params.finish()
    if specs is None:
        raise BinanceError(-1102, "Param 'symbol' or 'symbols' must be sent, but both were empty/null!")
    match = WINDOW_RE.match(window)
    low, high = WINDOW_RANGE[match.group(2)] if match else (1, 0)
    if not match or not low <= int(match.group(1)) <= high:
        raise BinanceError(
            -1100,
            "Illegal characters found in parameter 'windowSize'; legal range is '1m..59m, 1h..23h, 1d..7d'.",
        )
    window_ms = int(match.group(1)) * WINDOW_UNIT_MS[match.group(2)]
    exchange.ratelimit.charge(request, "spot", min(4 * len(specs), 200))
    now = exchange.clock.now_ms()
    rows: list[dict[str, Any]] = []
    for spec in specs:
        feed = exchange.market.feed("spot", spec.symbol)
        row = tickers.rest_24hr(feed, tickers.compute(feed, now, window_ms), mini=mini)
        for key in ("prevClosePrice", "lastQty", "bidPrice", "bidQty", "askPrice", "askQty"):
            row.pop(key, None)
        rows.append(row)
    return json_response(rows[0] if _single(request) else rows)


def add_routes(app: web.Application) -> None:
    base = "/api/v3/"
    routes = {
        "ping": ping_handler("spot"),
        "time": time_handler("spot"),
        "exchangeInfo": exchange_info,
        "depth": depth,
        "trades": trades,
        "historicalTrades": historical_trades,
        "aggTrades": agg_trades,
        "klines": get_klines,
        "uiKlines": get_klines,
        "avgPrice": avg_price,
        "ticker/24hr": ticker_24hr,
        "ticker/price": ticker_price,
        "ticker/bookTicker": ticker_book,
        "ticker": ticker_rolling,
    }
    for path, handler in routes.items():
        app.router.add_get(base + path, handler)
