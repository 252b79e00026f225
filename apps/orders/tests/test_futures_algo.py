"""Futures conditional (algo) orders through the REST API to the local exchange's /fapi/v1/algoOrder."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.orders.models import Order
from apps.orders.tasks import cancel_order, reconcile_order, submit_order


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.orders import tasks

    for name in ("submit_order", "cancel_order"):
        monkeypatch.setattr(getattr(tasks, name), "delay", lambda order_id: None)
    monkeypatch.setattr(tasks.reconcile_order, "apply_async", lambda args, **kw: None)


@pytest.fixture
def mark(gateway: Any) -> Decimal:
    return gateway.ticker_price("futures", "BTCUSDT")


def place(client: APIClient, **fields: Any) -> Order:
    body = {"market": "USDM", "symbol": "BTCUSDT", "side": "SELL", **fields}
    response = client.post("/api/orders/", body, format="json")
    assert response.status_code == 202, response.json()
    submit_order(response.json()["id"])
    return Order.objects.get(pk=response.json()["id"])


def at(price: Decimal, factor: str) -> str:
    return str(int(price * Decimal(factor)))


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "STOP_MARKET", "quantity": "0.003", "stop_price": "0.9"},
        {"type": "TAKE_PROFIT_MARKET", "close_position": True, "stop_price": "1.1"},
        {"type": "STOP", "quantity": "0.003", "stop_price": "0.9", "price": "0.89"},
        {"type": "TAKE_PROFIT", "quantity": "0.003", "stop_price": "1.1", "price": "1.1"},
        {"type": "TRAILING_STOP_MARKET", "quantity": "0.003", "callback_rate": "1.5"},
    ],
)
def test_futures_conditional_orders_rest_as_algo_orders(
    trader_client: APIClient, symbols: None, mark: Decimal, fields: dict[str, Any]
) -> None:
    for name in ("stop_price", "price"):
        if name in fields:
            fields[name] = at(mark, fields[name])
    order = place(trader_client, **fields)
    assert order.status == "NEW", (order.reject_code, order.reject_reason)
    assert order.exchange_algo_id is not None and order.exchange_order_id is None


def test_an_algo_order_is_canceled_and_reconciled_through_the_algo_endpoints(
    trader_client: APIClient, symbols: None, mark: Decimal
) -> None:
    order = place(trader_client, type="STOP_MARKET", quantity="0.003", stop_price=at(mark, "0.9"))
    assert trader_client.post(f"/api/orders/{order.pk}/cancel/").status_code == 202
    assert cancel_order(order.pk) == "done"
    order.refresh_from_db()
    assert order.status == "CANCELED"
    other = place(trader_client, type="STOP_MARKET", quantity="0.003", stop_price=at(mark, "0.9"))
    Order.objects.filter(pk=other.pk).update(status="UNKNOWN")
    assert reconcile_order(other.pk) == "done"
    assert Order.objects.get(pk=other.pk).status == "NEW"


def test_a_trailing_stop_needs_a_callback_rate_in_binances_range(
    trader_client: APIClient, symbols: None
) -> None:
    body = {
        "market": "USDM",
        "symbol": "BTCUSDT",
        "side": "SELL",
        "type": "TRAILING_STOP_MARKET",
        "quantity": "0.003",
    }
    assert "callback_rate" in trader_client.post("/api/orders/", body, format="json").json()
    wide = trader_client.post("/api/orders/", {**body, "callback_rate": "12"}, format="json")
    assert wide.status_code == 400 and "callback_rate" in wide.json()
