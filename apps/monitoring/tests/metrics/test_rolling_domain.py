"""Bucket arithmetic of the rolling windows: bucket edges, window coverage, error rate and p95."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.monitoring.domain.rolling import (
    BUCKET_S,
    HISTOGRAM_SLOTS,
    LATENCY_BOUNDS_MS,
    bucket_fields,
    bucket_start,
    error_rate_pct,
    latency_slot,
    percentile_ms,
    summarize,
    window_buckets,
)


@pytest.mark.parametrize(
    ("at", "start"),
    [(0, 0), (9.999, 0), (10, 10), (1_700_000_005.5, 1_700_000_000), (1_700_000_010, 1_700_000_010)],
)
def test_bucket_start_floors_to_the_bucket_width(at: float, start: int) -> None:
    assert bucket_start(at) == start


@pytest.mark.parametrize(
    ("now", "seconds", "starts"),
    [
        (100.0, 10, [100, 90]),  # at a bucket edge the previous whole bucket is still needed
        (105.0, 10, [100, 90]),  # (95, 105] reaches into [90, 100)
        (110.0, 10, [110, 100]),
        (105.0, 60, [100, 90, 80, 70, 60, 50, 40]),
        (109.0, 5, [100]),
        (100.0, 0, []),
    ],
)
def test_window_buckets_cover_the_window_newest_first(now: float, seconds: int, starts: list[int]) -> None:
    assert window_buckets(now, seconds) == starts


@given(now=st.floats(min_value=0, max_value=4e9), seconds=st.integers(min_value=1, max_value=7200))
def test_window_buckets_never_cover_less_nor_more_than_one_extra_bucket(now: float, seconds: int) -> None:
    starts = window_buckets(now, seconds)
    assert starts[0] == bucket_start(now)
    assert starts[-1] <= now - seconds  # covers the oldest instant asked for
    assert starts[-1] > now - seconds - BUCKET_S  # and at most one bucket further back
    assert all(a - b == BUCKET_S for a, b in pairwise(starts))


@pytest.mark.parametrize(
    ("latency", "slot"),
    [
        (0, 0),
        (5, 0),
        (5.01, 1),
        (100, 5),
        (10_000, len(LATENCY_BOUNDS_MS) - 1),
        (10_001, len(LATENCY_BOUNDS_MS)),
    ],
)
def test_latency_slot_uses_inclusive_upper_bounds(latency: float, slot: int) -> None:
    assert latency_slot(latency) == slot


@pytest.mark.parametrize(
    ("ok", "latency", "fields"),
    [
        (True, None, {"n": 1}),
        (False, None, {"n": 1, "e": 1}),
        (True, 30.0, {"n": 1, "h3": 1}),
        (False, 20_000.0, {"n": 1, "e": 1, f"h{len(LATENCY_BOUNDS_MS)}": 1}),
        (True, float("nan"), {"n": 1}),
        (True, -1.0, {"n": 1}),
    ],
)
def test_bucket_fields_of_one_record(ok: bool, latency: float | None, fields: dict[str, int]) -> None:
    assert bucket_fields(ok=ok, latency_ms=latency) == fields


@pytest.mark.parametrize(
    ("count", "errors", "pct"),
    [(0, 0, None), (4, 1, Decimal("25.00")), (3, 1, Decimal("33.33")), (7, 7, Decimal("100.00"))],
)
def test_error_rate_pct(count: int, errors: int, pct: Decimal | None) -> None:
    assert error_rate_pct(count, errors) == pct


def _histogram(**slots: int) -> list[int]:
    counts = [0] * HISTOGRAM_SLOTS
    for name, count in slots.items():
        counts[int(name[1:])] = count
    return counts


@pytest.mark.parametrize(
    ("histogram", "p95"),
    [
        (_histogram(), None),
        (_histogram(h0=100), Decimal("4.8")),  # rank 95 of 100 in (0, 5]
        (_histogram(h2=20), Decimal("24.3")),  # rank 19 of 20 in (10, 25]: 10 + 15 * 0.95
        (_histogram(h0=95, h10=5), Decimal("5.0")),  # rank 95 is the last fast one
        (_histogram(h0=94, h10=6), Decimal("666.7")),  # rank 95 is the first of 6 in (600, 1000]
        (_histogram(h0=1, h15=99), Decimal("10000.0")),  # beyond the last bound: "at least 10 s"
    ],
)
def test_percentile_interpolates_inside_the_slot(histogram: list[int], p95: Decimal | None) -> None:
    assert percentile_ms(histogram) == p95


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=HISTOGRAM_SLOTS, max_size=HISTOGRAM_SLOTS))
def test_p95_lies_within_the_observed_slots(histogram: list[int]) -> None:
    p95 = percentile_ms(histogram)
    if sum(histogram) == 0:
        assert p95 is None
        return
    assert p95 is not None
    used = [i for i, c in enumerate(histogram) if c]
    lowest = Decimal(0) if used[0] == 0 else Decimal(LATENCY_BOUNDS_MS[used[0] - 1])
    highest = Decimal(LATENCY_BOUNDS_MS[min(used[-1], len(LATENCY_BOUNDS_MS) - 1)])
    assert lowest <= p95 <= highest


@given(
    st.lists(
        st.tuples(st.booleans(), st.none() | st.floats(min_value=0, max_value=50_000)),
        min_size=0,
        max_size=60,
    )
)
def test_summarize_adds_up_records_spread_over_buckets(records: list[tuple[bool, float | None]]) -> None:
    buckets: list[dict[str, int]] = [{}, {}, {}]
    for index, (ok, latency) in enumerate(records):
        bucket = buckets[index % 3]
        for field, amount in bucket_fields(ok=ok, latency_ms=latency).items():
            bucket[field] = bucket.get(field, 0) + amount
    stats = summarize(buckets)
    assert stats.count == len(records)
    assert stats.errors == sum(1 for ok, _ in records if not ok)
    assert (stats.error_rate_pct is None) == (not records)
    assert (stats.p95_ms is None) == all(latency is None for _, latency in records)
