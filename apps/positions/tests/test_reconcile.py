"""Reconciliation against the real local exchange: differences are fixed and each fix is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from binance.client import Client
from rest_framework.test import APIClient

from apps.monitoring.models import AuditEvent
from apps.positions.brackets import brackets_for
from apps.positions.domain.liquidation import maintenance_margin
from apps.positions.models import Balance, BracketTable, Position
from apps.positions.risk import q8
from apps.positions.services import balances_reconcile, positions_reconcile

pytestmark = pytest.mark.integration

D = Decimal


@pytest.fixture
def outside(sim: Any, account: dict[str, Any]) -> Client:
    cls = type("SimClient", (Client,), {"API_URL": f"{sim.url}/api", "FUTURES_URL": f"{sim.url}/fapi"})
    return cls(account["api_key"], account["api_secret"], ping=False)


def test_balances_are_read_then_a_difference_is_fixed_and_audited(symbols: None, gateway: Any) -> None:
    first = balances_reconcile(market="SPOT")
    assert {c.key for c in first.changes} >= {"SPOT:USDT", "SPOT:BTC"}
    assert Balance.objects.get(market="SPOT", asset="BTC").free == D(2)
    assert balances_reconcile(market="SPOT").changes == []  # nothing differs any more

    Balance.objects.filter(market="SPOT", asset="BTC").update(free=D("1.5"))
    seen = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    [fix] = balances_reconcile(market="SPOT").changes
    assert fix.before == {"free": "1.5", "locked": "0"} and fix.after == {"free": "2", "locked": "0"}
    assert Balance.objects.get(market="SPOT", asset="BTC").free == D(2)
    [audit] = AuditEvent.objects.filter(action="positions.reconcile.balance", id__gt=seen)
    assert audit.target_id == "SPOT:BTC" and audit.before["free"] == "1.5" and audit.after["free"] == "2"

    futures = balances_reconcile(market="USDM")
    usdt = Balance.objects.get(market="USDM", asset="USDT")
    assert {c.key for c in futures.changes} >= {"USDM:USDT"} and usdt.wallet_balance == D(100000)


def test_a_position_opened_outside_is_adopted_with_its_settings_and_risk(
    symbols: None, gateway: Any, outside: Client
) -> None:
    # About 300 000 USDT of BTC at 20x on a 100 000 USDT wallet: large enough to have a liquidation price.
    mark = D(outside.futures_mark_price(symbol="BTCUSDT")["markPrice"])
    size = (D(300000) / mark).quantize(D("0.001"))
    outside.futures_change_leverage(symbol="BTCUSDT", leverage=20)
    outside.futures_create_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity=f"{size:f}")
    balances_reconcile(market="USDM")
    report = positions_reconcile()
    [change] = report.changes
    p = Position.objects.get(symbol__symbol="BTCUSDT", position_side="BOTH")
    [risk] = outside.futures_position_information(symbol="BTCUSDT")
    assert change.key == "BTCUSDT:BOTH" and change.before is None
    assert p.quantity == size and p.leverage == 20 and p.margin_type == "cross"
    assert p.liquidation_price == D(risk["liquidationPrice"]) > 0
    # The mark moves between our read and this one: maintenance margin is checked on our own notional.
    table = brackets_for("BTCUSDT")
    assert table is not None and p.notional > 0
    assert p.maint_margin == q8(maintenance_margin(table, p.notional))
    assert BracketTable.objects.filter(symbol="BTCUSDT").exists()
    assert AuditEvent.objects.filter(action="positions.reconcile.position", target_id="BTCUSDT:BOTH").exists()

    # Our copy drifts (a missed event): the next run puts it back, audited with before/after.
    Position.objects.filter(pk=p.pk).update(quantity=size + 1)
    [fix] = positions_reconcile().changes
    assert (
        fix.before is not None and D(fix.before["quantity"]) == size + 1 and D(fix.after["quantity"]) == size
    )
    p.refresh_from_db()
    assert p.quantity == size

    # Closed outside: the position is flat here too.
    outside.futures_create_order(symbol="BTCUSDT", side="SELL", type="MARKET", quantity=f"{size:f}")
    positions_reconcile()
    p.refresh_from_db()
    assert p.quantity == 0 and p.liquidation_price is None


def test_the_reconcile_endpoint_runs_both_for_a_trader_only(
    trader_client: APIClient, viewer_client: APIClient, symbols: None, gateway: Any
) -> None:
    assert viewer_client.post("/api/positions/reconcile/").status_code == 403
    response = trader_client.post("/api/positions/reconcile/")
    assert response.status_code == 200, response.json()
    assert [r["market"] for r in response.json()] == ["SPOT", "USDM", "USDM positions"]
    assert Balance.objects.filter(market="SPOT", asset="BTC").exists()


def test_the_reconcile_endpoint_answers_503_when_the_exchange_cannot_be_read(
    trader_client: APIClient, fake_gateway: Any, db: None
) -> None:
    from apps.exchange.domain.errors import TemporaryError

    fake_gateway.fail_next("account", TemporaryError("down"))
    response = trader_client.post("/api/positions/reconcile/")
    assert response.status_code == 503 and "could not be read" in response.json()["detail"]


def test_a_moving_mark_price_refreshes_the_position_without_an_audit_entry(
    fake_gateway: Any, usdm_btcusdt: Any
) -> None:
    fake_gateway.positions_by_symbol["BTCUSDT"] = D("0.1")
    fake_gateway.entry["BTCUSDT"] = D(50000)
    first = positions_reconcile()
    assert [c.fix for c in first.changes] == [True]
    audited = AuditEvent.objects.filter(action="positions.reconcile.position").count()
    assert audited == 1

    fake_gateway.prices["BTCUSDT"] = D(51000)
    [refresh] = positions_reconcile().changes
    assert not refresh.fix and set(refresh.fields) >= {"mark_price", "unrealized_pnl"}
    assert positions_reconcile().as_dict() == {"market": "USDM", "fixed": [], "refreshed": 0}
    assert AuditEvent.objects.filter(action="positions.reconcile.position").count() == audited
    p = Position.objects.get()
    assert (p.mark_price, p.unrealized_pnl, p.leverage) == (D(51000), D(100), 20)


def test_the_gateway_reads_leverage_brackets_for_one_symbol_or_all(gateway: Any) -> None:
    from apps.positions.domain.liquidation import parse_leverage_brackets

    [one] = gateway.leverage_brackets("BTCUSDT")
    assert one["symbol"] == "BTCUSDT" and one["brackets"]
    every = parse_leverage_brackets(gateway.leverage_brackets())
    assert "BTCUSDT" in every and len(every) > 1
    assert every["BTCUSDT"] == parse_leverage_brackets([one])["BTCUSDT"]
