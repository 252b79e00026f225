"""Rolling windows against a real Redis (DB from REDIS_URL): records add up, expire, and never raise."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import redis

from apps.monitoring import rolling

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_django.fixtures import SettingsWrapper


@pytest.fixture
def series(settings: SettingsWrapper) -> Iterator[str]:
    settings.TRADER_ROLLING_REDIS_PREFIX = f"test:rolling:{uuid.uuid4().hex}"
    rolling._paused_until = 0.0
    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.TRADER_ROLLING_REDIS_PREFIX
    yield "exchange:spot"
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_records_sum_into_the_window(series: str) -> None:
    for _ in range(18):
        rolling.rolling_record(series, ok=True, latency_ms=3.0)
    rolling.rolling_record(series, ok=False, latency_ms=800.0)
    rolling.rolling_record(series, ok=False)

    stats = rolling.rolling_window(series, seconds=60)

    assert stats.count == 20
    assert stats.errors == 2
    assert stats.error_rate_pct == Decimal("10.00")
    # rank 18.05 of 19 timed calls lies just past the 18 fast ones: 600 + 400 * 0.05 in (600, 1000]
    assert stats.p95_ms == Decimal("620.0")
    assert rolling.rolling_window("order_submit", seconds=60).count == 0


def test_an_empty_series_has_no_rate_and_no_p95(series: str) -> None:
    stats = rolling.rolling_window(series, seconds=300)
    assert (stats.count, stats.errors, stats.error_rate_pct, stats.p95_ms) == (0, 0, None, None)


def test_buckets_expire_after_the_retention(series: str, settings: SettingsWrapper) -> None:
    settings.TRADER_ROLLING_RETENTION_S = 30
    rolling.rolling_record(series, ok=True, latency_ms=1.0)
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(f"{settings.TRADER_ROLLING_REDIS_PREFIX}:*"))
    assert len(keys) == 1
    assert 30 < client.ttl(keys[0]) <= 40


def test_a_window_longer_than_the_retention_is_capped(series: str, settings: SettingsWrapper) -> None:
    settings.TRADER_ROLLING_RETENTION_S = 60
    rolling.rolling_record(series, ok=True)
    assert rolling.rolling_window(series, seconds=10**9).count == 1


def test_recording_without_redis_drops_quietly_and_logs_once(
    series: str, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    rolling._failure_logged = False
    with caplog.at_level("WARNING", logger="apps.monitoring.rolling"):
        rolling.rolling_record(series, ok=True, latency_ms=1.0)
        rolling._paused_until = 0.0  # force a second real attempt: still one log line
        rolling.rolling_record(series, ok=False)
    assert [r.message for r in caplog.records if "dropped" in r.message] == [caplog.records[0].message]
    with pytest.raises(redis.RedisError):
        rolling.rolling_window(series, seconds=60)
    rolling._failure_logged = False
    rolling._paused_until = 0.0


def test_every_exchange_call_lands_in_the_overall_and_the_market_series(series: str) -> None:
    from apps.exchange.metrics import observe_call

    for outcome in ("ok", "rejected", "temporary", "rate_limited"):
        observe_call(
            endpoint="spot.order.place", market="spot", outcome=outcome, status=200, seconds=0.02, weight=1
        )
    observe_call(endpoint="futures.ping", market="futures", outcome="ok", status=200, seconds=0.004, weight=1)

    overall = rolling.rolling_window("exchange", seconds=60)
    spot = rolling.rolling_window("exchange:spot", seconds=60)
    futures = rolling.rolling_window("exchange:futures", seconds=60)
    # A business reject is the exchange working; timeouts and rate limits are not.
    assert (overall.count, overall.errors) == (5, 2)
    assert (spot.count, spot.errors, spot.error_rate_pct) == (4, 2, Decimal("50.00"))
    assert (futures.count, futures.errors) == (1, 0)
    assert futures.p95_ms is not None and futures.p95_ms <= Decimal(5)
