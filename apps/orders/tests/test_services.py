"""order_transition (compare-and-set through the state table) and fill_record (once per trade)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from apps.orders import services
from apps.orders.domain.report import ExchangeReport, ReportMismatch
from apps.orders.domain.state import InvalidTransition
from apps.orders.models import Fill, Order, OrderEvent
from apps.orders.services import FillConflict, TransitionConflict, fill_record, order_transition
from apps.orders.tests.factories import make_order, spot_symbol

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def report(order: Order, status: str, executed: str, quote: str, order_id: int | None = 7) -> ExchangeReport:
    return ExchangeReport(
        client_order_id=order.client_order_id,
        exchange_order_id=order_id,
        status=status,
        executed_qty=Decimal(executed),
        cumulative_quote=Decimal(quote),
        update_time=NOW,
    )


def test_a_transition_moves_the_order_and_records_the_event_in_one_go() -> None:
    order = make_order()
    moved = order_transition(
        order_id=order.pk,
        event="ACCEPT",
        source="task",
        payload={"orderId": 7},
        report=report(order, "NEW", "0", "0"),
    )
    assert (moved.status, moved.exchange_order_id, moved.exchange_status) == ("NEW", 7, "NEW")
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status, event.event, event.source) == (
        "PENDING_NEW",
        "NEW",
        "ACCEPT",
        "task",
    )
    assert event.payload == {"orderId": 7}


def test_an_invalid_transition_raises_is_logged_and_changes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    order = make_order()
    with caplog.at_level(logging.WARNING, logger="apps.orders.services"), pytest.raises(InvalidTransition):
        order_transition(order_id=order.pk, event="CANCEL_REQUEST", source="api")
    assert Order.objects.get(pk=order.pk).status == "PENDING_NEW"
    assert not OrderEvent.objects.exists()
    assert "PENDING_NEW -> CANCEL_REQUEST" in caplog.text


def test_the_exchange_figures_arrive_with_the_transition_and_give_the_average_price() -> None:
    order = make_order(requested_quantity=Decimal("0.003"))
    order_transition(order_id=order.pk, event="ACCEPT", source="stream")
    moved = order_transition(
        order_id=order.pk,
        event="PARTIAL_FILL",
        source="stream",
        report=report(order, "PARTIALLY_FILLED", "0.002", "200.00002"),
    )
    assert moved.status == "PARTIALLY_FILLED"
    assert (moved.exchange_executed_qty, moved.exchange_cumulative_quote) == (
        Decimal("0.002"),
        Decimal("200.00002"),
    )
    assert moved.exchange_avg_price == Decimal("100000.01")
    assert moved.requested_quantity == Decimal("0.003")


def test_an_older_report_never_takes_the_executed_quantity_back() -> None:
    order = make_order()
    order_transition(
        order_id=order.pk,
        event="PARTIAL_FILL",
        source="stream",
        report=report(order, "PARTIALLY_FILLED", "0.0008", "80"),
    )
    moved = order_transition(
        order_id=order.pk,
        event="PARTIAL_FILL",
        source="task",
        report=report(order, "PARTIALLY_FILLED", "0.0005", "50"),
    )
    assert moved.exchange_executed_qty == Decimal("0.0008")
    assert OrderEvent.objects.filter(order=order).count() == 2


def test_a_report_about_another_order_is_refused() -> None:
    order = make_order()
    order_transition(order_id=order.pk, event="ACCEPT", source="task", report=report(order, "NEW", "0", "0"))
    with pytest.raises(ReportMismatch, match="orderId 8"):
        order_transition(
            order_id=order.pk,
            event="FILL",
            source="stream",
            report=report(order, "FILLED", "0.001", "100", order_id=8),
        )
    stranger = ExchangeReport("someone-else", 7, "FILLED", Decimal("0.001"), Decimal(100))
    with pytest.raises(ReportMismatch, match="someone-else"):
        order_transition(order_id=order.pk, event="FILL", source="stream", report=stranger)
    assert Order.objects.get(pk=order.pk).status == "NEW"


def test_a_rejection_keeps_binance_code_and_message() -> None:
    order = make_order()
    moved = order_transition(
        order_id=order.pk,
        event="REJECT",
        source="task",
        payload={"code": -2010, "msg": "Account has insufficient balance for requested action."},
    )
    assert (moved.status, moved.reject_code) == ("REJECTED", -2010)
    assert moved.reject_reason == "Account has insufficient balance for requested action."


def test_a_writer_that_loses_the_race_judges_its_event_again(monkeypatch: pytest.MonkeyPatch) -> None:
    order = make_order(status="NEW")
    real = services.next_status
    calls = []

    def racing(current, event):  # another writer commits a partial fill between our read and our update
        if not calls:
            Order.objects.filter(pk=order.pk).update(status="PARTIALLY_FILLED")
        calls.append(current)
        return real(current, event)

    monkeypatch.setattr(services, "next_status", racing)
    moved = order_transition(order_id=order.pk, event="FILL", source="stream")
    assert calls == ["NEW", "PARTIALLY_FILLED"]
    assert moved.status == "FILLED"
    assert list(OrderEvent.objects.values_list("from_status", "to_status")) == [
        ("PARTIALLY_FILLED", "FILLED")
    ]


def test_an_event_that_the_winner_made_invalid_is_refused_not_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = make_order(status="NEW")
    real = services.next_status

    def racing(current, event):
        Order.objects.filter(pk=order.pk).update(status="CANCELED")
        return real(current, event)

    monkeypatch.setattr(services, "next_status", racing)
    with pytest.raises(InvalidTransition, match="CANCELED -> FILL"):
        order_transition(order_id=order.pk, event="FILL", source="stream")
    assert Order.objects.get(pk=order.pk).status == "CANCELED"


def test_an_order_that_never_settles_ends_in_a_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    order = make_order(status="PARTIALLY_FILLED")
    real = services.next_status

    def racing(current, event):
        Order.objects.filter(pk=order.pk).update(
            exchange_executed_qty=Order.objects.get(pk=order.pk).exchange_executed_qty + 1
        )
        return real(current, event)

    monkeypatch.setattr(services, "next_status", racing)
    with pytest.raises(TransitionConflict):
        order_transition(order_id=order.pk, event="PARTIAL_FILL", source="stream")
    assert not OrderEvent.objects.exists()


def test_decimals_in_a_payload_are_kept_as_strings() -> None:
    order = make_order()
    order_transition(
        order_id=order.pk, event="ACCEPT", source="stream", payload={"executedQty": Decimal("0.10")}
    )
    assert OrderEvent.objects.get().payload == {"executedQty": "0.10"}


def test_an_unknown_source_or_event_is_a_programming_error() -> None:
    order = make_order()
    with pytest.raises(ValueError, match="unknown event source"):
        order_transition(order_id=order.pk, event="ACCEPT", source="carrier-pigeon")
    with pytest.raises(ValueError):
        order_transition(order_id=order.pk, event="TELEPORT", source="api")


def _fill(order: Order, trade_id: int = 1001, **extra: object) -> tuple[Fill, bool]:
    values = {
        "price": Decimal("100000.01"),
        "quantity": Decimal("0.0004"),
        "commission": Decimal("0.00000040"),
        "commission_asset": "BTC",
        "is_maker": True,
        "trade_time": NOW,
    }
    values.update(extra)
    return fill_record(order_id=order.pk, exchange_trade_id=trade_id, **values)  # type: ignore[arg-type]


def test_a_trade_is_recorded_once_however_often_it_is_reported() -> None:
    order = make_order()
    first, created = _fill(order)
    again, created_again = _fill(order)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and Fill.objects.count() == 1
    assert first.quote_quantity == Decimal("40.000004")
    stored = Fill.objects.get()
    assert (stored.market, stored.commission, stored.realized_pnl) == ("SPOT", Decimal("0.0000004"), None)


def test_the_same_trade_id_on_another_symbol_is_another_trade() -> None:
    btc = make_order()
    eth = make_order(symbol=spot_symbol("ETHUSDT"))
    _fill(btc, 5)
    _, created = _fill(eth, 5)
    assert created and Fill.objects.count() == 2


def test_a_trade_reported_for_a_second_order_of_the_symbol_is_a_conflict() -> None:
    first, second = make_order(), make_order()
    _fill(first, 9)
    with pytest.raises(FillConflict, match="belongs to order"):
        _fill(second, 9)


def test_a_trade_imported_before_its_order_was_known_is_claimed_not_duplicated() -> None:
    order = make_order(exchange_order_id=4242)
    Fill.objects.create(
        order=None,
        exchange_order_id=4242,
        side="BUY",
        symbol=order.symbol,
        market=order.market,
        exchange_trade_id=31,
        price=Decimal(100),
        quantity=Decimal(1),
        quote_quantity=Decimal(100),
        commission=Decimal(0),
        commission_asset="USDT",
        is_maker=False,
        trade_time=NOW,
    )
    fill, created = _fill(order, 31)
    assert created is True
    assert fill.order_id == order.pk
    assert Fill.objects.filter(exchange_trade_id=31).count() == 1
    assert _fill(order, 31)[1] is False
