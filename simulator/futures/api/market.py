"""Futures-specific public data: exchangeInfo, premiumIndex, fundingRate/Info, openInterest, mark klines."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.futures.api.common import enter, ok, req_symbol, runtime, symbol_name, translate, window
from simulator.futures.domain import fmt
from simulator.futures.engine import funding, mark_history
from simulator.market.intervals import INTERVAL_MS
from simulator.ratelimit import client_ip

if TYPE_CHECKING:
    from aiohttp import web

ZERO = Decimal(0)
MARK_HISTORY = mark_history.load()
FUNDING_WINDOW_MS = 5 * 60 * 1000
FUNDING_LIMIT = 500


def _charge_funding(request: web.Request) -> None:
    """fundingRate and fundingInfo share their own 500 requests / 5 minutes / IP budget (fact sheet §3)."""
    rt = runtime(request)
    now = rt.exchange.clock.now_ms()
    window = now - now % FUNDING_WINDOW_MS
    ip = client_ip(request)
    start, count = rt.funding_calls.get(ip, (window, 0))
    count = count + 1 if start == window else 1
    rt.funding_calls[ip] = (window, count)
    if count > FUNDING_LIMIT:
        retry = (window + FUNDING_WINDOW_MS - now + 999) // 1000
        raise BinanceError(
            -1003,
            f"Too many requests; current limit is {FUNDING_LIMIT} requests per 5 MINUTE.",
            status=429,
            headers={"Retry-After": str(retry)},
        )


@translate
async def get_exchange_info(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    ctx.params.finish()
    ex = ctx.rt.exchange
    meta = ex.symbols.meta["futures"]
    return ok(
        {
            "timezone": "UTC",
            "serverTime": ex.clock.now_ms(),
            "futuresType": "U_MARGINED",
            "rateLimits": ex.ratelimit.exchange_info_limits("futures"),
            "exchangeFilters": meta.get("exchangeFilters", []),
            "assets": meta.get("assets", []),
            "symbols": [s.exchange_info() for s in ex.symbols.all("futures")],
        }
    )


@translate
async def get_premium_index(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    symbol = symbol_name(ctx.params, required=False)
    ctx.params.finish()
    sim = ctx.rt.exchange.clock.sim_ms()
    engine = ctx.rt.engine
    if symbol is not None:
        return ok(engine.premium_index(symbol, sim))
    ctx.rt.exchange.ratelimit.charge(request, "futures", 9)
    return ok([engine.premium_index(s.symbol, sim) for s in engine.all_specs()])


@translate
async def get_funding_rate(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    _charge_funding(request)
    p = ctx.params
    symbol = symbol_name(p, required=False)
    start, end, limit = window(p, 100, 1000)
    p.finish()
    engine = ctx.rt.engine
    rows: list[dict[str, Any]] = []
    names = [symbol] if symbol else sorted(set(engine.ledger.funding_history) | set(engine.funding_history))
    for name in names:
        # Recorded rates carry no mark; the recorded 8h mark klines open exactly at funding time.
        marks = {c.open_time: c.open for c in MARK_HISTORY.get((name, "8h"), [])}
        for t, rate in engine.funding_history.get(name, []):
            mark = marks.get(t - t % funding.INTERVAL_MS)
            rows.append(
                {
                    "symbol": name,
                    "fundingRate": fmt.fixed(rate, 8),
                    "fundingTime": t,
                    "markPrice": fmt.fixed(mark, 8) if mark is not None else "",
                }
            )
        rows.extend(engine.ledger.funding_history.get(name, []))
    rows = [
        r
        for r in rows
        if (start is None or r["fundingTime"] >= start) and (end is None or r["fundingTime"] <= end)
    ]
    rows.sort(key=lambda r: (r["fundingTime"], r["symbol"]))
    rows = rows[:limit] if start is not None else rows[-limit:]
    return ok(rows)


@translate
async def get_funding_info(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    _charge_funding(request)
    ctx.params.finish()
    cap = fmt.fixed(funding.CAP, 8)
    return ok(
        [
            {
                "symbol": s.symbol,
                "adjustedFundingRateCap": cap,
                "adjustedFundingRateFloor": "-" + cap,
                "fundingIntervalHours": 8,
                "disclaimer": False,
                "updateTime": 1_700_000_000_000,
            }
            for s in ctx.rt.engine.all_specs()
        ]
    )


@translate
async def get_open_interest(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    symbol = req_symbol(ctx.params)
    ctx.params.finish()
    engine = ctx.rt.engine
    longs = sum(
        (
            p.amount
            for a in engine.accounts.values()
            for p in a.positions.values()
            if p.symbol == symbol and p.amount > 0
        ),
        ZERO,
    )
    spec = engine.spec(symbol)
    return ok(
        {
            "openInterest": fmt.fixed(longs, spec.quantity_precision),
            "symbol": symbol,
            "time": ctx.rt.exchange.clock.now_ms(),
        }
    )


@translate
async def get_mark_price_klines(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    ctx = await enter(request, "NONE", 1)
    p = ctx.params
    symbol = req_symbol(p)
    interval = p.str("interval")
    start, end, limit = window(p, 500, 1500)
    p.finish()
    feed = rt.exchange.market.feed("futures", symbol)
    series = feed.history.series.get(interval)
    if series is None:
        raise BinanceError(-1120, "Invalid interval.")
    weight = 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10
    rt.exchange.ratelimit.charge(request, "futures", weight - 1)
    spec = rt.engine.spec(symbol)
    pp = spec.price_precision
    recorded = MARK_HISTORY.get((symbol, interval), [])
    if mark_history.covers(recorded, start, end):
        span = INTERVAL_MS[interval]
        return ok(
            [
                [
                    c.open_time,
                    fmt.fixed(c.open, pp),
                    fmt.fixed(c.high, pp),
                    fmt.fixed(c.low, pp),
                    fmt.fixed(c.close, pp),
                    "0",
                    c.open_time + span - 1,
                    "0",
                    0,
                    "0",
                    "0",
                    "0",
                ]
                for c in mark_history.select(recorded, start, end, limit)
            ]
        )
    # Live windows: the mark tracks the contract price closely, so reuse the traded candles minus volume.
    rows = [
        [
            k.open_time,
            fmt.fixed(k.open, pp),
            fmt.fixed(k.high, pp),
            fmt.fixed(k.low, pp),
            fmt.fixed(k.close, pp),
            "0",
            k.close_time,
            "0",
            0,
            "0",
            "0",
            "0",
        ]
        for k in series.select(start, end, limit)
    ]
    return ok(rows)
