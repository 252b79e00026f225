"""Balance services: snapshots, spot stream events (recorded payloads), idempotency and event order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from apps.exchange.domain.types import Balance as GatewayBalance
from apps.exchange.domain.types import FuturesBalance
from apps.positions.models import Balance
from apps.positions.services import (
    balance_apply_delta,
    balances_apply_account_position,
    balances_apply_snapshot,
)
from apps.positions.tests.conftest import recorded

pytestmark = pytest.mark.django_db

D = Decimal
T0 = datetime(2021, 3, 24, 23, 33, 35, tzinfo=UTC)  # before the recorded spot events (1616628815745)


def held(market: str = "SPOT") -> dict[str, tuple[Decimal, Decimal]]:
    return {b.asset: (b.free, b.locked) for b in Balance.objects.filter(market=market)}


def test_the_recorded_outbound_account_position_sets_free_and_locked_absolutely() -> None:
    balances_apply_snapshot(market="spot", rows=[GatewayBalance("ETH", D(1), D(0))], as_of=T0)
    changes = balances_apply_account_position(event=recorded("ws_outboundAccountPosition.json"))
    assert held() == {
        "BTC": (D("0.00225109"), D("0.00123")),
        "BNB": (D(0), D(0)),
        "USDT": (D("54.43390661"), D(0)),
        "ETH": (D(1), D(0)),  # not listed in the event: left as it was
    }
    assert {c.key for c in changes} == {"SPOT:BTC", "SPOT:BNB", "SPOT:USDT"}
    assert Balance.objects.get(asset="BTC").exchange_update_time == datetime.fromtimestamp(
        1616628815.745, tz=UTC
    )


def test_replaying_an_event_changes_nothing_and_broadcasts_nothing(
    published: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    event = recorded("ws_outboundAccountPosition.json")
    with django_capture_on_commit_callbacks(execute=True):
        first = balances_apply_account_position(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        second = balances_apply_account_position(event=event)
    assert len(first) == 3 and second == []
    assert [kind for kind, _ in published] == ["balance"] * 3
    btc = next(p for k, p in published if p["asset"] == "BTC")
    assert btc["free"] == "0.00225109" and btc["locked"] == "0.00123" and btc["total"] == "0.00348109"


def test_a_broadcast_waits_for_the_commit(published: list[tuple[str, dict[str, Any]]]) -> None:
    # Inside the test's transaction nothing is committed, so nothing may be sent yet.
    balances_apply_account_position(event=recorded("ws_outboundAccountPosition.json"))
    assert published == []


def _position(u: int, free: str) -> dict[str, Any]:
    return {"e": "outboundAccountPosition", "E": u, "u": u, "B": [{"a": "USDT", "f": free, "l": "0"}]}


def _delta(t: int, d: str) -> dict[str, Any]:
    return {"e": "balanceUpdate", "E": t, "a": "USDT", "d": d, "T": t}


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # in order: absolute, then a newer delta
        ([_position(1000, "100"), _delta(2000, "5")], "105"),
        # a delta repeated: counted once
        ([_position(1000, "100"), _delta(2000, "5"), _delta(2000, "5")], "105"),
        # a delta the newer absolute update already contains: skipped
        ([_position(3000, "105"), _delta(2000, "5")], "105"),
        # an absolute update older than the one applied: ignored
        ([_position(3000, "105"), _position(1000, "100")], "105"),
        # the same absolute update twice
        ([_position(1000, "100"), _position(1000, "100")], "100"),
        # two deltas of different instants add up, whatever their order of arrival after the absolute
        ([_position(1000, "100"), _delta(2000, "5"), _delta(2500, "-20")], "85"),
    ],
)
def test_spot_stream_events_in_any_order(events: list[dict[str, Any]], expected: str) -> None:
    balances_apply_snapshot(market="SPOT", rows=[], as_of=datetime(1970, 1, 1, tzinfo=UTC))
    Balance.objects.create(market="SPOT", asset="BNB")  # the market has been synced
    for event in events:
        if event["e"] == "balanceUpdate":
            balance_apply_delta(event=event)
        else:
            balances_apply_account_position(event=event)
    assert Balance.objects.get(asset="USDT").free == D(expected)


def test_a_delta_before_any_balance_sync_is_left_to_the_next_snapshot() -> None:
    assert balance_apply_delta(event=_delta(2000, "5")) is None
    assert not Balance.objects.exists()


def test_a_snapshot_applied_twice_changes_nothing_the_second_time() -> None:
    rows = [GatewayBalance("USDT", D("10.5"), D(1)), GatewayBalance("BTC", D("0.1"), D(0))]
    assert len(balances_apply_snapshot(market="SPOT", rows=rows)) == 2
    assert balances_apply_snapshot(market="SPOT", rows=rows) == []
    assert held() == {"USDT": (D("10.5"), D(1)), "BTC": (D("0.1"), D(0))}


def test_an_asset_a_snapshot_no_longer_lists_is_zero() -> None:
    balances_apply_snapshot(market="SPOT", rows=[GatewayBalance("BTC", D(1), D(0))])
    changes = balances_apply_snapshot(market="SPOT", rows=[GatewayBalance("USDT", D(5), D(0))])
    assert held() == {"BTC": (D(0), D(0)), "USDT": (D(5), D(0))}
    btc = next(c for c in changes if c.key == "SPOT:BTC")
    assert btc.before == {"free": "1", "locked": "0"} and btc.after == {"free": "0", "locked": "0"}


def test_a_snapshot_read_before_a_newer_stream_event_does_not_take_it_back() -> None:
    balances_apply_account_position(event=_position(2_000_000_000_000, "50"))
    stale = datetime.fromtimestamp(1_999_999_999, tz=UTC)
    balances_apply_snapshot(market="SPOT", rows=[GatewayBalance("USDT", D(40), D(0))], as_of=stale)
    assert Balance.objects.get(asset="USDT").free == D(50)


def test_futures_snapshot_rows_from_the_gateway_and_from_the_wire() -> None:
    balances_apply_snapshot(market="futures", rows=[FuturesBalance("USDT", D(100), D("-2"), D(98), D(90))])
    row = Balance.objects.get(market="USDM", asset="USDT")
    assert (row.wallet_balance, row.unrealized_pnl, row.available_balance) == (D(100), D(-2), D(90))
    assert row.total == D(100)
    wire = recorded("futures_account.json")["assets"]
    balances_apply_snapshot(market="USDM", rows=wire)
    usdt = Balance.objects.get(market="USDM", asset="USDT")
    source = next(a for a in wire if a["asset"] == "USDT")
    assert usdt.wallet_balance == D(source["walletBalance"])
    assert usdt.cross_wallet_balance == D(source["crossWalletBalance"])
    assert usdt.available_balance == D(source["availableBalance"])


def test_an_unknown_market_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown market"):
        balances_apply_snapshot(market="COINM", rows=[])
