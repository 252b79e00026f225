"""Spot OCO lists through POST /api/orders/ (type OCO) to the local exchange."""

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
def oco(gateway: Any) -> dict[str, Any]:
    price = gateway.ticker_price("spot", "BTCUSDT")

    def at(factor: str) -> str:
        return str(int(price * Decimal(factor)))

    return {
        "market": "SPOT",
        "symbol": "BTCUSDT",
        "side": "SELL",
        "type": "OCO",
        "quantity": "0.001",
        "above": {"type": "LIMIT_MAKER", "price": at("1.05")},
        "below": {"type": "STOP_LOSS_LIMIT", "stop_price": at("0.95"), "price": at("0.94")},
    }


def test_an_oco_list_places_both_legs_as_one_list(
    trader_client: APIClient,
    symbols: None,
    oco: dict[str, Any],
    _no_broker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = trader_client.post("/api/orders/", oco, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["contingency_type"] == "OCO" and len(body["orders"]) == 2
    first, second = (o["id"] for o in body["orders"])
    assert _no_broker == [first]  # one submission for the whole list
    submit_order(first)
    legs = Order.objects.filter(list_client_order_id=body["list_client_order_id"]).order_by("id")
    assert [leg.status for leg in legs] == ["NEW", "NEW"], [leg.reject_reason for leg in legs]
    assert [leg.order_type for leg in legs] == ["LIMIT_MAKER", "STOP_LOSS_LIMIT"]
    assert all(leg.exchange_order_id for leg in legs)
    assert submit_order(second) == "done"  # the second leg's id sends nothing more


def test_the_same_oco_twice_with_one_key_is_one_list(
    trader_client: APIClient, symbols: None, oco: dict[str, Any]
) -> None:
    first = trader_client.post("/api/orders/", oco, format="json", HTTP_IDEMPOTENCY_KEY="oco-1")
    again = trader_client.post("/api/orders/", oco, format="json", HTTP_IDEMPOTENCY_KEY="oco-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["list_client_order_id"] == again.json()["list_client_order_id"]
    assert Order.objects.count() == 2


def test_a_bad_leg_is_refused_with_the_legs_field_named(
    trader_client: APIClient, symbols: None, oco: dict[str, Any]
) -> None:
    bad = {**oco, "below": {"type": "STOP_LOSS_LIMIT", "price": "100"}}
    response = trader_client.post("/api/orders/", bad, format="json")
    assert response.status_code == 400
    assert "below.stop_price" in response.json()
    off_grid = {**oco, "above": {"type": "LIMIT_MAKER", "price": "50000.001"}}
    assert "above.price" in trader_client.post("/api/orders/", off_grid, format="json").json()
    assert not Order.objects.exists()


def test_an_oco_whose_answer_was_lost_is_reconciled_leg_by_leg(
    trader_client: APIClient, symbols: None, oco: dict[str, Any], sim: Any
) -> None:
    from apps.orders.tasks import reconcile_order

    body = trader_client.post("/api/orders/", oco, format="json").json()
    sim.faults(error_rate=1.0, error_status=503, error_after_execute=True, paths=["/api/v3/orderList/oco"])
    assert submit_order(body["orders"][0]["id"]) == "unknown"
    sim.control("DELETE", "faults")
    for leg in body["orders"]:
        assert Order.objects.get(pk=leg["id"]).status == "UNKNOWN"
        assert reconcile_order(leg["id"]) == "done"
        assert Order.objects.get(pk=leg["id"]).status == "NEW"


def test_a_key_first_used_for_a_single_order_answers_with_that_order(
    trader_client: APIClient, symbols: None, oco: dict[str, Any]
) -> None:
    single = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001"}
    trader_client.post("/api/orders/", {**single, "price": "30000"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    trader_client.post("/api/orders/", {**single, "price": "30001"}, format="json")
    again = trader_client.post("/api/orders/", oco, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 200 and len(again.json()["orders"]) == 1
