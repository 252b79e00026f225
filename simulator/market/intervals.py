"""Kline intervals and their bucket boundaries (weeks open Monday 00:00 UTC, months on the 1st)."""

from __future__ import annotations

from datetime import UTC, datetime

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
# 1970-01-01 was a Thursday; Binance weeks start on Monday, four days later.
WEEK_OFFSET = 4 * DAY

INTERVAL_MS: dict[str, int] = {
    "1s": SECOND,
    "1m": MINUTE,
    "3m": 3 * MINUTE,
    "5m": 5 * MINUTE,
    "15m": 15 * MINUTE,
    "30m": 30 * MINUTE,
    "1h": HOUR,
    "2h": 2 * HOUR,
    "4h": 4 * HOUR,
    "6h": 6 * HOUR,
    "8h": 8 * HOUR,
    "12h": 12 * HOUR,
    "1d": DAY,
    "3d": 3 * DAY,
    "1w": WEEK,
    "1M": 31 * DAY,
}
SPOT_INTERVALS = tuple(INTERVAL_MS)
FUTURES_INTERVALS = tuple(i for i in INTERVAL_MS if i != "1s")
# Which backfilled base series each interval's history is aggregated from.
BASE_OF: dict[str, str] = {
    "1s": "1s",
    "1m": "1m",
    "3m": "1m",
    "5m": "1m",
    "15m": "1m",
    "30m": "1m",
    "1h": "1h",
    "2h": "1h",
    "4h": "1h",
    "6h": "1h",
    "8h": "1h",
    "12h": "1h",
    "1d": "1d",
    "3d": "1d",
    "1w": "1d",
    "1M": "1d",
}


def bucket_start(interval: str, time_ms: int) -> int:
    if interval == "1M":
        moment = datetime.fromtimestamp(time_ms / 1000, tz=UTC)
        return int(datetime(moment.year, moment.month, 1, tzinfo=UTC).timestamp() * 1000)
    if interval == "1w":
        return (time_ms - WEEK_OFFSET) // WEEK * WEEK + WEEK_OFFSET
    span = INTERVAL_MS[interval]
    return time_ms - time_ms % span


def bucket_end(interval: str, open_ms: int) -> int:
    """Exclusive end of the bucket opening at `open_ms` (the kline's closeTime is this minus 1)."""
    if interval == "1M":
        moment = datetime.fromtimestamp(open_ms / 1000, tz=UTC)
        year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        return int(datetime(year, month, 1, tzinfo=UTC).timestamp() * 1000)
    return open_ms + INTERVAL_MS[interval]
