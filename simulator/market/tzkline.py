"""Spot `<symbol>@kline_<interval>@+08:00`: klines whose buckets start at UTC+8 midnight.

Binance offers this one offset on streams (REST `klines?timeZone=` takes any). Intervals that divide 8 hours
share their buckets with UTC, so those candles are the UTC ones; longer intervals are rebuilt from the hourly
series, as REST does for `timeZone`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.market.history import aggregate
from simulator.market.intervals import INTERVAL_MS

if TYPE_CHECKING:
    from simulator.market.history import History, Kline

SUFFIX = "@+08:00"
OFFSET_MS = 8 * 3_600_000
# Hourly candles spanning one bucket of each interval that does not line up with UTC (1M: 31 days).
HOURS_PER_BUCKET = {"12h": 12, "1d": 24, "3d": 72, "1w": 168, "1M": 744}


def aligned(interval: str) -> bool:
    """True when the interval's UTC+8 buckets coincide with its UTC buckets."""
    return interval not in HOURS_PER_BUCKET and OFFSET_MS % INTERVAL_MS[interval] == 0


def current(history: History, interval: str) -> Kline | None:
    """The open UTC+8 candle of `interval` (None if the history has nothing to build it from)."""
    if aligned(interval):
        series = history.series.get(interval)
        return series.current() if series is not None else None
    hourly = history.series.get("1h")
    if hourly is None or not hourly.candles:
        return None
    recent = list(hourly.candles)[-(HOURS_PER_BUCKET[interval] + 1) :]
    shifted = aggregate(interval, recent, OFFSET_MS)
    return shifted[-1] if shifted else None
