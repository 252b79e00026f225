"""Reconciling open orders against the local exchange: adoption, orders finished behind our back, fills."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.exchange.domain.types import OrderRequest
from apps.monitoring.models import AuditEvent
from apps.orders.models import Order
from apps.orders.reconcile import orders_reconcile
from apps.orders.submission import PROCESSING_WINDOW
from apps.orders.tasks import reconcile, submit_order


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    from apps.orders import tasks

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks.submit_order, "delay", lambda order_id: calls.append(("submit", order_id)))
    monkeypatch.setattr(
        tasks.reconcile_order, "apply_async", lambda args, **kw: calls.append(("reconcile", args[0]))
    )
    return calls


@pytest.fixture
def below(gateway: Any) -> str:
    """A LIMIT BUY price far below the market: an order that rests (NEW) at the exchange."""
    return str(int(gateway.ticker_price("spot", "BTCUSDT") * Decimal("0.8")))


@pytest.fixture
def resting(trader_client: APIClient, symbols: None, gateway: Any, enqueued: Any, below: str) -> Any:
    def make() -> Order:
        body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT"}
        order_id = trader_client.post(
            "/api/orders/", {**body, "quantity": "0.001", "price": below}, format="json"
        ).json()["id"]
        submit_order(order_id)
        order = Order.objects.get(pk=order_id)
        assert order.status == "NEW"
        return order

    return make


def place_directly(gateway: Any, client_order_id: str, **fields: Any) -> Any:
    """An order sent with the platform's key but not through the platform (another client, the web UI)."""
    values: dict[str, Any] = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "time_in_force": "GTC"}
    values.update(fields)
    return gateway.place_order("spot", OrderRequest(client_order_id=client_order_id, **values))


def reconcile_events(order: Order) -> list[tuple[str, str]]:
    return list(order.events.filter(source="reconcile").values_list("event", "to_status"))


def test_an_order_placed_outside_the_platform_is_adopted_once_and_marked_external(
    symbols: None, gateway: Any, sim: Any, below: str
) -> None:
    placed = place_directly(gateway, "web_manual_1", quantity=Decimal("0.002"), price=Decimal(below))
    report = orders_reconcile(market="SPOT")
    assert len(report.adopted) == 1
    order = Order.objects.get(pk=report.adopted[0])
    assert order.external is True and order.created_by is None
    assert order.client_order_id == "web_manual_1" and order.exchange_order_id == placed.order_id
    assert order.status == "NEW" and order.requested_quantity == Decimal("0.002")
    assert order.requested_price == Decimal(below)
    assert reconcile_events(order) == [("CREATE", "PENDING_NEW"), ("ACCEPT", "NEW")]
    assert AuditEvent.objects.filter(action="orders.reconcile.adopt", target_id=str(order.pk)).count() == 1

    again = orders_reconcile(market="SPOT")
    assert not again.changed and again.errors == []
    assert Order.objects.filter(client_order_id="web_manual_1").count() == 1
    assert order.events.count() == 2
    assert AuditEvent.objects.filter(action__startswith="orders.reconcile.").count() == 1
    assert len(sim.find_orders("web_manual_1")) == 1  # read, never touched


def test_an_order_canceled_behind_our_back_becomes_canceled_through_a_reconcile_event(
    resting: Any, gateway: Any
) -> None:
    order = resting()
    gateway.cancel_order("spot", "BTCUSDT", client_order_id=order.client_order_id)
    report = orders_reconcile(market="SPOT", symbol="btcusdt")
    assert report.finished == [order.pk] and report.adopted == []
    order.refresh_from_db()
    assert order.status == "CANCELED" and order.exchange_status == "CANCELED"
    assert reconcile_events(order) == [("CANCEL", "CANCELED")]
    assert AuditEvent.objects.filter(action="orders.reconcile.finish", target_id=str(order.pk)).count() == 1
    assert not orders_reconcile(market="SPOT").changed


def test_an_order_filled_behind_our_back_becomes_filled_with_its_quantity_and_trades(
    resting: Any, gateway: Any
) -> None:
    # What we hold says NEW; at the exchange the same clientOrderId was a MARKET order that filled at once.
    order = resting()
    gateway.cancel_order("spot", "BTCUSDT", client_order_id=order.client_order_id)
    filled = place_directly(
        gateway, "t-filled-elsewhere", type="MARKET", time_in_force=None, quantity=order.requested_quantity
    )
    Order.objects.filter(pk=order.pk).update(
        client_order_id="t-filled-elsewhere", exchange_order_id=filled.order_id
    )
    report = orders_reconcile(market="SPOT")
    assert report.finished == [order.pk]
    order.refresh_from_db()
    assert order.status == "FILLED"
    assert order.exchange_executed_qty == Decimal("0.001") and order.exchange_avg_price is not None
    assert reconcile_events(order) == [("FILL", "FILLED")]
    assert sum(f.quantity for f in order.fills.all()) == Decimal("0.001")
    fills = order.fills.count()
    assert not orders_reconcile(market="SPOT").changed
    assert order.fills.count() == fills


def test_an_unknown_order_still_open_at_the_exchange_is_updated_to_its_status(resting: Any) -> None:
    # A lost cancel answer left it UNKNOWN; the exchange still lists it open: it is NEW again.
    order = resting()
    Order.objects.filter(pk=order.pk).update(status="UNKNOWN")
    report = orders_reconcile(market="SPOT")
    assert report.updated == [order.pk]
    order.refresh_from_db()
    assert order.status == "NEW"
    assert reconcile_events(order) == [("ACCEPT", "NEW")]
    assert AuditEvent.objects.filter(action="orders.reconcile.update").count() == 1


def test_a_stale_pending_order_unknown_to_the_exchange_goes_unknown_then_rejected(
    trader_client: APIClient, symbols: None, gateway: Any, enqueued: Any, below: str
) -> None:
    # The worker died before sending: the order waited PENDING_NEW past the processing window.
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001"}
    order_id = trader_client.post("/api/orders/", {**body, "price": below}, format="json").json()["id"]
    Order.objects.filter(pk=order_id).update(created_at=timezone.now() - PROCESSING_WINDOW * 2)
    first = orders_reconcile(market="SPOT")
    assert first.unknown == [order_id]
    assert Order.objects.get(pk=order_id).status == "UNKNOWN"
    later = timezone.now() + PROCESSING_WINDOW + timedelta(seconds=1)
    second = orders_reconcile(market="SPOT", now=later)
    assert second.finished == [order_id]
    order = Order.objects.get(pk=order_id)
    assert order.status == "REJECTED"
    assert reconcile_events(order) == [("OUTCOME_UNKNOWN", "UNKNOWN"), ("REJECT", "REJECTED")]
    # A redelivered submit task finds the order decided and sends nothing.
    assert submit_order(order_id) == "done"
    assert not orders_reconcile(market="SPOT", now=later).changed


def test_the_reconcile_task_covers_both_markets(symbols: None, gateway: Any, below: str) -> None:
    place_directly(gateway, "web_manual_2", quantity=Decimal("0.001"), price=Decimal(below))
    reports = reconcile()
    assert [r["market"] for r in reports] == ["SPOT", "USDM"]
    assert len(reports[0]["adopted"]) == 1 and reports[1]["adopted"] == []


def test_the_reconcile_endpoint_runs_it_for_a_trader_and_refuses_a_viewer(
    trader_client: APIClient, viewer_client: APIClient, symbols: None, gateway: Any, below: str
) -> None:
    place_directly(gateway, "web_manual_3", quantity=Decimal("0.001"), price=Decimal(below))
    assert viewer_client.post("/api/orders/reconcile/", {"market": "SPOT"}, format="json").status_code == 403
    response = trader_client.post(
        "/api/orders/reconcile/", {"market": "spot", "symbol": "BTCUSDT"}, format="json"
    )
    assert response.status_code == 200
    (report,) = response.json()
    assert report["market"] == "SPOT" and report["symbol"] == "BTCUSDT" and len(report["adopted"]) == 1
    assert trader_client.post("/api/orders/reconcile/", {"market": "XX"}, format="json").status_code == 400


def test_the_beat_schedule_runs_every_30_seconds(db: None) -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="orders: reconcile open orders")
    assert task.task == "orders.reconcile" and task.enabled
    assert (task.interval.every, task.interval.period) == (30, "seconds")


def test_the_management_command_prints_one_report_per_market(
    symbols: None, gateway: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    call_command("reconcile_orders", "--market", "SPOT")
    out = capsys.readouterr().out
    assert '"market": "SPOT"' in out and out.count("\n") == 1


def redelivered_submit(order_id: int) -> str:
    """submit_order as a worker runs it when the broker hands the message out a second time."""
    submit_order.push_request(delivery_info={"redelivered": True})
    try:
        return str(submit_order.run(order_id))
    finally:
        submit_order.pop_request()


def test_a_redelivered_submission_whose_first_send_arrived_is_reconciled_not_sent_again(
    trader_client: APIClient,
    symbols: None,
    gateway: Any,
    sim: Any,
    enqueued: list[tuple[str, int]],
    below: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001"}
    order = Order.objects.get(
        pk=trader_client.post("/api/orders/", {**body, "price": below}, format="json").json()["id"]
    )
    # The first delivery's request reached the exchange; its worker died before recording the answer.
    place_directly(gateway, order.client_order_id, quantity=Decimal("0.001"), price=Decimal(below))
    with django_capture_on_commit_callbacks(execute=True):
        assert redelivered_submit(order.pk) == "unknown"
    assert ("reconcile", order.pk) in enqueued
    assert orders_reconcile(market="SPOT").updated == [order.pk]
    order.refresh_from_db()
    assert order.status == "NEW"
    assert list(order.events.values_list("to_status", "source")) == [
        ("PENDING_NEW", "api"),
        ("UNKNOWN", "task"),
        ("NEW", "reconcile"),
    ]
    assert len(sim.find_orders(order.client_order_id)) == 1


def test_a_redelivered_submission_that_never_arrived_is_rejected_after_the_window_and_never_sent(
    trader_client: APIClient, symbols: None, gateway: Any, sim: Any, enqueued: Any, below: str
) -> None:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001"}
    order_id = trader_client.post("/api/orders/", {**body, "price": below}, format="json").json()["id"]
    assert redelivered_submit(order_id) == "unknown"
    assert orders_reconcile(market="SPOT").changed is False  # within the processing window: undecided
    later = timezone.now() + PROCESSING_WINDOW + timedelta(seconds=1)
    assert orders_reconcile(market="SPOT", now=later).finished == [order_id]
    order = Order.objects.get(pk=order_id)
    assert order.status == "REJECTED"
    assert sim.find_orders(order.client_order_id) == []
