"""Orders placed through the REST API, submitted by the task (called as a function) to the local exchange."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.exchange.domain.errors import TemporaryError
from apps.orders.models import Fill, Order
from apps.orders.submission import order_submit, order_submit_give_up
from apps.orders.tasks import submit_order

URL = "/api/orders/"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run the task themselves, as a function; the enqueue on commit must not reach a broker.
    from apps.orders import tasks

    monkeypatch.setattr(tasks.submit_order, "delay", lambda order_id: None)


@pytest.fixture
def market_prices(gateway: Any) -> dict[str, Decimal]:
    return {
        "SPOT": gateway.ticker_price("spot", "BTCUSDT"),
        "USDM": gateway.ticker_price("futures", "BTCUSDT"),
    }


def at(prices: dict[str, Decimal], market: str, factor: str) -> str:
    # Whole dollars are on the tick grid of both markets (spot 0.01; futures 0.10 counted from 556.80).
    return str(int(prices[market] * Decimal(factor)))


def place_and_submit(client: APIClient, **fields: Any) -> Order:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", **fields}
    response = client.post(URL, body, format="json")
    assert response.status_code == 202, response.json()
    order_id = response.json()["id"]
    submit_order(order_id)
    return Order.objects.get(pk=order_id)


def test_a_spot_market_order_fills_and_records_its_fills(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    order = place_and_submit(trader_client, type="MARKET", quantity="0.001")
    assert order.status == "FILLED" and order.exchange_status == "FILLED"
    assert order.exchange_executed_qty == Decimal("0.001")
    assert order.exchange_order_id is not None and order.exchange_avg_price is not None
    fills = Fill.objects.filter(order=order)
    assert fills.exists() and sum(f.quantity for f in fills) == Decimal("0.001")
    assert list(order.events.values_list("to_status", flat=True)) == ["PENDING_NEW", "FILLED"]


def test_a_spot_market_order_sized_by_quote_amount_fills(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    order = place_and_submit(trader_client, type="MARKET", quote_quantity="50")
    assert order.status == "FILLED"
    assert Decimal(45) < order.exchange_cumulative_quote <= Decimal(50)


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"type": "LIMIT", "price": "0.8", "time_in_force": "GTC"}, "NEW"),
        ({"type": "LIMIT", "price": "0.8", "time_in_force": "IOC"}, "EXPIRED"),
        ({"type": "LIMIT", "price": "0.8", "time_in_force": "FOK"}, "EXPIRED"),
        ({"type": "LIMIT_MAKER", "price": "0.8"}, "NEW"),
        ({"type": "LIMIT", "price": "0.8", "post_only": True}, "NEW"),
        ({"type": "LIMIT", "price": "1.02", "time_in_force": "IOC"}, "FILLED"),
        ({"side": "SELL", "type": "STOP_LOSS_LIMIT", "price": "0.89", "stop_price": "0.9"}, "NEW"),
        ({"side": "SELL", "type": "TAKE_PROFIT_LIMIT", "price": "1.1", "stop_price": "1.1"}, "NEW"),
        ({"side": "SELL", "type": "STOP_LOSS", "stop_price": "0.9"}, "NEW"),
        ({"side": "SELL", "type": "TAKE_PROFIT", "stop_price": "1.1"}, "NEW"),
        ({"side": "SELL", "type": "STOP_LOSS", "trailing_delta": 200}, "NEW"),
    ],
)
def test_spot_order_types_end_to_end(
    trader_client: APIClient,
    symbols: None,
    market_prices: dict[str, Decimal],
    fields: dict[str, Any],
    status: str,
) -> None:
    for name in ("price", "stop_price"):
        if name in fields:
            fields[name] = at(market_prices, "SPOT", fields[name])
    order = place_and_submit(trader_client, quantity="0.001", **fields)
    assert order.status == status, (order.reject_code, order.reject_reason)
    assert order.exchange_status == status


def test_a_limit_maker_that_would_cross_is_rejected_with_code_and_explanation(
    trader_client: APIClient, symbols: None, market_prices: dict[str, Decimal]
) -> None:
    price = at(market_prices, "SPOT", "1.05")
    order = place_and_submit(trader_client, type="LIMIT_MAKER", quantity="0.001", price=price)
    assert order.status == "REJECTED"
    assert order.reject_code == -2010
    assert "immediately match" in order.reject_reason
    assert "taken liquidity" in order.reject_explanation


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"type": "MARKET"}, "FILLED"),
        ({"type": "LIMIT", "price": "0.97"}, "NEW"),
        ({"type": "LIMIT", "price": "0.97", "post_only": True}, "NEW"),
    ],
)
def test_futures_order_types_end_to_end(
    trader_client: APIClient,
    symbols: None,
    market_prices: dict[str, Decimal],
    fields: dict[str, Any],
    status: str,
) -> None:
    if "price" in fields:
        fields["price"] = at(market_prices, "USDM", fields["price"])
    order = place_and_submit(trader_client, market="USDM", quantity="0.003", **fields)
    assert order.status == status, (order.reject_code, order.reject_reason)


def test_a_redelivered_submission_does_not_send_the_order_again(
    trader_client: APIClient, symbols: None, sim: Any, gateway: Any
) -> None:
    order = place_and_submit(trader_client, type="MARKET", quantity="0.001")
    assert submit_order(order.pk) == "done"
    assert len(sim.find_orders(order.client_order_id)) == 1


def test_a_submission_for_a_deleted_order_exits_quietly(db: None) -> None:
    assert order_submit(order_id=987654) == "done"


def test_an_exchange_error_that_executed_nothing_leaves_the_order_pending_until_retries_run_out(
    trader_client: APIClient, symbols: None, sim: Any, gateway: Any
) -> None:
    sim.faults(error_rate=1.0, error_status=503, paths=["/api/v3/order"], methods=["POST"])
    response = trader_client.post(
        URL,
        {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"},
        format="json",
    )
    order_id = response.json()["id"]
    with pytest.raises(TemporaryError):
        order_submit(order_id=order_id)
    order = Order.objects.get(pk=order_id)
    assert order.status == "PENDING_NEW"
    assert sim.find_orders(order.client_order_id) == []
    order_submit_give_up(order_id=order_id, reason="exchange unavailable")
    order.refresh_from_db()
    assert order.status == "REJECTED" and order.reject_explanation.startswith("Not placed")


def test_end_to_end_the_commit_enqueues_the_task_and_an_eager_worker_fills_the_order(
    trader_client: APIClient,
    symbols: None,
    gateway: Any,
    sim: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # No stubbed delay here: the real enqueue runs on commit, and Celery executes it in-process.
    from trader.celery import app

    monkeypatch.undo()
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
    with django_capture_on_commit_callbacks(execute=True):
        response = trader_client.post(URL, body, format="json")
    assert response.status_code == 202 and response.json()["status"] == "PENDING_NEW"
    order = Order.objects.get(pk=response.json()["id"])
    assert order.status == "FILLED"
    assert [o["status"] for o in sim.find_orders(order.client_order_id)] == ["FILLED"]
