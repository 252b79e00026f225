"""The risk monitor (beat, every few seconds): gather the trigger inputs, judge them, act.

Inputs, from stored rows and shared health (no exchange calls):
- daily loss: total equity now (the newest TOTAL equity snapshot, its USD-M unrealized part replaced by
  the positions' current unrealized P&L) against the equity at 00:00 UTC (the last TOTAL snapshot at or
  before midnight, else the first after). Realized and unrealized alike, since equity holds both;
  deposits and withdrawals of the day count too (the snapshots cannot tell them apart);
- drawdown: equity now against the highest TOTAL equity ever recorded;
- user streams: how long each configured stream has been down (apps.streams.health);
- market data: the age of each open position's symbol data (apps.risk.marketdata; no source yet);
- reconciliation drift: orders reconciliation had to fix in the last RECONCILE_WINDOW.

Acting (apps.risk.domain.triggers.decide): open or resolve a RiskAlert, tighten the scope's trading
state to the configured action (NONE: alert only). Every change is audited and published.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from apps.monitoring.services import audit_record
from apps.risk.broadcast import alert_payload, risk_publish
from apps.risk.conf import RiskSettings, risk_settings
from apps.risk.domain import triggers
from apps.risk.domain.state import effective_state
from apps.risk.models import RiskAlert, StateSource
from apps.risk.selectors import risk_alerts_open, trading_state_rows
from apps.risk.services import do_trading_state_set, kill_switch_engage

if TYPE_CHECKING:
    from apps.risk.domain.triggers import Action, Decision, Finding, MarketDataInput, StreamInput

logger = logging.getLogger(__name__)

# About two runs of the 30 s orders reconciliation: the config tolerance is "differences one reconciliation
# may fix", so a window this short keeps the two readings close.
RECONCILE_WINDOW: Final = timedelta(seconds=60)


@dataclass(frozen=True)
class MonitorInputs:
    start_equity: Decimal | None = None
    equity_now: Decimal | None = None
    peak: Decimal | None = None
    streams: list[StreamInput] = field(default_factory=list)
    market_data: list[MarketDataInput] = field(default_factory=list)
    reconcile_fixes: int = 0


# ---------------------------------------------------------------- inputs


def _equity(now: datetime) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(equity at 00:00 UTC, equity now, peak)."""
    from apps.positions.models import EquitySnapshot, Position

    total = EquitySnapshot.objects.filter(market="TOTAL")
    latest = total.order_by("-time").first()
    if latest is None:
        return None, None, None
    equity = latest.equity
    usdm = EquitySnapshot.objects.filter(market="USDM", time=latest.time).first()
    if usdm is not None:
        live = Position.objects.exclude(quantity=0).aggregate(u=Sum("unrealized_pnl"))["u"] or Decimal(0)
        equity = equity - usdm.unrealized + live
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    start = (
        total.filter(time__lte=midnight).order_by("-time").first()
        or total.filter(time__gte=midnight).order_by("time").first()
    )
    peak = total.aggregate(p=Max("equity"))["p"]
    peak = max(peak, equity) if peak is not None else equity
    return (start.equity if start is not None else None), equity, peak


def _streams(threshold_s: float) -> list[StreamInput]:
    from apps.risk.domain.triggers import StreamInput
    from apps.streams.conf import streams_config
    from apps.streams.domain.health import down_for_s
    from apps.streams.health import streams_status

    status = streams_status()
    if not status.running:
        if not streams_config().required:
            return []  # web-only deployments, tests: no streams process is expected
        why = "no streams process is running"
        return [
            StreamInput("spot", "SPOT", threshold_s, why),
            StreamInput("futures", "USDM", threshold_s, why),
        ]
    return [StreamInput(s.name, s.market, down_for_s(s, status.now_ms), s.last_error) for s in status.streams]


def _market_data() -> list[MarketDataInput]:
    from apps.positions.models import Position
    from apps.risk.domain.triggers import MarketDataInput
    from apps.risk.marketdata import market_data_age_s

    symbols = sorted(set(Position.objects.exclude(quantity=0).values_list("symbol__symbol", flat=True)))
    return [MarketDataInput("USDM", s, market_data_age_s("USDM", s)) for s in symbols]


def reconcile_fixes(*, since: datetime) -> int:
    """Orders reconciliation fixed since `since`: reconcile OrderEvents and orders.reconcile.* audits, one
    per order (each fix writes both)."""
    from apps.monitoring.models import AuditEvent
    from apps.orders.models import OrderEvent

    ids = {
        str(pk)
        for pk in OrderEvent.objects.filter(source="reconcile", created_at__gte=since).values_list(
            "order_id", flat=True
        )
    }
    ids |= set(
        AuditEvent.objects.filter(action__startswith="orders.reconcile.", created_at__gte=since).values_list(
            "target_id", flat=True
        )
    )
    return len(ids)


def monitor_inputs(*, now: datetime, settings: RiskSettings) -> MonitorInputs:
    start, equity, peak = _equity(now)
    try:
        streams = _streams(float(settings.user_stream_down_seconds))
    except Exception:  # Redis unreachable: judge the rest, the readiness check shows Redis
        logger.warning("risk monitor: stream health unreadable", exc_info=True)
        streams = []
    return MonitorInputs(
        start_equity=start,
        equity_now=equity,
        peak=peak,
        streams=streams,
        market_data=_market_data(),
        reconcile_fixes=reconcile_fixes(since=now - RECONCILE_WINDOW),
    )


def monitor_findings(inputs: MonitorInputs, settings: RiskSettings) -> list[Finding]:
    def act(name: str) -> Action:
        value = getattr(settings, name)
        return value if value in triggers.ACTIONS else "NONE"  # type: ignore[no-any-return]

    return [
        triggers.daily_loss(
            start_equity=inputs.start_equity,
            equity_now=inputs.equity_now,
            limit=settings.daily_loss_limit,
            action=act("daily_loss_action"),
        ),
        triggers.drawdown(
            peak=inputs.peak,
            equity_now=inputs.equity_now,
            max_pct=settings.max_drawdown_pct,
            action=act("drawdown_action"),
        ),
        *triggers.user_streams(
            streams=inputs.streams,
            threshold_s=settings.user_stream_down_seconds,
            action=act("user_stream_down_action"),
        ),
        *triggers.stale_market_data(
            symbols=inputs.market_data,
            threshold_s=settings.market_data_stale_seconds,
            action=act("market_data_stale_action"),
        ),
        triggers.reconcile_drift(
            fixes=inputs.reconcile_fixes,
            tolerance=settings.reconcile_drift_tolerance,
            window_s=int(RECONCILE_WINDOW.total_seconds()),
            action=act("reconcile_drift_action"),
        ),
    ]


# ---------------------------------------------------------------- acting


def _act(finding: Finding, decision: Decision, alert: RiskAlert | None, now: datetime) -> dict[str, Any]:
    label = finding.scope.label
    with transaction.atomic():
        if decision.open_alert:
            alert = RiskAlert.objects.create(
                trigger=finding.trigger,
                scope=label,
                severity=finding.severity,
                action=finding.action,
                message=finding.message[:500],
                values=finding.values,
                opened_at=now,
            )
            audit_record(
                actor=None,
                actor_label="risk monitor",
                action="risk.alert.open",
                target_type="risk_alert",
                target_id=str(alert.pk),
                after=alert_payload(alert),
            )
            risk_publish("alert", alert_payload(alert))
        assert alert is not None
        if decision.tighten:
            do_trading_state_set(
                actor=None,
                scope=finding.scope,
                state=finding.action,
                reason=f"{finding.trigger}: {finding.message}",
                source=StateSource.TRIGGER,
                action=f"risk.trigger.{finding.trigger}",
            )
            if finding.action == "HALTED":
                # HALTED stops new orders, but resting orders could still fill; the kill switch cancels them
                # (positions stay: closing them is a trader's decision, not an automatic one).
                kill_switch_engage(
                    actor=None,
                    scope=label,
                    close_positions=False,
                    reason=f"risk trigger {finding.trigger}: {finding.message}",
                )
            alert.fire_count += 1
            alert.last_fired_at = now
            alert.values = finding.values
            alert.message = finding.message[:500]
            alert.save(update_fields=["fire_count", "last_fired_at", "values", "message"])
        if decision.resolve_alert:
            alert.resolved_at = now
            alert.save(update_fields=["resolved_at"])
            audit_record(
                actor=None,
                actor_label="risk monitor",
                action="risk.alert.resolved",
                target_type="risk_alert",
                target_id=str(alert.pk),
                before={"opened_at": alert.opened_at},
                after={"resolved_at": now},
            )
            risk_publish("alert", alert_payload(alert))
    return {
        "trigger": finding.trigger,
        "scope": label,
        "tightened": decision.tighten,
        "refire": decision.refire,
        "opened": decision.open_alert,
        "resolved": decision.resolve_alert,
    }


def risk_monitor_run(
    *, now: datetime | None = None, settings: RiskSettings | None = None, inputs: MonitorInputs | None = None
) -> list[dict[str, Any]]:
    """Judge every trigger once and act on what changed; returns the actions taken (empty: nothing to do)."""
    now = now or timezone.now()
    settings = settings or risk_settings()
    inputs = inputs or monitor_inputs(now=now, settings=settings)
    states = {scope: (row.state, row.reason) for scope, row in trading_state_rows().items()}
    alerts = risk_alerts_open()
    done: list[dict[str, Any]] = []
    for finding in monitor_findings(inputs, settings):
        current = effective_state(states, finding.scope.market, finding.scope.symbol).state
        alert = alerts.get(finding.key)
        decision = triggers.decide(finding=finding, current_state=current, alert_open=alert is not None)
        if not decision.anything:
            continue
        done.append(_act(finding, decision, alert, now))
        if decision.tighten:
            states[finding.scope] = (finding.action, finding.message)
    if done:
        logger.warning("risk monitor acted: %s", done)
    return done
