"""The shared circuit breaker: closed → open → half-open → closed or open again."""

from __future__ import annotations

import pytest

from apps.exchange.breaker import CircuitBreaker
from apps.exchange.domain.errors import CircuitOpenError


class FakeClock:
    def __init__(self) -> None:
        self.ms = 1_000_000

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def breaker(redis_client, prefix, clock) -> CircuitBreaker:
    return CircuitBreaker(
        redis_client, prefix=prefix, clock_ms=clock, failure_threshold=3, cooldown_s=10, probe_timeout_s=5
    )


def _fail(breaker: CircuitBreaker, n: int) -> None:
    for _ in range(n):
        admission = breaker.before_call("spot", "orders")
        breaker.record("spot", "orders", ok=False, admission=admission)


def test_the_breaker_opens_after_consecutive_failures_and_fails_fast(breaker) -> None:
    _fail(breaker, 2)
    assert breaker.state("spot", "orders").state == "closed"
    _fail(breaker, 1)
    state = breaker.state("spot", "orders")
    assert state.state == "open" and state.failures == 3
    with pytest.raises(CircuitOpenError, match="failing fast"):
        breaker.before_call("spot", "orders")


def test_a_success_resets_the_consecutive_failure_count(breaker) -> None:
    _fail(breaker, 2)
    admission = breaker.before_call("spot", "orders")
    breaker.record("spot", "orders", ok=True, admission=admission)
    _fail(breaker, 2)
    assert breaker.state("spot", "orders").state == "closed"


def test_after_the_cooldown_one_probe_goes_through_and_its_success_closes_the_breaker(breaker, clock) -> None:
    _fail(breaker, 3)
    clock.ms += 10_001
    probe = breaker.before_call("spot", "orders")
    assert probe.state == "half_open"
    with pytest.raises(CircuitOpenError):  # only one probe at a time
        breaker.before_call("spot", "orders")
    breaker.record("spot", "orders", ok=True, admission=probe)
    assert breaker.state("spot", "orders").state == "closed"
    breaker.before_call("spot", "orders")


def test_a_failed_probe_opens_the_breaker_again(breaker, clock) -> None:
    _fail(breaker, 3)
    clock.ms += 10_001
    probe = breaker.before_call("spot", "orders")
    breaker.record("spot", "orders", ok=False, admission=probe)
    assert breaker.state("spot", "orders").state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.before_call("spot", "orders")


def test_a_probe_that_never_reports_back_lets_the_next_one_try(breaker, clock) -> None:
    _fail(breaker, 3)
    clock.ms += 10_001
    breaker.before_call("spot", "orders")
    clock.ms += 5_001
    assert breaker.before_call("spot", "orders").state == "half_open"


def test_breakers_are_separate_per_market_and_group(breaker) -> None:
    _fail(breaker, 3)
    breaker.before_call("futures", "orders")
    breaker.before_call("spot", "market_data")
