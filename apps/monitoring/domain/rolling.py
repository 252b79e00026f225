"""Bucket arithmetic of the rolling windows (error rate, p95 latency) kept in Redis by `monitoring.rolling`.

A series is a run of fixed-width time buckets. Each bucket holds a call count, an error count and a
latency histogram over fixed bounds, so buckets from any number of processes add up by plain summation
and a window is the sum of the buckets it covers. p95 is read from the summed histogram the way
Prometheus' `histogram_quantile` does: linear interpolation inside the bucket holding the rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

BUCKET_S = 10
# Upper bounds (ms) of the latency histogram; a last, open bucket holds everything slower.
LATENCY_BOUNDS_MS: tuple[int, ...] = (
    5,
    10,
    25,
    50,
    75,
    100,
    150,
    250,
    400,
    600,
    1000,
    1500,
    2500,
    5000,
    10000,
)
HISTOGRAM_SLOTS = len(LATENCY_BOUNDS_MS) + 1

_TENTH = Decimal("0.1")

COUNT_FIELD = "n"
ERROR_FIELD = "e"


@dataclass(frozen=True)
class RollingStats:
    count: int
    errors: int
    error_rate_pct: Decimal | None  # None when count == 0
    p95_ms: Decimal | None  # None when no latency recorded


def bucket_start(at_s: float) -> int:
    """Start (unix seconds) of the bucket that `at_s` falls in."""
    return int(at_s // BUCKET_S) * BUCKET_S


def window_buckets(now_s: float, seconds: int) -> list[int]:
    """Starts of every bucket overlapping the window (now_s - seconds, now_s], newest first.

    Buckets are whole, so the window reaches back up to one bucket width further than asked: an alert
    over "the last 60 s" sees between 60 and 70 s, never less.
    """
    if seconds <= 0:
        return []
    current = bucket_start(now_s)
    oldest = now_s - seconds
    starts = []
    start = current
    while start + BUCKET_S > oldest:
        starts.append(start)
        start -= BUCKET_S
    return starts


def latency_slot(latency_ms: float) -> int:
    """Index of the histogram slot a latency falls in (bounds are inclusive upper bounds)."""
    for index, bound in enumerate(LATENCY_BOUNDS_MS):
        if latency_ms <= bound:
            return index
    return len(LATENCY_BOUNDS_MS)


def slot_field(slot: int) -> str:
    return f"h{slot}"


def bucket_fields(*, ok: bool, latency_ms: float | None) -> dict[str, int]:
    """The hash increments one recorded call adds to its bucket."""
    fields = {COUNT_FIELD: 1}
    if not ok:
        fields[ERROR_FIELD] = 1
    if latency_ms is not None and math.isfinite(latency_ms) and latency_ms >= 0:
        fields[slot_field(latency_slot(latency_ms))] = 1
    return fields


def error_rate_pct(count: int, errors: int) -> Decimal | None:
    if count <= 0:
        return None
    return (Decimal(errors) * 100 / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def percentile_ms(histogram: Sequence[int], quantile: Decimal = Decimal("0.95")) -> Decimal | None:
    """The `quantile` latency estimated from slot counts; None when the histogram is empty.

    Inside a slot the estimate interpolates linearly between its bounds; a rank landing in the open last
    slot reports the highest finite bound (all we know is "at least that slow").
    """
    total = sum(histogram)
    if total <= 0:
        return None
    rank = quantile * total
    seen = 0
    lower = Decimal(0)
    for index, count in enumerate(histogram):
        if index >= len(LATENCY_BOUNDS_MS):
            return Decimal(LATENCY_BOUNDS_MS[-1]).quantize(_TENTH, ROUND_HALF_UP)
        upper = Decimal(LATENCY_BOUNDS_MS[index])
        if count and seen + count >= rank:
            inside = (rank - seen) / count
            return (lower + (upper - lower) * inside).quantize(_TENTH, ROUND_HALF_UP)
        seen += count
        lower = upper
    return Decimal(LATENCY_BOUNDS_MS[-1]).quantize(_TENTH, ROUND_HALF_UP)


def summarize(buckets: Iterable[Mapping[str, int]]) -> RollingStats:
    """Sum bucket hashes (field -> count, as decoded from Redis) into window statistics."""
    count = 0
    errors = 0
    histogram = [0] * HISTOGRAM_SLOTS
    for bucket in buckets:
        count += int(bucket.get(COUNT_FIELD, 0))
        errors += int(bucket.get(ERROR_FIELD, 0))
        for slot in range(HISTOGRAM_SLOTS):
            histogram[slot] += int(bucket.get(slot_field(slot), 0))
    return RollingStats(
        count=count,
        errors=errors,
        error_rate_pct=error_rate_pct(count, errors),
        p95_ms=percentile_ms(histogram),
    )
