"""USD-M services: ACCOUNT_UPDATE (recorded payloads), positionRisk snapshots, derived risk figures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from apps.exchange.gateway.fake import FAKE_BRACKETS
from apps.positions.brackets import _stored
from apps.positions.domain.liquidation import Leg, liquidation_price, parse_bracket_rows
from apps.positions.models import Balance, BracketTable, Position
from apps.positions.risk import q8
from apps.positions.services import (
    futures_account_config_apply,
    futures_account_update_apply,
    positions_apply_snapshot,
)
from apps.positions.tests.conftest import recorded

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def brackets(usdm_btcusdt: Any) -> None:
    BracketTable.objects.create(symbol="BTCUSDT", brackets=_stored(list(FAKE_BRACKETS)))


def account_update(
    t: int, *, wb: str, pa: str, ep: str, up: str, mt: str = "cross", iw: str = "0"
) -> dict[str, Any]:
    return {
        "e": "ACCOUNT_UPDATE",
        "E": t,
        "T": t,
        "a": {
            "m": "ORDER",
            "B": [{"a": "USDT", "wb": wb, "cw": wb if mt == "cross" else str(D(wb) - D(iw)), "bc": "0"}],
            "P": [
                {"s": "BTCUSDT", "pa": pa, "ep": ep, "cr": "0", "up": up, "mt": mt, "iw": iw, "ps": "BOTH"}
            ],
        },
    }


def test_the_recorded_account_update_sets_wallet_and_position(usdm_btcusdt: Any) -> None:
    changes = futures_account_update_apply(event=recorded("ws_ACCOUNT_UPDATE.json"))
    assert {c.key for c in changes} == {"USDM:USDT", "BTCUSDT:BOTH"}
    usdt = Balance.objects.get(market="USDM", asset="USDT")
    assert usdt.wallet_balance == usdt.cross_wallet_balance == D("642.76097079")
    p = Position.objects.get(symbol=usdm_btcusdt, position_side="BOTH")
    assert (p.quantity, p.entry_price, p.break_even_price) == (D("0.002"), D("91739.9"), D("91785.76995"))
    assert p.unrealized_pnl == D("-0.03508665") and p.margin_type == "cross"
    # No mark price in the event: unrealized = amount x (mark - entry) gives it back.
    assert p.mark_price == D("91739.9") + D("-0.03508665") / D("0.002")
    assert p.notional == D("0.002") * p.mark_price
    assert p.exchange_update_time == datetime.fromtimestamp(1731954087.444, tz=UTC)


def test_the_recorded_open_and_close_sequence_ends_flat(usdm_btcusdt: Any) -> None:
    updates = [e for e in recorded("ws_futures_user_sequence_open_close.jsonl") if e["e"] == "ACCOUNT_UPDATE"]
    for event in updates:
        futures_account_update_apply(event=event)
    p = Position.objects.get(symbol=usdm_btcusdt)
    assert p.quantity == 0 and p.liquidation_price is None and p.accumulated_realized == D("-1.7734")
    assert Balance.objects.get(market="USDM", asset="USDT").wallet_balance == D("640.89671759")
    # Replayed in reverse (the close first): the older open update is ignored, the position stays flat.
    Position.objects.all().delete()
    Balance.objects.all().delete()
    for event in reversed(updates):
        futures_account_update_apply(event=event)
    assert Position.objects.get(symbol=usdm_btcusdt).quantity == 0
    assert Balance.objects.get(market="USDM", asset="USDT").wallet_balance == D("640.89671759")


def test_replaying_an_account_update_changes_and_broadcasts_nothing(
    usdm_btcusdt: Any, published: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    event = recorded("ws_ACCOUNT_UPDATE.json")
    with django_capture_on_commit_callbacks(execute=True):
        assert len(futures_account_update_apply(event=event)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert futures_account_update_apply(event=event) == []
    assert sorted(kind for kind, _ in published) == ["balance", "position"]
    position = next(p for k, p in published if k == "position")
    assert position["symbol"] == "BTCUSDT" and position["quantity"] == "0.002"
    assert isinstance(position["entry_price"], str)


def test_liquidation_price_and_maintenance_margin_are_derived_from_stored_brackets(brackets: None) -> None:
    futures_account_update_apply(event=account_update(1000, wb="100", pa="0.01", ep="90000", up="-10"))
    p = Position.objects.get()
    mark = D(90000) + D(-10) / D("0.01")
    assert p.mark_price == mark == D(89000)
    assert p.maint_margin == D("0.01") * mark * D("0.004")
    table = parse_bracket_rows(_stored(list(FAKE_BRACKETS)))
    expected = liquidation_price(
        legs=[Leg("BOTH", D("0.01"), D(90000))], wallet_balance=D(100), brackets=table, mark_price=mark
    )
    assert expected is not None and p.liquidation_price == q8(expected)
    # A funding fee moves only the wallet (B without P): the liquidation price follows it.
    funding = {
        "e": "ACCOUNT_UPDATE",
        "E": 2000,
        "T": 2000,
        "a": {"m": "FUNDING_FEE", "B": [{"a": "USDT", "wb": "90", "cw": "90", "bc": "-10"}], "P": []},
    }
    futures_account_update_apply(event=funding)
    p.refresh_from_db()
    assert p.liquidation_price == q8(
        liquidation_price(
            legs=[Leg("BOTH", D("0.01"), D(90000))], wallet_balance=D(90), brackets=table, mark_price=mark
        )
    )
    assert futures_account_update_apply(event=funding) == []  # re-derived from the same data: no change


def test_an_isolated_position_is_priced_on_its_own_wallet(brackets: None) -> None:
    futures_account_update_apply(
        event=account_update(1000, wb="1000", pa="-0.01", ep="90000", up="0", mt="isolated", iw="45")
    )
    p = Position.objects.get()
    assert p.margin_type == "isolated" and p.isolated_margin == D(45)
    # one-way isolated: (iw + cum - q*EP) / (|q|*MMR - q)
    q = D("-0.01")
    assert p.liquidation_price == q8((D(45) - q * D(90000)) / (abs(q) * D("0.004") - q))


def test_without_brackets_the_liquidation_price_is_left_to_reconciliation(usdm_btcusdt: Any) -> None:
    futures_account_update_apply(event=account_update(1000, wb="100", pa="0.01", ep="90000", up="0"))
    p = Position.objects.get()
    assert p.liquidation_price is None and p.maint_margin is None and p.notional == D(900)


def test_the_recorded_position_risk_row_keeps_the_exchange_figures(usdm_btcusdt: Any) -> None:
    [row] = recorded("futures_positionRisk.json")
    positions_apply_snapshot(rows=[row])
    p = Position.objects.get()
    assert p.quantity == D("0.009") and p.entry_price == D("67445.9")
    assert p.liquidation_price == D("64846.98753790") and p.maint_margin == D("2.43009666")
    assert p.initial_margin == D("7.59405208") and p.break_even_price == D("67479.62295")
    assert p.mark_price == D("67502.68519858") and p.notional == D("607.52416678")
    assert positions_apply_snapshot(rows=[row]) == []


def test_a_complete_snapshot_flattens_positions_it_no_longer_lists(usdm_btcusdt: Any) -> None:
    positions_apply_snapshot(rows=recorded("futures_positionRisk.json"))
    [change] = positions_apply_snapshot(rows=[])
    p = Position.objects.get()
    assert p.quantity == 0 and p.liquidation_price is None
    assert (
        change.before is not None and change.before["quantity"] == "0.009" and change.after["quantity"] == "0"
    )


def test_data_older_than_the_stored_position_is_ignored(usdm_btcusdt: Any) -> None:
    futures_account_update_apply(event=account_update(5000, wb="100", pa="0.02", ep="90000", up="0"))
    futures_account_update_apply(event=account_update(4000, wb="100", pa="0.01", ep="90000", up="0"))
    positions_apply_snapshot(rows=[], as_of=datetime.fromtimestamp(4.5, tz=UTC))
    assert Position.objects.get().quantity == D("0.02")


def test_account_config_update_sets_the_leverage(usdm_btcusdt: Any) -> None:
    futures_account_update_apply(event=account_update(1000, wb="100", pa="0.01", ep="90000", up="0"))
    futures_account_config_apply(
        event={"e": "ACCOUNT_CONFIG_UPDATE", "E": 2000, "T": 2000, "ac": {"s": "BTCUSDT", "l": 25}}
    )
    p = Position.objects.get()
    assert p.leverage == 25 and p.initial_margin == D(900) / 25
    assert futures_account_config_apply(event={"e": "ACCOUNT_CONFIG_UPDATE", "E": 3, "ai": {"j": True}}) == []


@pytest.fixture
def early_reconciles(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[tuple[Any, ...]]:
    import redis

    from apps.positions import futures, tasks

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(futures.RECONCILE_SOON_KEY)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.reconcile, "delay", lambda *args: calls.append(args))
    yield calls
    client.delete(futures.RECONCILE_SOON_KEY)
    client.close()


def test_a_new_position_without_leverage_or_brackets_asks_for_an_early_reconciliation(
    usdm_btcusdt: Any, early_reconciles: list[tuple[Any, ...]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        futures_account_update_apply(event=account_update(1_000, wb="1000", pa="0.01", ep="50000", up="0"))
    assert early_reconciles == [()]
    with django_capture_on_commit_callbacks(execute=True):  # more fills on it: asked already
        futures_account_update_apply(event=account_update(2_000, wb="1000", pa="0.02", ep="50000", up="0"))
    assert early_reconciles == [()]


def test_a_position_with_known_leverage_and_brackets_waits_for_the_beat(
    brackets: None, early_reconciles: list[tuple[Any, ...]], django_capture_on_commit_callbacks: Any
) -> None:
    Position.objects.create(symbol=_btc(), leverage=20)
    with django_capture_on_commit_callbacks(execute=True):
        futures_account_update_apply(event=account_update(1_000, wb="1000", pa="0.01", ep="50000", up="0"))
    assert early_reconciles == []


def _btc() -> Any:
    from apps.symbols.models import Symbol

    return Symbol.objects.get(market="USDM", symbol="BTCUSDT")
