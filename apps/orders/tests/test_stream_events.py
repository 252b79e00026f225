"""Recorded user-data events replayed through the stream handlers: the state table, fills once, no going back.

Events come from tests/resources/payloads (real Binance captures). Where a recorded file does not show an
order (a spot NEW of the filled order, a partial fill, an out-of-order arrival), the event is built from
the recorded one by changing only the fields that differ.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from apps.monitoring.models import AuditEvent
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.domain.state import OrderStatus
from apps.orders.models import Fill, Order, OrderEvent
from apps.orders.stream_events import (
    algo_apply_update,
    order_apply_update,
    order_list_apply_status,
    order_note_trade_lite,
    stream_steps,
)
from apps.orders.tests.factories import make_order, spot_symbol
from apps.streams.domain.events import AlgoUpdate, ListStatus, OrderUpdate, TradeLite
from apps.streams.domain.parse import parse_event
from apps.streams.tests.payloads import load, user_events
from apps.symbols.models import Symbol
from apps.symbols.services import symbol_sync_apply
from apps.symbols.tests.payloads import futures_btcusdt

pytestmark = pytest.mark.django_db

S = OrderStatus


def futures_symbols(*names: str) -> None:
    """USD-M symbols: the recorded BTCUSDT object, renamed for the other pairs the recordings trade."""
    raws = []
    for name in ("BTCUSDT", *names):
        raw = futures_btcusdt()
        raw.update(symbol=name, pair=name, baseAsset=name.removesuffix("USDT"))
        raws.append(raw)
    symbol_sync_apply(market="USDM", raw_symbols=raws)


def spot(name: str = "ws_executionReport_trade_filled.json", **changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(load(name)["data"])
    event.update(changes)
    return event


def spot_new_of(filled: dict[str, Any]) -> dict[str, Any]:
    """The NEW report that came before a recorded trade report of the same order."""
    zero = "0.00000000"
    nothing_executed = {"l": zero, "z": zero, "L": zero, "n": "0", "t": -1, "Z": zero, "Y": zero}
    return {**filled, **nothing_executed, "x": "NEW", "X": "NEW", "E": filled["E"] - 5, "T": filled["T"] - 5}


def apply(raw: dict[str, Any]) -> Order | None:
    event = parse_event(raw)
    assert isinstance(event, OrderUpdate)
    return order_apply_update(update=event)


def history(order: Order) -> list[tuple[str, str, str, str]]:
    rows = OrderEvent.objects.filter(order=order).order_by("id")
    return [(e.from_status, e.to_status, e.event, e.source) for e in rows]


def our_spot_order(client_order_id: str, **fields: Any) -> Order:
    spot_symbol("BTCUSDT")
    return make_order(client_order_id=client_order_id, requested_quantity=Decimal("0.000286"), **fields)


# ---------------------------------------------------------------- the decision table
@pytest.mark.parametrize(
    ("current", "executed", "reported", "reported_executed", "expected"),
    [
        (S.PENDING_NEW, "0", "NEW", "0", [(Event.ACCEPT, S.NEW)]),
        (S.PENDING_NEW, "0", "FILLED", "1", [(Event.FILL, S.FILLED)]),
        (S.NEW, "0", "NEW", "0", []),
        (S.PARTIALLY_FILLED, "0.5", "NEW", "0", []),
        (S.PENDING_CANCEL, "0", "NEW", "0", []),
        (S.PARTIALLY_FILLED, "0.5", "PARTIALLY_FILLED", "0.7", [(Event.PARTIAL_FILL, S.PARTIALLY_FILLED)]),
        (S.PARTIALLY_FILLED, "0.5", "PARTIALLY_FILLED", "0.5", []),
        (S.PARTIALLY_FILLED, "0.7", "PARTIALLY_FILLED", "0.5", []),
        (S.PENDING_CANCEL, "0", "PARTIALLY_FILLED", "0.2", [(Event.PARTIAL_FILL, S.PENDING_CANCEL)]),
        (S.PENDING_CANCEL, "0.2", "CANCELED", "0.2", [(Event.CANCEL, S.CANCELED)]),
        (S.FILLED, "1", "PARTIALLY_FILLED", "0.5", []),
        (S.FILLED, "1", "CANCELED", "1", []),
        (S.UNKNOWN, "0", "FILLED", "1", [(Event.FILL, S.FILLED)]),
    ],
)
def test_stream_steps_move_forward_only(
    current: OrderStatus, executed: str, reported: str, reported_executed: str, expected: list[Any]
) -> None:
    steps = stream_steps(
        current=current,
        executed=Decimal(executed),
        updated_ms=1000,
        reported=reported,
        reported_executed=Decimal(reported_executed),
        reported_ms=2000,
    )
    assert steps == expected


def test_at_equal_executed_quantity_an_older_transaction_time_changes_nothing() -> None:
    common = {"current": S.NEW, "executed": Decimal(0), "updated_ms": 2000, "reported_executed": Decimal(0)}
    assert stream_steps(**common, reported="CANCELED", reported_ms=1000) == []
    assert stream_steps(**common, reported="CANCELED", reported_ms=3000) == [(Event.CANCEL, S.CANCELED)]
    with pytest.raises(ValueError, match="unknown exchange order status"):
        stream_steps(**common, reported="NEW_INSURANCE", reported_ms=3000)


# ---------------------------------------------------------------- spot
def test_a_recorded_spot_fill_moves_our_order_and_records_its_trade_once() -> None:
    filled = spot()
    order = our_spot_order(filled["c"])
    apply(spot_new_of(filled))
    apply(filled)
    order.refresh_from_db()
    assert order.status == "FILLED" and order.exchange_order_id == 5341783271
    assert order.exchange_executed_qty == Decimal("0.000286")
    assert order.exchange_avg_price == Decimal("52436.85")
    [fill] = Fill.objects.filter(order=order)
    assert (fill.exchange_trade_id, fill.commission, fill.commission_asset) == (
        726946523,
        Decimal("2.9E-7"),
        "BTC",
    )
    expected = [("PENDING_NEW", "NEW", "ACCEPT", "stream"), ("NEW", "FILLED", "FILL", "stream")]
    assert history(order) == expected
    # Duplicated and replayed events change nothing.
    for raw in (filled, spot_new_of(filled), filled):
        apply(raw)
    assert history(order) == expected and Fill.objects.filter(order=order).count() == 1


def test_a_trade_before_our_new_ack_fills_the_order_and_the_late_ack_changes_nothing() -> None:
    filled = spot()
    order = our_spot_order(filled["c"])
    apply(filled)
    apply(spot_new_of(filled))
    order.refresh_from_db()
    assert order.status == "FILLED"
    assert history(order) == [("PENDING_NEW", "FILLED", "FILL", "stream")]


def test_an_older_partial_fill_after_a_newer_one_records_its_trade_but_moves_nothing_back() -> None:
    filled = spot()
    order = our_spot_order(filled["c"], status="NEW", exchange_order_id=filled["i"])
    first = spot(
        x="TRADE", X="PARTIALLY_FILLED", l="0.00010000", z="0.00010000", t=100, Y="5.24368500", Z="5.24368500"
    )
    second = spot(
        x="TRADE",
        X="PARTIALLY_FILLED",
        l="0.00010000",
        z="0.00020000",
        t=101,
        Y="5.24368500",
        Z="10.48737000",
    )
    second["T"] = first["T"] + 10
    apply(second)
    apply(first)
    order.refresh_from_db()
    assert order.status == "PARTIALLY_FILLED" and order.exchange_executed_qty == Decimal("0.0002")
    assert sorted(Fill.objects.filter(order=order).values_list("exchange_trade_id", flat=True)) == [100, 101]
    assert history(order) == [("NEW", "PARTIALLY_FILLED", "PARTIAL_FILL", "stream")]
    apply(filled)  # the last trade completes it
    order.refresh_from_db()
    assert order.status == "FILLED" and Fill.objects.filter(order=order).count() == 3


def test_a_cancel_names_our_order_by_its_original_client_order_id() -> None:
    new = spot_new_of(spot())
    order = our_spot_order(new["c"], status="NEW", exchange_order_id=new["i"])
    apply(
        {**new, "x": "CANCELED", "X": "CANCELED", "c": "cancel-request-1", "C": new["c"], "T": new["T"] + 50}
    )
    order.refresh_from_db()
    assert order.status == "CANCELED"
    assert history(order)[-1] == ("NEW", "CANCELED", "CANCEL", "stream")


def test_a_rejection_keeps_the_exchange_reason() -> None:
    new = spot_new_of(spot())
    order = our_spot_order(new["c"])
    apply({**new, "x": "REJECTED", "X": "REJECTED", "r": "INSUFFICIENT_BALANCES"})
    order.refresh_from_db()
    assert order.status == "REJECTED" and order.reject_reason == "INSUFFICIENT_BALANCES"


def test_an_order_placed_outside_the_platform_is_adopted_as_external() -> None:
    spot_symbol("BTCUSDT")
    filled = spot()
    apply(spot_new_of(filled))
    order = Order.objects.get(client_order_id=filled["c"])
    assert order.external and order.status == "NEW" and order.created_by is None
    assert order.requested_quantity == Decimal("0.000286") and order.requested_price == Decimal("52436.85")
    assert history(order) == [
        ("", "PENDING_NEW", "CREATE", "stream"),
        ("PENDING_NEW", "NEW", "ACCEPT", "stream"),
    ]
    assert AuditEvent.objects.filter(action="orders.stream.adopt", target_id=str(order.pk)).count() == 1
    apply(filled)
    apply(spot_new_of(filled))
    assert Order.objects.filter(client_order_id=filled["c"]).count() == 1
    assert Order.objects.get(pk=order.pk).status == "FILLED"


def test_an_order_of_an_unknown_symbol_is_left_alone() -> None:
    assert apply(spot_new_of(spot(s="NOPEUSDT"))) is None
    assert not Order.objects.exists()


def test_order_and_fill_events_are_published_after_commit(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from apps.realtime import publish

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        publish, "publish_account_event", lambda kind, payload: sent.append((kind, dict(payload)))
    )
    filled = spot()
    order = our_spot_order(filled["c"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        apply(filled)
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [kind for kind, _ in sent] == ["order", "fill"]
    assert sent[0][1]["status"] == "FILLED" and sent[0][1]["id"] == order.pk
    assert sent[1][1]["trade_id"] == 726946523 and sent[1][1]["price"] == "52436.85"


def test_list_status_gives_the_legs_their_order_ids() -> None:
    spot_symbol("BTCUSDT")
    legs = [make_order(client_order_id=f"leg-{n}", list_client_order_id="list-1") for n in (1, 2)]
    event = parse_event(
        {
            "e": "listStatus",
            "E": 1,
            "s": "BTCUSDT",
            "g": 9,
            "c": "OCO",
            "l": "EXEC_STARTED",
            "L": "EXECUTING",
            "r": "NONE",
            "C": "list-1",
            "T": 1,
            "O": [{"s": "BTCUSDT", "i": 11, "c": "leg-1"}, {"s": "BTCUSDT", "i": 12, "c": "leg-2"}],
        }
    )
    assert isinstance(event, ListStatus)
    assert order_list_apply_status(event=event) == 2
    assert [Order.objects.get(pk=leg.pk).exchange_order_id for leg in legs] == [11, 12]
    assert order_list_apply_status(event=event) == 0


# ---------------------------------------------------------------- USD-M
def test_trade_lite_changes_nothing_stored() -> None:
    futures_symbols("ETHUSDT")
    event = parse_event(load("ws_TRADE_LITE.json"))
    assert isinstance(event, TradeLite)
    order_note_trade_lite(event=event)
    assert not Order.objects.exists() and not Fill.objects.exists()


def test_a_futures_fill_before_the_new_update_ends_filled_with_one_fill() -> None:
    futures_symbols()
    sequence = [
        e for e in user_events("ws_futures_user_sequence_open_close.jsonl") if e["e"] == "ORDER_TRADE_UPDATE"
    ]
    new, filled = sequence[0], sequence[1]
    order = make_order(
        client_order_id=new["o"]["c"],
        symbol=Symbol.objects.get(market="USDM", symbol="BTCUSDT"),
        requested_quantity=Decimal("0.002"),
        requested_price=Decimal("91739.90"),
    )
    apply(filled)
    apply(new)
    apply(filled)
    order.refresh_from_db()
    assert order.status == "FILLED" and order.exchange_executed_qty == Decimal("0.002")
    [fill] = Fill.objects.filter(order=order)
    assert (
        fill.realized_pnl == 0
        and fill.commission == Decimal("0.0917399")
        and fill.quote_quantity == Decimal("183.4798")
    )
    assert history(order) == [("PENDING_NEW", "FILLED", "FILL", "stream")]


def test_an_algo_order_shows_triggered_then_takes_its_spawned_orders_fill() -> None:
    futures_symbols("DOGEUSDT")
    triggered, finished = (
        load("ws_ALGO_UPDATE_triggered.json")["data"],
        load("ws_ALGO_UPDATE_finished.json")["data"],
    )
    caid = triggered["o"]["caid"]
    order = make_order(
        client_order_id=caid,
        symbol=Symbol.objects.get(market="USDM", symbol="DOGEUSDT"),
        order_type="STOP_MARKET",
        side="BUY",
        requested_quantity=Decimal(38),
        requested_price=None,
        requested_stop_price=Decimal("0.13855"),
        status="NEW",
        exchange_algo_id=triggered["o"]["aid"],
    )
    event = parse_event(triggered)
    assert isinstance(event, AlgoUpdate)
    algo_apply_update(event=event)
    order.refresh_from_db()
    assert (order.status, order.exchange_status, order.exchange_order_id) == ("NEW", "TRIGGERED", 88937381063)
    # The order it spawned reports under the same clientOrderId (built from the recorded stop fill).
    spawned = copy.deepcopy(load("ws_ORDER_TRADE_UPDATE_stop_market_triggered_filled.json"))
    spawned["o"].update(
        s="DOGEUSDT",
        c=caid,
        S="BUY",
        q="38",
        l="38",
        z="38",
        L="0.13856",
        ap="0.13856",
        i=88937381063,
        t=555,
        sp="0.13855",
    )
    apply(spawned)
    algo_apply_update(event=parse_event(finished))  # type: ignore[arg-type]
    order.refresh_from_db()
    assert order.status == "FILLED" and order.exchange_executed_qty == Decimal(38)
    assert Fill.objects.get(order=order).exchange_trade_id == 555
    assert [e[2] for e in history(order)] == ["FILL"]


def test_an_algo_order_placed_elsewhere_is_adopted_and_a_cancel_ends_it() -> None:
    futures_symbols("DOGEUSDT")
    raw = load("ws_ALGO_UPDATE_triggered.json")["data"]
    raw["o"].update(X="NEW", ai="")
    order = algo_apply_update(event=parse_event(raw))  # type: ignore[arg-type]
    assert order is not None and order.external and order.status == "NEW"
    assert order.order_type == "STOP_MARKET" and order.exchange_algo_id == raw["o"]["aid"]
    raw["o"].update(X="CANCELED")
    raw["T"] += 1
    algo_apply_update(event=parse_event(raw))  # type: ignore[arg-type]
    order.refresh_from_db()
    assert order.status == "CANCELED"
    algo_apply_update(event=parse_event({**raw, "o": {**raw["o"], "X": "NEW"}}))  # type: ignore[arg-type]
    assert Order.objects.get(pk=order.pk).status == "CANCELED"
