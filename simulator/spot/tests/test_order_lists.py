"""OCO and OTO/OTOCO contingencies in the engine: shared reservations, sibling expiry, list events."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from simulator.spot.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from simulator.spot.domain.requests import NewOrder
from simulator.spot.tests.fakes import make_engine

BTC = "BTCUSDT"


def sell_oco(engine: Any, qty: str = "0.5") -> tuple[Any, list[Any]]:
    above = NewOrder(symbol=BTC, side=Side.SELL, type=OrderType.LIMIT_MAKER, quantity=D(qty), price=D(51000))
    below = NewOrder(
        symbol=BTC, side=Side.SELL, type=OrderType.STOP_LOSS, quantity=D(qty), stop_price=D(49000)
    )
    return engine.place_oco("a", above, below, "my-oco")


def list_events(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(e["l"], e["L"]) for _, e in events if e["e"] == "listStatus"]


def test_oco_limit_leg_fill_expires_the_stop_leg() -> None:
    engine, _, events = make_engine()
    lst, (stop, limit) = sell_oco(engine)
    assert engine.ledger.balance("a", "BTC").locked == D("0.5")
    engine.on_public_trade(BTC, D(51100), D(1), 0)
    assert (limit.status, stop.status) == (OrderStatus.FILLED, OrderStatus.EXPIRED)
    assert lst.list_order_status == "ALL_DONE"
    assert list_events(events) == [("EXEC_STARTED", "EXECUTING"), ("ALL_DONE", "ALL_DONE")]
    assert engine.ledger.balance("a", "BTC").locked == 0
    assert engine.ledger.balance("a", "BTC").free == D("1.5")


def test_oco_stop_trigger_expires_the_limit_leg_and_sells_at_market() -> None:
    engine, _, events = make_engine()
    _, (stop, limit) = sell_oco(engine)
    engine.on_public_trade(BTC, D(48900), D(1), 0)
    assert (stop.status, limit.status) == (OrderStatus.FILLED, OrderStatus.EXPIRED)
    expired = [e for _, e in events if e.get("x") == "EXPIRED"]
    assert expired[0]["i"] == limit.order_id and expired[0]["g"] == stop.order_list_id
    assert engine.ledger.balance("a", "BTC").locked == 0


def test_canceling_one_leg_cancels_the_list() -> None:
    engine, _, _ = make_engine()
    lst, (stop, limit) = sell_oco(engine)
    engine.cancel("a", BTC, order_id=limit.order_id)
    assert (stop.status, limit.status, lst.list_order_status) == (
        OrderStatus.CANCELED,
        OrderStatus.CANCELED,
        "ALL_DONE",
    )
    assert engine.ledger.balance("a", "BTC").locked == 0


def test_amending_an_oco_leg_amends_both() -> None:
    engine, _, _ = make_engine()
    _, (stop, limit) = sell_oco(engine)
    out = engine.amend(
        "a", BTC, order_id=limit.order_id, client_id=None, new_qty=D("0.2"), new_client_id_=None
    )
    assert out["listStatus"]["contingencyType"] == "OCO"
    assert (stop.orig_qty, limit.orig_qty) == (D("0.2"), D("0.2"))
    assert engine.ledger.balance("a", "BTC").locked == D("0.2")


def test_oto_working_fill_releases_the_pending_order() -> None:
    engine, _, events = make_engine()
    working = NewOrder(
        symbol=BTC,
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=D("0.5"),
        price=D(49500),
        time_in_force=TimeInForce.GTC,
    )
    pending = NewOrder(
        symbol=BTC, side=Side.SELL, type=OrderType.LIMIT_MAKER, quantity=D("0.5"), price=D(51000)
    )
    lst, (first, second) = engine.place_oto("a", working, [pending], None)
    assert (first.status, second.status) == (OrderStatus.NEW, OrderStatus.PENDING_NEW)
    assert [(e["x"], e["X"]) for _, e in events if e["e"] == "executionReport"] == [
        ("NEW", "PENDING_NEW"),
        ("NEW", "NEW"),
    ]
    assert engine.ledger.balance("a", "BTC").locked == 0
    engine.on_public_trade(BTC, D(49400), D(1), 0)
    assert (first.status, second.status) == (OrderStatus.FILLED, OrderStatus.NEW)
    assert engine.ledger.balance("a", "BTC").locked == D("0.5")
    engine.on_public_trade(BTC, D(51100), D(1), 0)
    assert second.status == OrderStatus.FILLED and lst.list_order_status == "ALL_DONE"


def test_otoco_pending_pair_behaves_as_an_oco_once_released() -> None:
    engine, _, _ = make_engine()
    working = NewOrder(
        symbol=BTC,
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=D("0.5"),
        price=D(49500),
        time_in_force=TimeInForce.GTC,
    )
    above = NewOrder(
        symbol=BTC, side=Side.SELL, type=OrderType.LIMIT_MAKER, quantity=D("0.5"), price=D(51000)
    )
    below = NewOrder(
        symbol=BTC, side=Side.SELL, type=OrderType.STOP_LOSS, quantity=D("0.5"), stop_price=D(49000)
    )
    lst, (first, stop, limit) = engine.place_oto("a", working, [above, below], None)
    engine.on_public_trade(BTC, D(49400), D(1), 0)
    assert (first.status, stop.status, limit.status) == (OrderStatus.FILLED, OrderStatus.NEW, OrderStatus.NEW)
    assert engine.ledger.balance("a", "BTC").locked == D("0.5")  # one reservation for the pair
    engine.on_public_trade(BTC, D(48900), D(1), 0)
    assert (stop.status, limit.status, lst.list_order_status) == (
        OrderStatus.FILLED,
        OrderStatus.EXPIRED,
        "ALL_DONE",
    )


def test_canceling_the_working_order_expires_pending_ones() -> None:
    engine, _, _ = make_engine()
    working = NewOrder(
        symbol=BTC,
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=D("0.5"),
        price=D(49500),
        time_in_force=TimeInForce.GTC,
    )
    pending = NewOrder(
        symbol=BTC, side=Side.SELL, type=OrderType.LIMIT_MAKER, quantity=D("0.5"), price=D(51000)
    )
    lst, (first, second) = engine.place_oto("a", working, [pending], None)
    engine.cancel("a", BTC, order_id=first.order_id)
    assert (first.status, second.status, lst.list_order_status) == (
        OrderStatus.CANCELED,
        OrderStatus.CANCELED,
        "ALL_DONE",
    )
    assert engine.ledger.balance("a", "USDT").locked == 0
