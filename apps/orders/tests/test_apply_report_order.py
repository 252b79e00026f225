"""A REST answer overtaken by the user stream must not move the order back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.exchange.domain.types import OrderReport
from apps.orders.domain.state import OrderStatus
from apps.orders.models import Order
from apps.orders.submission import order_apply_report
from apps.orders.tests.factories import make_order


def _report(order_id: int, client_order_id: str, status: str, executed: str) -> OrderReport:
    return OrderReport(
        market="spot",
        symbol="BTCUSDT",
        order_id=order_id,
        client_order_id=client_order_id,
        status=status,
        side="BUY",
        type="LIMIT",
        price=Decimal(100000),
        orig_qty=Decimal("0.002"),
        executed_qty=Decimal(executed),
        cum_quote=Decimal(executed) * 100000,
        avg_price=None,
        time_in_force="GTC",
        stop_price=None,
        position_side=None,
        reduce_only=None,
        update_time_ms=1,
    )


@pytest.mark.parametrize("passed_order", [True, False])
def test_an_older_ack_after_a_stream_partial_fill_changes_nothing(db: None, passed_order: bool) -> None:
    order = make_order(
        status=OrderStatus.PARTIALLY_FILLED,
        exchange_order_id=77,
        exchange_status="PARTIALLY_FILLED",
        exchange_executed_qty=Decimal("0.001"),
        exchange_cumulative_quote=Decimal(100),
    )
    stale_copy = Order.objects.get(pk=order.pk)
    stale_copy.status, stale_copy.exchange_executed_qty = OrderStatus.PENDING_NEW, Decimal(0)

    result = order_apply_report(
        order_id=order.pk,
        report=_report(77, order.client_order_id, "NEW", "0"),
        source="task",
        order=stale_copy if passed_order else None,
    )

    order.refresh_from_db()
    assert result.status == order.status == OrderStatus.PARTIALLY_FILLED
    assert order.exchange_executed_qty == Decimal("0.001")
    assert not order.events.filter(to_status__in=[OrderStatus.UNKNOWN, OrderStatus.NEW]).exists()


def test_a_newer_report_still_moves_the_order_forward(db: None) -> None:
    order = make_order(status=OrderStatus.NEW, exchange_order_id=78, exchange_status="NEW")
    result = order_apply_report(
        order_id=order.pk, report=_report(78, order.client_order_id, "FILLED", "0.002"), source="task"
    )
    assert result.status == OrderStatus.FILLED
    assert result.exchange_executed_qty == Decimal("0.002")
