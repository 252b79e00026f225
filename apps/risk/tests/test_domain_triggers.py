"""The automatic triggers as tables: when each fires, and what a firing does given state and alert."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.risk.domain import triggers
from apps.risk.domain.state import GLOBAL, Scope
from apps.risk.domain.triggers import MarketDataInput, StreamInput, decide

D = Decimal


@pytest.mark.parametrize(
    ("start", "now", "limit", "firing"),
    [
        (D("10000"), D("9500"), D("500"), True),
        (D("10000"), D("9501"), D("500"), False),
        (D("10000"), D("12000"), D("500"), False),
        (None, D("9000"), D("500"), False),  # no snapshot at midnight yet
        (D("10000"), D("1"), D("0"), False),  # no limit
    ],
)
def test_daily_loss(start, now, limit, firing) -> None:
    finding = triggers.daily_loss(start_equity=start, equity_now=now, limit=limit, action="REDUCE_ONLY")
    assert finding.firing is firing
    assert finding.scope == GLOBAL


@pytest.mark.parametrize(
    ("peak", "now", "max_pct", "firing"),
    [
        (D("10000"), D("7000"), D("30"), True),
        (D("10000"), D("7001"), D("30"), False),
        (D("10000"), D("10000"), D("1"), False),
        (None, D("10"), D("30"), False),
    ],
)
def test_drawdown(peak, now, max_pct, firing) -> None:
    finding = triggers.drawdown(peak=peak, equity_now=now, max_pct=max_pct, action="HALTED")
    assert finding.firing is firing
    if peak:
        assert D(finding.values["drawdown_pct"]) == ((peak - now) / peak * 100).quantize(D("0.01"))


def test_a_user_stream_down_beyond_the_threshold_fires_for_its_market_only() -> None:
    found = triggers.user_streams(
        streams=[StreamInput("spot", "SPOT", None), StreamInput("futures", "USDM", 75.0, "closed")],
        threshold_s=60,
        action="REDUCE_ONLY",
    )
    assert [(f.scope, f.firing) for f in found] == [(Scope("SPOT"), False), (Scope("USDM"), True)]
    assert "closed" in found[1].message


def test_stale_market_data_fires_per_symbol_and_no_data_is_never_stale() -> None:
    found = triggers.stale_market_data(
        symbols=[MarketDataInput("USDM", "BTCUSDT", 90.0), MarketDataInput("USDM", "ETHUSDT", None)],
        threshold_s=30,
        action="HALTED",
    )
    assert [(f.scope.label, f.firing) for f in found] == [("USDM:BTCUSDT", True), ("USDM:ETHUSDT", False)]


@pytest.mark.parametrize(
    ("fixes", "tolerance", "firing"), [(4, 3, True), (3, 3, False), (1, 0, True), (0, 0, False)]
)
def test_reconcile_drift(fixes: int, tolerance: int, firing: bool) -> None:
    assert (
        triggers.reconcile_drift(fixes=fixes, tolerance=tolerance, window_s=300, action="NONE").firing
        is firing
    )


FIRING = triggers.Finding("daily_loss", GLOBAL, firing=True, action="REDUCE_ONLY")
QUIET = triggers.Finding("daily_loss", GLOBAL, firing=False, action="REDUCE_ONLY")


@pytest.mark.parametrize(
    ("finding", "state", "alert_open", "expected"),
    [
        # first firing: open the alert and tighten
        (FIRING, "ACTIVE", False, triggers.Decision(tighten=True, open_alert=True)),
        # the condition persists, the state is already that strict: nothing (no re-fire)
        (FIRING, "REDUCE_ONLY", True, triggers.Decision()),
        (FIRING, "HALTED", True, triggers.Decision()),
        # already stricter when it starts: the alert is recorded, the state left alone
        (FIRING, "HALTED", False, triggers.Decision(open_alert=True)),
        # someone loosened the state while the condition persists: it fires again
        (FIRING, "ACTIVE", True, triggers.Decision(tighten=True, refire=True)),
        # the condition is gone: the alert resolves, the state stays as it is
        (QUIET, "REDUCE_ONLY", True, triggers.Decision(resolve_alert=True)),
        (QUIET, "ACTIVE", False, triggers.Decision()),
    ],
)
def test_a_trigger_fires_only_when_the_state_is_not_yet_as_strict(
    finding, state, alert_open, expected
) -> None:
    assert decide(finding=finding, current_state=state, alert_open=alert_open) == expected


def test_an_alert_only_trigger_never_touches_the_state() -> None:
    finding = triggers.Finding("reconcile_drift", GLOBAL, firing=True, action="NONE")
    assert decide(finding=finding, current_state="ACTIVE", alert_open=False) == triggers.Decision(
        open_alert=True
    )
    assert finding.severity == "info"
