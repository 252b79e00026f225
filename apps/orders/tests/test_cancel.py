"""POST /api/orders/{id}/cancel/ and /api/orders/cancel-all/ against the local exchange."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.monitoring.models import AuditEvent
from apps.orders.models import Order
from apps.orders.tasks import cancel_order, submit_order


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    from apps.orders import tasks

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks.submit_order, "delay", lambda order_id: calls.append(("submit", order_id)))
    monkeypatch.setattr(tasks.cancel_order, "delay", lambda order_id: calls.append(("cancel", order_id)))
    monkeypatch.setattr(
        tasks.reconcile_order, "apply_async", lambda args, **kw: calls.append(("reconcile", args[0]))
    )
    return calls


@pytest.fixture
def resting(trader_client: APIClient, symbols: None, gateway: Any, enqueued: Any) -> Any:
    """Place and submit LIMIT BUYs far below the market: orders that stay NEW at the exchange."""
    below = str(int(gateway.ticker_price("spot", "BTCUSDT") * Decimal("0.8")))

    def make(symbol: str = "BTCUSDT", price: str = below, quantity: str = "0.001") -> Order:
        body = {"market": "SPOT", "symbol": symbol, "side": "BUY", "type": "LIMIT"}
        order_id = trader_client.post(
            "/api/orders/", {**body, "quantity": quantity, "price": price}, format="json"
        ).json()["id"]
        submit_order(order_id)
        order = Order.objects.get(pk=order_id)
        assert order.status == "NEW"
        return order

    return make


def test_a_cancel_is_recorded_then_confirmed_by_the_exchange(
    trader_client: APIClient,
    resting: Any,
    enqueued: list[tuple[str, int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = resting()
    with django_capture_on_commit_callbacks(execute=True):
        response = trader_client.post(f"/api/orders/{order.pk}/cancel/")
    assert response.status_code == 202 and response.json()["status"] == "PENDING_CANCEL"
    assert ("cancel", order.pk) in enqueued
    assert AuditEvent.objects.filter(action="orders.cancel", target_id=str(order.pk)).count() == 1
    assert cancel_order(order.pk) == "done"
    order.refresh_from_db()
    assert order.status == "CANCELED" and order.exchange_status == "CANCELED"


def test_canceling_twice_sends_one_cancel_and_records_one_request(
    trader_client: APIClient,
    resting: Any,
    enqueued: list[tuple[str, int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = resting()
    with django_capture_on_commit_callbacks(execute=True):
        trader_client.post(f"/api/orders/{order.pk}/cancel/")
        again = trader_client.post(f"/api/orders/{order.pk}/cancel/")
    assert again.status_code == 202 and again.json()["status"] == "PENDING_CANCEL"
    assert enqueued.count(("cancel", order.pk)) == 1
    cancel_order(order.pk)
    cancel_order(order.pk)
    after = trader_client.post(f"/api/orders/{order.pk}/cancel/")
    assert after.json()["status"] == "CANCELED"
    assert list(Order.objects.get(pk=order.pk).events.values_list("to_status", flat=True)) == [
        "PENDING_NEW",
        "NEW",
        "PENDING_CANCEL",
        "CANCELED",
    ]


def test_a_cancel_the_exchange_refuses_sends_the_order_to_reconciliation(
    trader_client: APIClient, resting: Any, enqueued: list[tuple[str, int]], sim: Any, gateway: Any
) -> None:
    order = resting()
    gateway.cancel_order("spot", "BTCUSDT", client_order_id=order.client_order_id)  # canceled elsewhere
    trader_client.post(f"/api/orders/{order.pk}/cancel/")
    assert cancel_order(order.pk) == "unknown"
    order.refresh_from_db()
    assert order.status == "UNKNOWN"
    from apps.orders.tasks import reconcile_order

    assert reconcile_order(order.pk) == "done"
    order.refresh_from_db()
    assert order.status == "CANCELED"


def test_an_order_not_yet_acknowledged_cannot_be_canceled(
    trader_client: APIClient, symbols: None, enqueued: Any
) -> None:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT"}
    order_id = trader_client.post(
        "/api/orders/", {**body, "quantity": "0.001", "price": "30000"}, format="json"
    ).json()["id"]
    response = trader_client.post(f"/api/orders/{order_id}/cancel/")
    assert response.status_code == 409
    assert "NEW" in response.json()["detail"]


def test_cancel_all_cancels_the_open_orders_of_one_symbol_or_all(
    trader_client: APIClient, resting: Any, enqueued: list[tuple[str, int]], gateway: Any
) -> None:
    btc = resting()
    eth = resting(
        "ETHUSDT", price=str(int(gateway.ticker_price("spot", "ETHUSDT") * Decimal("0.8"))), quantity="0.01"
    )
    another_tools = resting()
    Order.objects.filter(pk=another_tools.pk).update(external=True)  # adopted: placed outside the platform
    one = trader_client.post(
        "/api/orders/cancel-all/", {"market": "SPOT", "symbol": "ETHUSDT"}, format="json"
    )
    assert one.status_code == 202 and [o["id"] for o in one.json()] == [eth.pk]
    everything = trader_client.post("/api/orders/cancel-all/", {}, format="json")
    # ETHUSDT's order is already PENDING_CANCEL: only BTCUSDT's is still to cancel.
    assert [o["id"] for o in everything.json()] == [btc.pk]
    for order in (btc, eth):
        cancel_order(order.pk)
        order.refresh_from_db()
        assert order.status == "CANCELED"
    another_tools.refresh_from_db()
    assert another_tools.status == "NEW"  # not ours to cancel in bulk; a single cancel still can


def test_viewers_cannot_cancel(viewer_client: APIClient, symbols: None) -> None:
    assert viewer_client.post("/api/orders/1/cancel/").status_code == 403
    assert viewer_client.post("/api/orders/cancel-all/", {}, format="json").status_code == 403
