"""The in-memory fake keeps the interface, the call log is sampled and capped, the clock offset is shared."""

from __future__ import annotations

import inspect
import random
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from apps.exchange.calllog import CallLogBuffer, CallRecord
from apps.exchange.domain.errors import OrderNotFoundError, RejectedError, TemporaryError
from apps.exchange.domain.types import OrderRequest
from apps.exchange.gateway.base import ExchangeGateway
from apps.exchange.gateway.binance import BinanceGateway
from apps.exchange.gateway.fake import FakeGateway
from apps.exchange.models import ApiCallLog
from apps.exchange.timesync import TimeSync


def _interface_methods() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in vars(ExchangeGateway).items()
        if callable(fn) and not name.startswith("_")
    }


@pytest.mark.parametrize("implementation", [BinanceGateway, FakeGateway])
def test_both_gateways_implement_every_method_of_the_interface_with_its_parameters(implementation) -> None:
    for name, signature in _interface_methods().items():
        method = getattr(implementation, name)
        assert list(inspect.signature(method).parameters) == list(signature.parameters), name


def test_the_fake_fills_market_orders_and_refuses_duplicates_and_overdrafts() -> None:
    fake = FakeGateway()
    req = OrderRequest(
        symbol="BTCUSDT", side="BUY", type="MARKET", client_order_id="c1", quantity=Decimal("0.1")
    )
    assert fake.place_order("spot", req).status == "FILLED"
    assert fake.balances["BTC"] == Decimal("1.1")
    with pytest.raises(RejectedError, match="Duplicate"):
        fake.place_order("spot", req)
    big = OrderRequest(
        symbol="BTCUSDT", side="BUY", type="MARKET", client_order_id="c2", quantity=Decimal(10)
    )
    with pytest.raises(RejectedError) as info:
        fake.place_order("spot", big)
    assert info.value.code == -2010 and "balance" in info.value.explanation.lower()
    with pytest.raises(OrderNotFoundError):
        fake.query_order("spot", "BTCUSDT", client_order_id="nope")


def test_the_fake_rests_limit_orders_until_filled_or_canceled() -> None:
    fake = FakeGateway()
    req = OrderRequest(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        client_order_id="l1",
        quantity=Decimal("0.1"),
        price=Decimal(40000),
        time_in_force="GTC",
    )
    fake.place_order("futures", req)
    assert [o.client_order_id for o in fake.open_orders("futures")] == ["l1"]
    assert fake.fill("futures", "l1").status == "FILLED"
    assert fake.positions("BTCUSDT")[0].amount == Decimal("0.1")
    with pytest.raises(RejectedError):
        fake.cancel_order("futures", "BTCUSDT", client_order_id="l1")


def test_the_fake_raises_queued_errors_to_exercise_callers() -> None:
    fake = FakeGateway()
    fake.fail_next("account", TemporaryError("boom"))
    with pytest.raises(TemporaryError):
        fake.account("spot")
    assert fake.account("spot").can_trade


def _record(outcome: str) -> CallRecord:
    return CallRecord(
        "spot.ping",
        "spot",
        "GET",
        1,
        Decimal("1.5"),
        200 if outcome == "ok" else 503,
        None,
        outcome,
        "",
        1,
        None,
        datetime.now(tz=UTC),
    )


def test_the_call_log_keeps_every_failure_and_a_sample_of_successes(db) -> None:
    log = CallLogBuffer(sample=0.1, cap=1000, rng=random.Random(3))
    kept = 0
    for _ in range(1000):
        if log.wants("ok"):
            log.add(_record("ok"))
            kept += 1
    assert 50 < kept < 150
    assert log.wants("temporary")
    log.add(_record("temporary"))
    log.flush()
    assert ApiCallLog.objects.filter(outcome="temporary").count() == 1
    assert ApiCallLog.objects.count() == kept + 1


def test_the_call_log_is_capped(db) -> None:
    log = CallLogBuffer(sample=1.0, cap=30)
    for _ in range(100):
        log.add(_record("ok"))
    log.flush()
    log.prune()
    assert ApiCallLog.objects.count() == 30


def test_a_finished_celery_task_writes_the_buffered_rows_at_once(db, monkeypatch) -> None:
    import os
    from types import SimpleNamespace

    from celery.signals import task_postrun

    from apps.exchange import runtime

    log = CallLogBuffer(sample=0.0, cap=100)
    monkeypatch.setattr(runtime, "_runtime", (os.getpid(), SimpleNamespace(calllog=log)))
    log.add(_record("temporary"))  # one failure in a quiet worker: no later call would flush it
    assert not ApiCallLog.objects.exists()
    task_postrun.send(sender=None, task_id="t-1", task=None, args=(), kwargs={}, retval=None, state="SUCCESS")
    assert ApiCallLog.objects.filter(outcome="temporary").count() == 1


def test_a_disabled_call_log_wants_nothing() -> None:
    assert not CallLogBuffer(sample=1.0, cap=10, enabled=False).wants("rejected")


def test_the_clock_offset_is_the_midpoint_estimate_and_shared_with_other_processes(
    redis_client, prefix
) -> None:
    first = TimeSync(redis_client, prefix=prefix, interval_s=60)
    assert first.due()
    offset = first.sync(lambda: int(time.time() * 1000) + 5_000)
    assert 4_900 < offset < 5_100
    assert not first.due()
    second = TimeSync(redis_client, prefix=prefix, interval_s=60)
    second.ensure(lambda: pytest.fail("must adopt the shared offset instead of calling the exchange"))
    assert second.offset_ms == offset
    assert abs(second.now_ms() - (int(time.time() * 1000) + offset)) < 50
