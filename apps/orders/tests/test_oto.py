"""Spot OTO and OTOCO lists through POST /api/orders/ to the local exchange."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.orders.models import Order
from apps.orders.tasks import submit_order


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from apps.orders import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.submit_order, "delay", sent.append)
    monkeypatch.setattr(tasks.reconcile_order, "apply_async", lambda args, **kw: None)
    return sent


@pytest.fixture
def at(gateway: Any) -> Any:
    price = gateway.ticker_price("spot", "BTCUSDT")

    def at(factor: str) -> str:
        return str(int(price * Decimal(factor)))

    return at


@pytest.fixture
def oto(at: Any) -> dict[str, Any]:
    return {
        "market": "SPOT",
        "symbol": "BTCUSDT",
        "type": "OTO",
        "working": {"type": "LIMIT", "side": "BUY", "quantity": "0.001", "price": at("0.95")},
        "pending": {"type": "LIMIT_MAKER", "side": "SELL", "quantity": "0.001", "price": at("1.05")},
    }


@pytest.fixture
def otoco(at: Any) -> dict[str, Any]:
    return {
        "market": "SPOT",
        "symbol": "BTCUSDT",
        "type": "OTOCO",
        "working": {"type": "LIMIT", "side": "BUY", "quantity": "0.001", "price": at("0.95")},
        "pending_side": "SELL",
        "pending_quantity": "0.001",
        "pending_above": {"type": "LIMIT_MAKER", "price": at("1.05")},
        "pending_below": {"type": "STOP_LOSS_LIMIT", "stop_price": at("0.9"), "price": at("0.89")},
    }


def test_an_oto_list_stores_the_working_order_new_and_the_pending_one_waiting(
    trader_client: APIClient,
    symbols: None,
    oto: dict[str, Any],
    _no_broker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = trader_client.post("/api/orders/", oto, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["contingency_type"] == "OTO" and len(body["orders"]) == 2
    working_id, pending_id = (o["id"] for o in body["orders"])
    assert _no_broker == [working_id]
    assert submit_order(working_id) == "done"
    working, pending = Order.objects.get(pk=working_id), Order.objects.get(pk=pending_id)
    assert (working.status, working.side, working.order_type) == ("NEW", "BUY", "LIMIT")
    assert (pending.status, pending.side, pending.order_type) == ("PENDING_NEW", "SELL", "LIMIT_MAKER")
    assert working.exchange_order_id and pending.exchange_order_id
    assert submit_order(pending_id) == "done"  # redelivered or second-leg task: nothing is sent again


def test_an_otoco_list_places_three_legs(
    trader_client: APIClient, symbols: None, otoco: dict[str, Any], gateway: Any
) -> None:
    response = trader_client.post("/api/orders/", otoco, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["contingency_type"] == "OTOCO" and len(body["orders"]) == 3
    assert submit_order(body["orders"][0]["id"]) == "done"
    legs = Order.objects.filter(list_client_order_id=body["list_client_order_id"]).order_by("id")
    assert [leg.status for leg in legs] == ["NEW", "PENDING_NEW", "PENDING_NEW"], [
        leg.reject_reason for leg in legs
    ]
    assert [leg.order_type for leg in legs] == ["LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT"]
    for leg in legs[1:]:
        reported = gateway.query_order("spot", "BTCUSDT", client_order_id=leg.client_order_id)
        assert reported.status == "PENDING_NEW" and reported.order_id == leg.exchange_order_id


def test_a_bad_oto_leg_is_refused_with_the_legs_field_named(
    trader_client: APIClient, symbols: None, oto: dict[str, Any], otoco: dict[str, Any]
) -> None:
    no_price = {**oto, "pending": {"type": "LIMIT", "side": "SELL", "quantity": "0.001"}}
    response = trader_client.post("/api/orders/", no_price, format="json")
    assert response.status_code == 400 and "pending.price" in response.json()
    off_grid = {**otoco, "pending_above": {"type": "LIMIT_MAKER", "price": "50000.001"}}
    response = trader_client.post("/api/orders/", off_grid, format="json")
    assert response.status_code == 400 and "pending_above.price" in response.json(), response.json()
    market_working = {**oto, "working": {"type": "MARKET", "side": "BUY", "quantity": "0.001"}}
    assert trader_client.post("/api/orders/", market_working, format="json").status_code == 400
    assert not Order.objects.exists()


def test_the_same_oto_twice_with_one_key_is_one_list(
    trader_client: APIClient, symbols: None, oto: dict[str, Any]
) -> None:
    first = trader_client.post("/api/orders/", oto, format="json", HTTP_IDEMPOTENCY_KEY="oto-1")
    again = trader_client.post("/api/orders/", oto, format="json", HTTP_IDEMPOTENCY_KEY="oto-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["list_client_order_id"] == again.json()["list_client_order_id"]
    assert Order.objects.count() == 2


def test_an_oto_the_exchange_refuses_rejects_every_leg(
    trader_client: APIClient, symbols: None, oto: dict[str, Any]
) -> None:
    # More than the account holds: the exchange refuses the working order and with it the list.
    huge = {**oto, "working": {**oto["working"], "quantity": "50"}}
    body = trader_client.post("/api/orders/", huge, format="json").json()
    assert submit_order(body["orders"][0]["id"]) == "done"
    legs = Order.objects.filter(list_client_order_id=body["list_client_order_id"])
    assert {leg.status for leg in legs} == {"REJECTED"}
    assert all(leg.reject_code for leg in legs)


def test_an_otoco_whose_answer_was_lost_is_reconciled_leg_by_leg(
    trader_client: APIClient, symbols: None, otoco: dict[str, Any], sim: Any
) -> None:
    from apps.orders.tasks import reconcile_order

    body = trader_client.post("/api/orders/", otoco, format="json").json()
    sim.faults(error_rate=1.0, error_status=503, error_after_execute=True, paths=["/api/v3/orderList/otoco"])
    assert submit_order(body["orders"][0]["id"]) == "unknown"
    sim.control("DELETE", "faults")
    assert {Order.objects.get(pk=leg["id"]).status for leg in body["orders"]} == {"UNKNOWN"}
    assert reconcile_order(body["orders"][0]["id"]) == "done"
    assert Order.objects.get(pk=body["orders"][0]["id"]).status == "NEW"
