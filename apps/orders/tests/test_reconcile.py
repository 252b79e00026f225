"""A lost submission answer (5XX, timeout) makes the order UNKNOWN; it is resolved by origClientOrderId."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.orders.models import Order
from apps.orders.submission import PROCESSING_WINDOW, order_reconcile
from apps.orders.tasks import reconcile_order, submit_order

MARKET_BUY = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    # Record what would reach the broker (submission, reconciliation) instead of sending it.
    from apps.orders import tasks

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks.submit_order, "delay", lambda order_id: calls.append(("submit", order_id)))
    monkeypatch.setattr(
        tasks.reconcile_order, "apply_async", lambda args, **kw: calls.append(("reconcile", args[0]))
    )
    return calls


def submit_blind(client: APIClient, django_capture_on_commit_callbacks: Any) -> Order:
    order_id = client.post("/api/orders/", MARKET_BUY, format="json").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert submit_order(order_id) == "unknown"
    return Order.objects.get(pk=order_id)


def test_an_order_executed_behind_a_5xx_is_adopted_from_the_exchange(
    trader_client: APIClient,
    symbols: None,
    sim: Any,
    gateway: Any,
    enqueued: list[tuple[str, int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    sim.faults(error_rate=1.0, error_status=503, error_after_execute=True, paths=["/api/v3/order"])
    order = submit_blind(trader_client, django_capture_on_commit_callbacks)
    assert order.status == "UNKNOWN"
    assert ("reconcile", order.pk) in enqueued
    sim.control("DELETE", "faults")
    assert reconcile_order(order.pk) == "done"
    order.refresh_from_db()
    assert order.status == "FILLED" and order.exchange_executed_qty > 0
    assert list(order.events.values_list("to_status", "source")) == [
        ("PENDING_NEW", "api"),
        ("UNKNOWN", "task"),
        ("FILLED", "reconcile"),
    ]
    assert len(sim.find_orders(order.client_order_id)) == 1  # queried, never re-sent


def test_an_order_the_exchange_never_received_is_rejected_once_the_processing_window_has_passed(
    trader_client: APIClient,
    symbols: None,
    sim: Any,
    gateway: Any,
    enqueued: list[tuple[str, int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A backend timeout (-1007) on a request the exchange did not execute: the outcome is unknown to us.
    sim.faults(error_rate=1.0, error_status=503, error_code=-1007, paths=["/api/v3/order"], methods=["POST"])
    order = submit_blind(trader_client, django_capture_on_commit_callbacks)
    sim.control("DELETE", "faults")
    assert sim.find_orders(order.client_order_id) == []
    # Within the window the order might still arrive: not decided yet.
    assert order_reconcile(order_id=order.pk) == "pending"
    order.refresh_from_db()
    assert order.status == "UNKNOWN"
    later = timezone.now() + PROCESSING_WINDOW + timedelta(seconds=1)
    assert order_reconcile(order_id=order.pk, now=later) == "done"
    order.refresh_from_db()
    assert order.status == "REJECTED"
    assert order.reject_code == -2013
    assert order.reject_explanation.startswith("Not placed")
    assert sim.find_orders(order.client_order_id) == []


def test_reconciling_an_order_that_is_no_longer_unknown_does_nothing(
    trader_client: APIClient, symbols: None, gateway: Any, enqueued: list[tuple[str, int]]
) -> None:
    order_id = trader_client.post("/api/orders/", MARKET_BUY, format="json").json()["id"]
    submit_order(order_id)
    assert order_reconcile(order_id=order_id) == "done"
    assert Order.objects.get(pk=order_id).events.count() == 2
