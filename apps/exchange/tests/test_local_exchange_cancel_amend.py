"""Cancel and amend answers against the real local exchange: the reports carry the order's own ids,
figures and status, whatever Binance's answer spells differently from an order object."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from apps.exchange.domain.types import OrderRequest

pytestmark = pytest.mark.integration


def _cid() -> str:
    return f"t-{uuid.uuid4().hex[:20]}"


def _resting_buy(gateway, market: str = "spot", qty: str = "0.002") -> OrderRequest:
    bid = gateway.book_ticker(market, "BTCUSDT").bid_price
    return OrderRequest(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        client_order_id=_cid(),
        quantity=Decimal(qty),
        price=(bid * Decimal("0.9")).quantize(Decimal("0.1")),
        time_in_force="GTC",
    )


# ---------------------------------------------------------------- bug 1: cancel answers
@pytest.mark.parametrize("by", ["order_id", "client_order_id"])
def test_a_spot_cancel_reports_the_orders_own_client_id_not_the_cancels(gateway, by) -> None:
    request = _resting_buy(gateway)
    placed = gateway.place_order("spot", request)
    ref = {"order_id": placed.order_id} if by == "order_id" else {"client_order_id": request.client_order_id}
    canceled = gateway.cancel_order("spot", "BTCUSDT", **ref)
    assert canceled.status == "CANCELED"
    assert canceled.order_id == placed.order_id
    # Binance's answer has clientOrderId = the cancel request's own id; the order's is origClientOrderId.
    assert canceled.client_order_id == request.client_order_id
    assert canceled.orig_qty == Decimal("0.002")


def test_a_futures_cancel_reports_the_orders_own_client_id(gateway) -> None:
    request = _resting_buy(gateway, "futures", qty="0.003")
    placed = gateway.place_order("futures", request)
    canceled = gateway.cancel_order("futures", "BTCUSDT", order_id=placed.order_id)
    assert (canceled.status, canceled.client_order_id) == ("CANCELED", request.client_order_id)


def test_a_spot_oco_cancel_reports_each_legs_own_client_id(gateway) -> None:
    ask = gateway.book_ticker("spot", "BTCUSDT").ask_price
    list_id = _cid()
    placed = gateway.place_oco(
        "BTCUSDT",
        side="SELL",
        quantity=Decimal("0.001"),
        list_client_order_id=list_id,
        above={"type": "LIMIT_MAKER", "price": str((ask * Decimal("1.2")).quantize(Decimal("0.1")))},
        below={
            "type": "STOP_LOSS",
            "stopPrice": str((ask * Decimal("0.8")).quantize(Decimal("0.1"))),
        },
    )
    leg_ids = {o.client_order_id for o in placed.orders}
    canceled = gateway.cancel_order_list("BTCUSDT", list_client_order_id=list_id)
    assert {o.client_order_id for o in canceled.orders} == leg_ids
    assert {o.status for o in canceled.orders} == {"CANCELED"}


# ---------------------------------------------------------------- bug 2: amend keep-priority
@pytest.mark.parametrize("by", ["client_order_id", "order_id"])
def test_a_spot_amend_keeps_the_client_id_and_reports_the_new_quantity(gateway, by) -> None:
    request = _resting_buy(gateway)
    placed = gateway.place_order("spot", request)
    ref = {"order_id": placed.order_id} if by == "order_id" else {"client_order_id": request.client_order_id}
    amended = gateway.amend_order_quantity("BTCUSDT", new_quantity=Decimal("0.001"), **ref)
    assert amended.order_id == placed.order_id
    assert amended.client_order_id == request.client_order_id
    assert amended.orig_qty == Decimal("0.001")
    assert (amended.status, amended.side, amended.type) == ("NEW", "BUY", "LIMIT")
    assert amended.price == placed.price
    assert amended.executed_qty == 0 and amended.update_time_ms
    # The exchange still knows the order under our id (the platform's idempotency key).
    queried = gateway.query_order("spot", "BTCUSDT", client_order_id=request.client_order_id)
    assert (queried.order_id, queried.orig_qty) == (placed.order_id, Decimal("0.001"))


# ---------------------------------------------------------------- bug 3: algo cancel
def test_a_futures_algo_cancel_comes_back_canceled(gateway) -> None:
    mark = gateway.mark_price("BTCUSDT").mark_price
    request = OrderRequest(
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_MARKET",
        client_order_id=_cid(),
        quantity=Decimal("0.003"),
        stop_price=(mark * Decimal("0.5")).quantize(Decimal("0.1")),
    )
    placed = gateway.place_algo_order(request)
    assert placed.status == "NEW"
    canceled = gateway.cancel_algo_order(client_algo_id=request.client_order_id)
    assert (canceled.algo_id, canceled.client_algo_id) == (placed.algo_id, request.client_order_id)
    assert canceled.status == "CANCELED"
    assert gateway.query_algo_order(client_algo_id=request.client_order_id).status == "CANCELED"
