"""`indexPriceKlines` and `premiumIndexKlines` (ccxt `fetch_index_ohlcv` / `fetch_premium_index_ohlcv`).

The simulator's index is the median of the contract's own bid/ask/last (see `TickingMixin.update_marks`), so
index candles are the traded candles without volume and the premium index stays at zero, as consistent with
`premiumIndex` (markPrice ≈ indexPrice) as the replay allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.futures.api.common import enter, ok, runtime, translate, window
from simulator.futures.domain import fmt

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.market.history import Kline
    from simulator.params import Params

ZERO_PREMIUM = "0.00000000"


def _candles(request: web.Request, p: Params, symbol: str) -> tuple[list[Kline], int]:
    rt = runtime(request)
    interval = p.str("interval")
    start, end, limit = window(p, 500, 1500)
    p.finish()
    rt.engine.spec(symbol)  # -1121 for unknown symbols
    series = rt.exchange.market.feed("futures", symbol).history.series.get(interval)
    if series is None:
        raise BinanceError(-1120, "Invalid interval.")
    # Binance weighs these like klines: 1 (<100), 2 (<500), 5 (<=1000), 10 above.
    weight = 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10
    rt.exchange.ratelimit.charge(request, "futures", weight - 1)
    return list(series.select(start, end, limit)), rt.engine.spec(symbol).price_precision


def _row(k: Kline, o: str, h: str, low: str, c: str) -> list[Any]:
    return [k.open_time, o, h, low, c, "0", k.close_time, "0", 0, "0", "0", "0"]


def _symbol(p: Params, name: str) -> str:
    value = p.str(name)
    if not value or not value.isalnum():
        raise BinanceError(-1121, "Invalid symbol.")
    return value.upper()


@translate
async def get_index_price_klines(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    candles, pp = _candles(request, ctx.params, _symbol(ctx.params, "pair"))
    return ok(
        [
            _row(
                k, fmt.fixed(k.open, pp), fmt.fixed(k.high, pp), fmt.fixed(k.low, pp), fmt.fixed(k.close, pp)
            )
            for k in candles
        ]
    )


@translate
async def get_premium_index_klines(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "NONE", 1)
    candles, _ = _candles(request, ctx.params, _symbol(ctx.params, "symbol"))
    return ok([_row(k, ZERO_PREMIUM, ZERO_PREMIUM, ZERO_PREMIUM, ZERO_PREMIUM) for k in candles])
