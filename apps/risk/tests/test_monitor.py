"""The risk monitor: triggers fire once per condition, tighten per config, alert, audit and resolve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from apps.monitoring.models import AuditEvent
from apps.risk.conf import RiskSettings
from apps.risk.domain.state import GLOBAL, Scope
from apps.risk.domain.triggers import StreamInput
from apps.risk.models import RiskAlert
from apps.risk.monitor import MonitorInputs, risk_monitor_run
from apps.risk.selectors import trading_state_value
from apps.risk.services import do_trading_state_set

pytestmark = pytest.mark.django_db

D = Decimal
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
SETTINGS = RiskSettings(
    daily_loss_limit=D("500"),
    max_drawdown_pct=D("20"),
    daily_loss_action="REDUCE_ONLY",
    drawdown_action="HALTED",
    user_stream_down_action="REDUCE_ONLY",
    market_data_stale_action="HALTED",
    reconcile_drift_action="NONE",
    user_stream_down_seconds=60,
    market_data_stale_seconds=30,
    reconcile_drift_tolerance=3,
)


def snapshot(time: datetime, equity: str, unrealized: str = "0") -> None:
    from apps.positions.models import EquitySnapshot

    EquitySnapshot.objects.create(time=time, market="TOTAL", equity=D(equity))
    EquitySnapshot.objects.create(time=time, market="USDM", equity=D(equity), unrealized=D(unrealized))


def run(**inputs: Any) -> list[dict[str, Any]]:
    return risk_monitor_run(now=NOW, settings=SETTINGS, inputs=MonitorInputs(**inputs) if inputs else None)


def test_the_daily_loss_trigger_reads_the_equity_snapshots_fires_once_and_resolves() -> None:
    snapshot(datetime(2026, 3, 1, 23, 59, tzinfo=UTC), "10000")
    snapshot(datetime(2026, 3, 2, 13, 59, tzinfo=UTC), "9400")

    (acted,) = run()
    assert acted == {
        "trigger": "daily_loss",
        "scope": "all",
        "tightened": True,
        "refire": False,
        "opened": True,
        "resolved": False,
    }
    assert trading_state_value(GLOBAL) == "REDUCE_ONLY"
    alert = RiskAlert.objects.get(trigger="daily_loss")
    assert alert.values["loss"] == "600" and alert.severity == "warning" and alert.fire_count == 1
    assert AuditEvent.objects.filter(action="risk.trigger.daily_loss").count() == 1

    assert run() == []  # the condition persists, the state already is that strict: no re-fire

    do_trading_state_set(actor=None, scope=GLOBAL, state="ACTIVE", reason="admin loosened")
    (again,) = run()
    assert again["refire"] and trading_state_value(GLOBAL) == "REDUCE_ONLY"
    assert RiskAlert.objects.get().fire_count == 2

    snapshot(datetime(2026, 3, 2, 13, 59, 30, tzinfo=UTC), "9900")
    (resolved,) = run()
    assert resolved["resolved"] and RiskAlert.objects.get().resolved_at == NOW
    assert trading_state_value(GLOBAL) == "REDUCE_ONLY"  # loosening is a person's decision
    assert run() == []


def test_live_unrealized_pnl_replaces_the_snapshots(symbols: None) -> None:
    from apps.positions.models import Position
    from apps.symbols.models import Symbol

    snapshot(datetime(2026, 3, 1, 23, 0, tzinfo=UTC), "10000")
    snapshot(datetime(2026, 3, 2, 13, 59, tzinfo=UTC), "10000", unrealized="0")
    symbol = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    Position.objects.create(symbol=symbol, quantity=D("1"), unrealized_pnl=D("-2500"))
    acted = {a["trigger"] for a in run()}
    assert acted == {"daily_loss", "drawdown"}  # -2500: over the loss limit and 25 % below the peak
    assert trading_state_value(GLOBAL) == "HALTED"


def test_a_user_stream_down_restricts_its_market_only() -> None:
    streams = [StreamInput("spot", "SPOT", None), StreamInput("futures", "USDM", 90.0, "timeout")]
    (acted,) = run(streams=streams)
    assert acted["scope"] == "usdm"
    assert trading_state_value(Scope("USDM")) == "REDUCE_ONLY"
    assert trading_state_value(Scope("SPOT")) == "ACTIVE"
    assert "timeout" in RiskAlert.objects.get().message


def test_stale_market_data_halts_the_symbol_of_an_open_position(symbols: None) -> None:
    from apps.positions.models import Position
    from apps.risk.marketdata import market_data_source, set_market_data_source
    from apps.symbols.models import Symbol

    Position.objects.create(symbol=Symbol.objects.get(market="USDM", symbol="ETHUSDT"), quantity=D("-2"))
    installed = market_data_source()
    try:
        set_market_data_source(lambda market, symbol: 45.0)
        (acted,) = run()
    finally:
        set_market_data_source(installed)
    assert acted["scope"] == "USDM:ETHUSDT"
    assert trading_state_value(Scope("USDM", "ETHUSDT")) == "HALTED"
    assert run() == [] or all(a["resolved"] for a in run())  # no source: cannot judge, resolves


def test_reconciliation_drift_counts_fixed_orders_and_only_alerts_when_configured_so() -> None:
    from apps.monitoring.services import audit_record

    for n in range(4):
        audit_record(actor=None, action="orders.reconcile.finish", target_type="order", target_id=str(n))
    (acted,) = risk_monitor_run(settings=SETTINGS)
    assert acted["trigger"] == "reconcile_drift" and not acted["tightened"]
    assert RiskAlert.objects.get().values["fixes"] == "4"
    assert trading_state_value(GLOBAL) == "ACTIVE"


def test_the_defaults_fire_nothing_on_a_quiet_account() -> None:
    assert risk_monitor_run(now=NOW + timedelta(seconds=1)) == []


def test_a_trigger_that_halts_engages_the_kill_switch_once_without_closing_positions(
    symbols: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.positions.models import Position
    from apps.risk import tasks
    from apps.risk.models import KillSwitchRun
    from apps.risk.selectors import trading_state_of
    from apps.symbols.models import Symbol

    started: list[int] = []
    monkeypatch.setattr(tasks.kill_switch_run, "delay", started.append)
    snapshot(datetime(2026, 3, 1, 23, 0, tzinfo=UTC), "10000")
    snapshot(datetime(2026, 3, 2, 13, 59, tzinfo=UTC), "10000")
    Position.objects.create(
        symbol=Symbol.objects.get(market="USDM", symbol="BTCUSDT"), quantity=D("1"), unrealized_pnl=D("-2500")
    )
    with django_capture_on_commit_callbacks(execute=True):
        run()
    (engaged,) = KillSwitchRun.objects.all()
    assert engaged.scope == "all" and not engaged.close_positions and engaged.engaged_by is None
    assert "drawdown" in engaged.reason
    assert started == [engaged.pk]
    state = trading_state_of(GLOBAL)
    assert state is not None and state.state == "HALTED"
    assert AuditEvent.objects.filter(action="risk.kill_switch.engage").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert run() == []  # still drawn down, already halted: no second run
    assert KillSwitchRun.objects.count() == 1


def test_a_trigger_that_only_restricts_leaves_the_kill_switch_alone() -> None:
    from apps.risk.models import KillSwitchRun

    run(streams=[StreamInput("futures", "USDM", 90.0, "timeout")])
    assert trading_state_value(Scope("USDM")) == "REDUCE_ONLY"
    assert not KillSwitchRun.objects.exists()
