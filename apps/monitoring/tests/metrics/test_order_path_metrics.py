"""Order-path metrics from real transitions: submit → ack, ack → first fill / filled, rejects by reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.monitoring.metrics import orders as order_metrics
from apps.monitoring.rolling import rolling_window
from apps.monitoring.tests.metrics.conftest import sample
from apps.orders.domain.report import ExchangeReport
from apps.orders.services import order_transition
from apps.orders.tests.factories import make_order

if TYPE_CHECKING:
    from apps.orders.models import Order

pytestmark = pytest.mark.django_db


def _report(order: Order, status: str, executed: str) -> ExchangeReport:
    return ExchangeReport(
        client_order_id=order.client_order_id,
        exchange_order_id=4242,
        status=status,
        executed_qty=Decimal(executed),
        cumulative_quote=Decimal(executed) * 100,
    )


def _move(order: Order, event: str, captured: Any, **kwargs: Any) -> None:
    with captured(execute=True):
        order_transition(order_id=order.pk, event=event, source="task", **kwargs)


def test_ack_then_partial_then_full_fill_observe_each_latency_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = make_order(created_at=timezone.now() - timedelta(milliseconds=300))
    acks = sample("trader_order_submit_ack_seconds_count", market="spot", outcome="acked")
    first = sample("trader_order_ack_first_fill_seconds_count", market="spot", type="LIMIT")
    filled = sample("trader_order_ack_filled_seconds_count", market="spot", type="LIMIT")
    slow = sample("trader_order_submit_ack_seconds_bucket", market="spot", outcome="acked", le="0.25")

    _move(order, "ACCEPT", django_capture_on_commit_callbacks, report=_report(order, "NEW", "0"))
    _move(
        order,
        "PARTIAL_FILL",
        django_capture_on_commit_callbacks,
        report=_report(order, "PARTIALLY_FILLED", "0.0005"),
    )
    _move(order, "FILL", django_capture_on_commit_callbacks, report=_report(order, "FILLED", "0.001"))

    assert sample("trader_order_submit_ack_seconds_count", market="spot", outcome="acked") == acks + 1
    # 300 ms from the saved row to the ack: above the 0.25 s bucket.
    assert sample("trader_order_submit_ack_seconds_bucket", market="spot", outcome="acked", le="0.25") == slow
    assert sample("trader_order_ack_first_fill_seconds_count", market="spot", type="LIMIT") == first + 1
    assert sample("trader_order_ack_filled_seconds_count", market="spot", type="LIMIT") == filled + 1
    stats = rolling_window("order_submit", seconds=60)
    assert (stats.count, stats.errors) == (1, 0)
    assert stats.p95_ms is not None and stats.p95_ms >= Decimal(250)


def test_a_fill_applied_by_another_process_reads_the_ack_time_from_the_events(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = make_order()
    _move(order, "ACCEPT", django_capture_on_commit_callbacks, report=_report(order, "NEW", "0"))
    order_metrics._ack_times.clear()  # as in the streams process, which never saw the ack
    filled = sample("trader_order_ack_filled_seconds_count", market="spot", type="LIMIT")
    _move(order, "FILL", django_capture_on_commit_callbacks, report=_report(order, "FILLED", "0.001"))
    assert sample("trader_order_ack_filled_seconds_count", market="spot", type="LIMIT") == filled + 1


def test_an_exchange_reject_counts_by_binance_code_and_as_a_failed_submit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = make_order()
    before = sample("trader_order_rejects_total", market="spot", source="exchange", reason="-2010")
    rejected = sample("trader_order_submit_ack_seconds_count", market="spot", outcome="rejected")

    _move(order, "REJECT", django_capture_on_commit_callbacks, payload={"code": -2010, "msg": "no balance"})

    assert (
        sample("trader_order_rejects_total", market="spot", source="exchange", reason="-2010") == before + 1
    )
    assert sample("trader_order_submit_ack_seconds_count", market="spot", outcome="rejected") == rejected + 1
    stats = rolling_window("order_submit", seconds=60)
    assert (stats.count, stats.errors, stats.error_rate_pct) == (1, 1, Decimal("100.00"))


def test_a_transition_rolled_back_is_not_observed(django_capture_on_commit_callbacks: Any) -> None:
    order = make_order()
    acks = sample("trader_order_submit_ack_seconds_count", market="spot", outcome="acked")
    with django_capture_on_commit_callbacks(execute=False):
        order_transition(order_id=order.pk, event="ACCEPT", source="task")
    assert sample("trader_order_submit_ack_seconds_count", market="spot", outcome="acked") == acks


def test_an_order_refused_locally_counts_by_field(trader_user: Any) -> None:
    make_order()  # the symbol BTCUSDT exists and trades
    client = APIClient()
    client.force_authenticate(trader_user)
    before = sample("trader_order_rejects_total", market="spot", source="local", reason="quantity")
    body = {
        "market": "SPOT",
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "MARKET",
        "quantity": "0.0000000001",
    }
    response = client.post("/api/orders/", body, format="json")
    assert response.status_code == 400, response.json()
    assert (
        sample("trader_order_rejects_total", market="spot", source="local", reason="quantity") == before + 1
    )


@pytest.mark.parametrize(
    ("value", "label"),
    [(None, "none"), (-2010, "-2010"), ("", "none"), ("LOT SIZE/bad", "LOT_SIZE_bad"), ("x" * 99, "x" * 40)],
)
def test_reason_labels_are_safe_and_bounded(value: object, label: str) -> None:
    from apps.monitoring.metrics.definitions import reason_label

    assert reason_label(value) == label


def test_an_order_adopted_by_reconciliation_is_no_submit(django_capture_on_commit_callbacks: Any) -> None:
    order = make_order(external=True)
    acks = sample("trader_order_submit_ack_seconds_count", market="spot", outcome="acked")
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order_id=order.pk, event="ACCEPT", source="reconcile")
    assert sample("trader_order_submit_ack_seconds_count", market="spot", outcome="acked") == acks
    assert rolling_window("order_submit", seconds=60).count == 0
