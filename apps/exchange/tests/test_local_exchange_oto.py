"""Spot OTO and OTOCO lists against the real local exchange, and the fake's answers to the same calls."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from apps.exchange.domain.weights import endpoint
from apps.exchange.gateway.fake import FakeGateway

pytestmark = pytest.mark.integration


def _cid() -> str:
    return f"t-{uuid.uuid4().hex[:20]}"


def _at(price: Decimal, factor: str) -> str:
    return str((price * Decimal(factor)).quantize(Decimal("0.1")))


def test_an_oto_places_the_working_order_and_holds_the_pending_one(gateway) -> None:
    bid = gateway.book_ticker("spot", "BTCUSDT").bid_price
    list_id, working_id, pending_id = _cid(), _cid(), _cid()
    placed = gateway.place_oto(
        "BTCUSDT",
        list_client_order_id=list_id,
        working={
            "type": "LIMIT",
            "side": "BUY",
            "quantity": "0.001",
            "price": _at(bid, "0.9"),
            "timeInForce": "GTC",
            "clientOrderId": working_id,
        },
        pending={
            "type": "LIMIT_MAKER",
            "side": "SELL",
            "quantity": "0.001",
            "price": _at(bid, "1.2"),
            "clientOrderId": pending_id,
        },
    )
    assert (placed.list_client_order_id, placed.contingency_type) == (list_id, "OTO")
    statuses = {o.client_order_id: o.status for o in placed.orders}
    assert statuses == {working_id: "NEW", pending_id: "PENDING_NEW"}
    assert gateway.query_order("spot", "BTCUSDT", client_order_id=pending_id).status == "PENDING_NEW"
    canceled = gateway.cancel_order_list("BTCUSDT", list_client_order_id=list_id)
    assert {o.client_order_id for o in canceled.orders} == {working_id, pending_id}


def test_an_otoco_holds_an_oco_pair_until_the_working_order_fills(gateway) -> None:
    bid = gateway.book_ticker("spot", "BTCUSDT").bid_price
    ids = [_cid() for _ in range(3)]
    placed = gateway.place_otoco(
        "BTCUSDT",
        list_client_order_id=_cid(),
        working={
            "type": "LIMIT",
            "side": "BUY",
            "quantity": "0.001",
            "price": _at(bid, "0.9"),
            "timeInForce": "GTC",
            "clientOrderId": ids[0],
        },
        pending_side="SELL",
        pending_quantity=Decimal("0.001"),
        pending_above={"type": "LIMIT_MAKER", "price": _at(bid, "1.2"), "clientOrderId": ids[1]},
        pending_below={
            "type": "STOP_LOSS_LIMIT",
            "stopPrice": _at(bid, "0.85"),
            "price": _at(bid, "0.84"),
            "timeInForce": "GTC",
            "clientOrderId": ids[2],
        },
    )
    # Binance lists the legs in its own order: match them by clientOrderId.
    statuses = {o.client_order_id: o.status for o in placed.orders}
    assert statuses == {ids[0]: "NEW", ids[1]: "PENDING_NEW", ids[2]: "PENDING_NEW"}
    assert len({o.order_id for o in placed.orders}) == 3


def test_a_bad_pending_leg_is_rejected_with_binances_code(gateway) -> None:
    from apps.exchange.domain.errors import RejectedError

    bid = gateway.book_ticker("spot", "BTCUSDT").bid_price
    with pytest.raises(RejectedError) as caught:
        gateway.place_oto(
            "BTCUSDT",
            list_client_order_id=_cid(),
            working={
                "type": "LIMIT",
                "side": "BUY",
                "quantity": "0.001",
                "price": _at(bid, "0.9"),
                "timeInForce": "GTC",
            },
            pending={"type": "LIMIT", "side": "SELL", "quantity": "0.001"},  # LIMIT without price
        )
    assert caught.value.code is not None and caught.value.code < 0


def test_oto_weights_count_each_leg_as_an_order() -> None:
    assert endpoint("spot.order_list.oto").counts_orders == 2
    assert endpoint("spot.order_list.otoco").counts_orders == 3
    assert not endpoint("spot.order_list.otoco").retryable


def test_the_fake_answers_an_otoco_like_the_exchange() -> None:
    fake = FakeGateway()
    placed = fake.place_otoco(
        "BTCUSDT",
        list_client_order_id="l-1",
        working={"type": "LIMIT", "side": "BUY", "quantity": "0.001", "price": "40000", "clientOrderId": "w"},
        pending_side="SELL",
        pending_quantity=Decimal("0.001"),
        pending_above={"type": "LIMIT_MAKER", "price": "60000", "clientOrderId": "a"},
        pending_below={"type": "STOP_LOSS", "stopPrice": "35000", "clientOrderId": "b"},
    )
    assert [(o.client_order_id, o.status) for o in placed.orders] == [
        ("w", "NEW"),
        ("a", "PENDING_NEW"),
        ("b", "PENDING_NEW"),
    ]
    assert placed.orders[2].type == "STOP_LOSS"
