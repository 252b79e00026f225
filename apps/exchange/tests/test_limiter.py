"""The shared Redis limiter: atomic admission, priorities, Retry-After, header feedback, many processes."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import redis

from apps.exchange.domain.errors import RateBudgetExhaustedError
from apps.exchange.domain.ratelimits import Pool, UsageReport
from apps.exchange.domain.weights import Priority
from apps.exchange.limiter import RateLimiter
from apps.exchange.tests import loadgen
from apps.exchange.tests.loadgen import run_children

W = Pool(kind="weight", window_ms=60_000, limit=100)
O10 = Pool(kind="orders", window_ms=10_000, limit=5)
BASE = 1_000_000_020_000  # a multiple of every window (minute, 10 s)


class FakeClock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def _limiter(client: redis.Redis, prefix: str, clock: FakeClock) -> RateLimiter:
    limiter = RateLimiter(client, prefix=prefix, clock_ms=clock, sleep=lambda s: None)
    limiter.limits_store("spot", [W, O10])
    return limiter


def _acquire(
    limiter: RateLimiter,
    *,
    weight: int = 1,
    orders: int = 0,
    priority: Priority = Priority.ORDER,
    timeout: float = 0.0,
) -> object:
    return limiter.acquire(
        market="spot",
        account="a",
        weight=weight,
        orders=orders,
        priority=priority,
        deadline=time.monotonic() + timeout,
    )


def test_calls_are_admitted_until_a_pool_is_full_then_refused_before_sending(redis_client, prefix) -> None:
    clock = FakeClock(BASE + 1_000)
    limiter = _limiter(redis_client, prefix, clock)
    for _ in range(5):
        _acquire(limiter, orders=1)
    with pytest.raises(RateBudgetExhaustedError, match="Rate budget exhausted"):
        _acquire(limiter, orders=1)
    usage = {u.pool: u.used for u in limiter.usage("spot", "a")}
    assert usage == {"weight:1m": 5, "orders:10s": 5}


def test_a_refused_call_counts_nothing(redis_client, prefix) -> None:
    clock = FakeClock(BASE + 1_000)
    limiter = _limiter(redis_client, prefix, clock)
    _acquire(limiter, weight=95)
    with pytest.raises(RateBudgetExhaustedError):
        _acquire(limiter, weight=10)
    assert {u.pool: u.used for u in limiter.usage("spot", "a")}["weight:1m"] == 95


def test_a_caller_with_a_long_enough_deadline_waits_for_the_next_window(redis_client, prefix) -> None:
    clock = FakeClock(BASE + 1_000)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.ms += int(seconds * 1000)

    limiter = RateLimiter(redis_client, prefix=prefix, clock_ms=clock, sleep=sleep)
    limiter.limits_store("spot", [O10])
    for _ in range(5):
        _acquire(limiter, orders=1)
    ticket = _acquire(limiter, orders=1, timeout=30)
    assert slept and 8.9 < slept[0] < 9.1
    assert ticket.admitted_ms // 10_000 == clock.ms // 10_000  # type: ignore[attr-defined]


def test_no_order_is_admitted_in_the_last_moment_of_a_window(redis_client, prefix) -> None:
    # A request sent at 9.99 s could reach the exchange in the next window and overfill it.
    clock = FakeClock(BASE + 10_000 - 50)
    limiter = _limiter(redis_client, prefix, clock)
    with pytest.raises(RateBudgetExhaustedError):
        _acquire(limiter, orders=1)


def test_higher_priority_waiters_go_before_lower_priority_callers(redis_client, prefix) -> None:
    clock = FakeClock(BASE + 1_000)
    limiter = _limiter(redis_client, prefix, clock)
    _acquire(limiter, weight=100)
    with pytest.raises(RateBudgetExhaustedError):  # a cancel starts waiting on the full pool...
        _acquire(limiter, weight=1, priority=Priority.URGENT)
    clock.ms += 60_000  # ...the window rolls over...
    with pytest.raises(RateBudgetExhaustedError):  # ...market data yields to the waiting cancel...
        _acquire(limiter, weight=1, priority=Priority.MARKET_DATA)
    _acquire(limiter, weight=1, priority=Priority.URGENT)  # ...which goes first.


def test_a_retry_after_blocks_every_caller_of_the_market(redis_client, prefix) -> None:
    limiter = RateLimiter(redis_client, prefix=prefix, clock_ms=lambda: int(time.time() * 1000))
    limiter.limits_store("spot", [W])
    limiter.block(market="spot", seconds=5)
    with pytest.raises(RateBudgetExhaustedError, match="Retry-After"):
        _acquire(limiter, priority=Priority.URGENT, timeout=1.0)
    assert 4 < limiter.blocked_for_s("spot") <= 5
    limiter.limits_store("futures", [W])
    limiter.acquire(
        market="futures", account="a", weight=1, orders=0, priority=Priority.ORDER, deadline=time.monotonic()
    )


def test_usage_reported_by_the_exchange_raises_the_shared_counter(redis_client, prefix) -> None:
    clock = FakeClock(BASE + 1_000)
    limiter = _limiter(redis_client, prefix, clock)
    ticket = _acquire(limiter, weight=1)
    limiter.observe(
        market="spot", account="a", usage=UsageReport({"weight:1m": 99}), sent_ms=ticket.admitted_ms
    )  # type: ignore[attr-defined]
    _acquire(limiter, weight=1)
    with pytest.raises(RateBudgetExhaustedError):
        _acquire(limiter, weight=1)


def test_a_report_from_the_previous_window_does_not_fill_the_new_one(redis_client, prefix) -> None:
    clock = FakeClock(BASE + 59_900)
    limiter = _limiter(redis_client, prefix, clock)
    sent = clock.ms
    clock.ms += 200
    limiter.observe(market="spot", account="a", usage=UsageReport({"weight:1m": 100}), sent_ms=sent)
    _acquire(limiter, weight=50)


def test_four_processes_hammering_one_pool_never_overfill_a_window(redis_client, prefix, settings) -> None:
    _, _, results = run_children(
        loadgen.hammer_limiter, (settings.REDIS_URL, prefix), count=4, duration_s=2.5
    )
    admitted = [ms for batch in results for ms in batch]
    per_window = Counter(ms // 1000 for ms in admitted)
    assert max(per_window.values()) <= 20
    # Full windows are used (the first and last may be partial).
    full = sorted(per_window.items())[1:-1]
    assert full and all(n >= 19 for _, n in full)
