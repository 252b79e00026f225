"""Endpoint weights, pools from exchangeInfo, usage headers and backoff (pure)."""

from __future__ import annotations

import random

import pytest

from apps.exchange.domain.backoff import BackoffPolicy, next_delay
from apps.exchange.domain.ratelimits import (
    Pool,
    pools_from_exchange_info,
    retry_after_seconds,
    usage_from_headers,
)
from apps.exchange.domain.weights import ENDPOINTS, Priority, endpoint


@pytest.mark.parametrize(
    ("name", "params", "weight"),
    [
        ("spot.depth", {"limit": "100"}, 5),
        ("spot.depth", {"limit": "500"}, 25),
        ("spot.depth", {"limit": "5000"}, 250),
        ("futures.depth", {"limit": "1000"}, 20),
        ("spot.open_orders", {}, 80),
        ("spot.open_orders", {"symbol": "BTCUSDT"}, 6),
        ("spot.account", {}, 20),
        ("futures.klines", {"limit": "1500"}, 10),
        ("futures.order.place", {}, 0),
        ("futures.income", {}, 30),
    ],
)
def test_weights_follow_binances_table(name: str, params: dict[str, str], weight: int) -> None:
    assert endpoint(name).weight_for(params) == weight


def test_order_placement_is_never_retryable_and_cancels_and_reads_are() -> None:
    for ep in ENDPOINTS:
        if ep.counts_orders:
            assert not ep.retryable, ep.name
    assert endpoint("spot.order.cancel").retryable
    assert endpoint("futures.order.query").retryable


def test_cancels_go_first_then_orders_then_account_reads_then_market_data() -> None:
    assert endpoint("spot.order.cancel").priority == Priority.URGENT
    assert Priority.URGENT < endpoint("spot.order.place").priority < endpoint("spot.account").priority
    assert endpoint("spot.account").priority < endpoint("spot.depth").priority


def test_pools_are_read_from_exchange_info_and_unknown_types_skipped() -> None:
    pools = pools_from_exchange_info(
        [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 50},
            {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 160000},
            {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 300000},
            {"rateLimitType": "CONNECTIONS", "interval": "MINUTE", "intervalNum": 5, "limit": 300},
        ]
    )
    assert [p.name for p in pools] == ["weight:1m", "orders:10s", "orders:1d", "raw:5m"]
    assert pools[1] == Pool(kind="orders", window_ms=10_000, limit=50)


def test_usage_headers_name_the_same_pools_as_exchange_info() -> None:
    usage = usage_from_headers(
        {
            "X-MBX-USED-WEIGHT-1M": "21",
            "x-mbx-order-count-10s": "3",
            "X-MBX-ORDER-COUNT-1D": "9",
            "Other": "1",
        }
    )
    assert usage.counts == {"weight:1m": 21, "orders:10s": 3, "orders:1d": 9}


def test_retry_after_is_read_case_insensitively() -> None:
    assert retry_after_seconds({"retry-after": "12"}) == 12.0
    assert retry_after_seconds({}) is None


def test_backoff_grows_exponentially_with_full_jitter_and_stops_at_the_deadline() -> None:
    policy = BackoffPolicy(base_s=0.1, factor=2, max_s=1.0, max_attempts=5)
    rng = random.Random(1)
    for attempt in range(1, 5):
        assert 0 <= policy.delay(attempt, rng) <= min(1.0, 0.1 * 2 ** (attempt - 1))
    assert next_delay(policy, attempt=5, remaining_s=100) is None
    assert next_delay(policy, attempt=1, remaining_s=0.5, retry_after_s=2.0) is None
    assert next_delay(policy, attempt=1, remaining_s=5, retry_after_s=2.0) == 2.0
