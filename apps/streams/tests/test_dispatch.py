"""Recorded user-data sequences through the dispatcher: orders, fills, balances and positions end right,
whatever the order of arrival, and a replay changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.monitoring.models import AuditEvent
from apps.orders.models import Fill, Order, OrderEvent
from apps.positions.models import Balance, Position
from apps.streams.dispatch import dispatch
from apps.streams.domain.parse import parse_event, unwrap
from apps.streams.tests.payloads import load, user_events
from apps.symbols.models import Symbol
from apps.symbols.services import symbol_sync_apply
from apps.symbols.tests.payloads import futures_btcusdt

pytestmark = pytest.mark.django_db

SEQUENCE = "ws_futures_user_sequence_open_close.jsonl"


@pytest.fixture
def btcusdt_futures() -> Symbol:
    symbol_sync_apply(market="USDM", raw_symbols=[futures_btcusdt()])
    return Symbol.objects.get(market="USDM", symbol="BTCUSDT")


def feed(events: list[dict[str, Any]]) -> None:
    for raw in events:
        dispatch(parse_event(raw), unwrap(raw))


def snapshot() -> dict[str, Any]:
    """Everything the events may change, to compare runs."""
    return {
        "orders": sorted(
            Order.objects.values_list("client_order_id", "status", "exchange_executed_qty", "external")
        ),
        "fills": sorted(
            Fill.objects.values_list("exchange_trade_id", "quantity", "commission", "realized_pnl")
        ),
        "positions": sorted(
            Position.objects.values_list("symbol__symbol", "position_side", "quantity", "entry_price")
        ),
        "balances": sorted(Balance.objects.values_list("market", "asset", "wallet_balance")),
    }


def test_the_recorded_open_and_close_end_flat_with_two_fills(btcusdt_futures: Symbol) -> None:
    feed(user_events(SEQUENCE))
    opened = Order.objects.get(client_order_id="android_MLA5BSDBdSD12WPlEyMh")
    closed = Order.objects.get(client_order_id="android_WrDCjqlzTWlU9FGcNp1Q")
    assert opened.external and closed.external
    assert (opened.status, closed.status) == ("FILLED", "FILLED")
    assert closed.reduce_only and closed.order_type == "MARKET"
    assert Fill.objects.get(order=closed).realized_pnl == Decimal("-1.7734")
    position = Position.objects.get(symbol=btcusdt_futures, position_side="BOTH")
    assert position.quantity == 0
    assert Balance.objects.get(market="USDM", asset="USDT").wallet_balance == Decimal("640.89671759")
    before = snapshot()
    counts = (OrderEvent.objects.count(), AuditEvent.objects.count())
    feed(user_events(SEQUENCE))  # the whole sequence again: a replay after a reconnect
    assert snapshot() == before
    assert (OrderEvent.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.parametrize("seed", range(4))
def test_any_order_of_arrival_ends_in_the_same_state(btcusdt_futures: Symbol, seed: int) -> None:
    events = user_events(SEQUENCE)
    feed(events)
    expected = snapshot()
    Fill.objects.all().delete()
    OrderEvent.objects.all().delete()
    Order.objects.all().delete()
    Position.objects.all().delete()
    Balance.objects.all().delete()
    # Out of order: a permutation that keeps nothing of the recorded order (reversed, then rotated).
    shuffled = list(reversed(events))
    shuffled = shuffled[seed:] + shuffled[:seed]
    feed(shuffled)
    assert snapshot() == expected


def test_account_update_before_the_filled_update_is_applied_at_once(btcusdt_futures: Symbol) -> None:
    events = user_events(SEQUENCE)[:3]  # TRADE_LITE, NEW, ACCOUNT_UPDATE: the FILLED update has not come yet
    feed(events)
    assert Position.objects.get(symbol=btcusdt_futures).quantity == Decimal("0.002")
    assert Order.objects.get().status == "NEW"


def test_spot_balances_follow_account_positions_and_deltas() -> None:
    feed([load("ws_outboundAccountPosition.json")])
    usdt = Balance.objects.get(market="SPOT", asset="USDT")
    assert usdt.free == Decimal("54.43390661")
    delta = {"e": "balanceUpdate", "E": 1616628815800, "a": "USDT", "d": "10.00000000", "T": 1616628815799}
    feed([delta, delta])
    assert Balance.objects.get(market="SPOT", asset="USDT").free == Decimal("64.43390661")


def test_a_margin_call_is_audited_and_published(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from apps.realtime import publish

    sent: list[tuple[str, Any]] = []
    monkeypatch.setattr(publish, "publish_account_event", lambda kind, payload: sent.append((kind, payload)))
    raw = {"e": "MARGIN_CALL", "E": 1, "cw": "3.16812045",
           "p": [{"s": "ETHUSDT", "ps": "LONG", "pa": "1.327", "mt": "CROSSED", "iw": "0", "mp": "187.17127",
                  "up": "-1.166074", "mm": "1.614445"}]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        feed([raw])
    audit = AuditEvent.objects.get(action="positions.margin_call")
    assert audit.after["p"][0]["s"] == "ETHUSDT"
    assert [kind for kind, _ in sent] == ["position"]


def test_every_parsed_event_type_has_a_handler() -> None:
    from apps.streams.dispatch import HANDLERS
    from apps.streams.domain import events as ev

    kinds = {t for t in ev.UserEvent.__args__}  # type: ignore[attr-defined]
    assert kinds <= set(HANDLERS)
