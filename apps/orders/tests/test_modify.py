"""PATCH /api/orders/{id}/: spot amend keep-priority, spot cancelReplace, futures modify; idempotent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.monitoring.models import AuditEvent
from apps.orders.models import Order
from apps.orders.tasks import modify_order, submit_order


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    from apps.orders import tasks

    calls: list[tuple[str, int]] = []
    for name in ("submit_order", "cancel_order", "modify_order"):
        monkeypatch.setattr(
            getattr(tasks, name), "delay", lambda order_id, n=name: calls.append((n, order_id))
        )
    monkeypatch.setattr(
        tasks.reconcile_order, "apply_async", lambda args, **kw: calls.append(("reconcile", args[0]))
    )
    return calls


@pytest.fixture
def resting(trader_client: APIClient, symbols: None, gateway: Any, enqueued: Any) -> Any:
    def make(market: str = "SPOT", quantity: str = "0.002") -> Order:
        venue = "futures" if market == "USDM" else "spot"
        price = str(int(gateway.ticker_price(venue, "BTCUSDT") * Decimal("0.97")))
        body = {"market": market, "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": quantity}
        order_id = trader_client.post("/api/orders/", {**body, "price": price}, format="json").json()["id"]
        submit_order(order_id)
        order = Order.objects.get(pk=order_id)
        assert order.status == "NEW", order.reject_reason
        return order

    return make


def patch(client: APIClient, order: Order, **fields: str) -> Any:
    return client.patch(f"/api/orders/{order.pk}/", fields, format="json")


def test_a_spot_quantity_decrease_is_amended_in_place(
    trader_client: APIClient,
    resting: Any,
    gateway: Any,
    django_capture_on_commit_callbacks: Any,
    enqueued: Any,
) -> None:
    order = resting()
    with django_capture_on_commit_callbacks(execute=True):
        response = patch(trader_client, order, quantity="0.001")
    assert response.status_code == 202 and response.json()["id"] == order.pk
    assert ("modify_order", order.pk) in enqueued
    assert modify_order(order.pk) == "done"
    order.refresh_from_db()
    assert order.status == "NEW" and order.requested_quantity == Decimal("0.001")
    # Queried under the id our row now holds (spot's amend may hand the order a new clientOrderId).
    found = gateway.query_order("spot", "BTCUSDT", client_order_id=order.client_order_id)
    assert found.order_id == order.exchange_order_id and found.orig_qty == Decimal("0.001")
    events = list(order.events.values_list("event", flat=True))
    assert events[-2:] == ["MODIFY_REQUEST", "MODIFIED"]
    assert AuditEvent.objects.filter(action="orders.modify", target_id=str(order.pk)).count() == 1
    # The same change again is a no-op: nothing new recorded, nothing sent.
    again = patch(trader_client, order, quantity="0.001")
    assert again.status_code == 200 and order.events.count() == len(events)


def test_a_spot_price_change_cancels_and_replaces_the_order(
    trader_client: APIClient, resting: Any, sim: Any, enqueued: Any, django_capture_on_commit_callbacks: Any
) -> None:
    order = resting()
    new_price = str(int(order.requested_price) - 100)
    with django_capture_on_commit_callbacks(execute=True):
        response = patch(trader_client, order, price=new_price)
    assert response.status_code == 202
    new_id = response.json()["id"]
    assert new_id != order.pk and ("submit_order", new_id) in enqueued
    order.refresh_from_db()
    assert order.status == "PENDING_CANCEL"
    submit_order(new_id)
    order.refresh_from_db()
    new = Order.objects.get(pk=new_id)
    assert (order.status, new.status) == ("CANCELED", "NEW")
    assert new.requested_price == Decimal(new_price) and new.replaces_id == order.pk
    assert sim.find_orders(new.client_order_id)[0]["status"] == "NEW"
    # Asking again for the old order's change answers with its replacement.
    assert patch(trader_client, order, price=new_price).json()["id"] == new_id


def test_a_futures_order_is_modified_in_place(trader_client: APIClient, resting: Any) -> None:
    order = resting(market="USDM", quantity="0.003")
    new_price = str(int(order.requested_price) - 50)
    assert patch(trader_client, order, price=new_price, quantity="0.004").status_code == 202
    assert modify_order(order.pk) == "done"
    order.refresh_from_db()
    assert order.status == "NEW"
    assert (order.requested_price, order.requested_quantity) == (Decimal(new_price), Decimal("0.004"))


def test_a_filled_or_market_order_cannot_be_modified(
    trader_client: APIClient, symbols: None, gateway: Any, enqueued: Any
) -> None:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
    order_id = trader_client.post("/api/orders/", body, format="json").json()["id"]
    submit_order(order_id)
    response = trader_client.patch(f"/api/orders/{order_id}/", {"quantity": "0.002"}, format="json")
    assert response.status_code == 409


def test_a_modification_needs_a_value_and_viewers_cannot_modify(
    trader_client: APIClient, viewer_client: APIClient, resting: Any
) -> None:
    order = resting()
    assert patch(trader_client, order).status_code == 400
    assert patch(viewer_client, order, quantity="0.001").status_code == 403
