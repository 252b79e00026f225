"""Reads of the risk app: current and effective trading states, kill switch runs, alerts, dead-man health."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Max

from apps.risk.domain.state import (
    EffectiveState,
    Holdings,
    Scope,
    TradingStateValue,
    effective_state,
    scopes_of,
)
from apps.risk.models import DeadmanHeartbeat, KillSwitchRun, RiskAlert, RunStatus, TradingState

if TYPE_CHECKING:
    from django.db.models import QuerySet


def trading_state_rows() -> dict[Scope, TradingState]:
    """The current row of every scope that was ever set (the newest row of each)."""
    latest = TradingState.objects.values("market", "symbol").annotate(last=Max("id")).values("last")
    rows = TradingState.objects.filter(pk__in=latest).select_related("actor")
    return {row.scope: row for row in rows}


def trading_state_of(scope: Scope) -> TradingState | None:
    """The current row of exactly this scope (None: never set, i.e. ACTIVE)."""
    return TradingState.objects.filter(market=scope.market, symbol=scope.symbol).order_by("-id").first()


def trading_state_value(scope: Scope) -> TradingStateValue:
    row = trading_state_of(scope)
    return TradingStateValue(row.state) if row is not None else TradingStateValue.ACTIVE


def trading_state_effective(*, market: str, symbol: str) -> EffectiveState:
    """The strictest state among everything, the market and the symbol (one query)."""
    scopes = scopes_of(market, symbol)
    latest = (
        TradingState.objects.filter(
            market__in={s.market for s in scopes}, symbol__in={s.symbol for s in scopes}
        )
        .values("market", "symbol")
        .annotate(last=Max("id"))
        .values("last")
    )
    current = {
        Scope(r.market, r.symbol): (r.state, r.reason)
        for r in TradingState.objects.filter(pk__in=latest).only("market", "symbol", "state", "reason")
    }
    return effective_state(current, market, symbol)


def trading_state_history(*, limit: int = 50) -> QuerySet[TradingState]:
    return TradingState.objects.select_related("actor").order_by("-id")[:limit]


def holdings_for(*, market: str, symbol: str) -> Holdings:
    """What an order on market/symbol could reduce, from stored rows (no exchange call: request path)."""
    from apps.positions.models import Balance, Position
    from apps.symbols.models import Symbol

    if market == "SPOT":
        base = (
            Symbol.objects.filter(market="SPOT", symbol=symbol).values_list("base_asset", flat=True).first()
        )
        row = Balance.objects.filter(market="SPOT", asset=base).first() if base else None
        return Holdings(spot_base=(row.free + row.locked) if row is not None else None)
    rows = Position.objects.filter(symbol__market="USDM", symbol__symbol=symbol).values_list(
        "position_side", "quantity"
    )
    return Holdings(futures=dict(rows))


# ---------------------------------------------------------------- kill switch


def kill_switch_run_list(*, limit: int = 20) -> QuerySet[KillSwitchRun]:
    return KillSwitchRun.objects.select_related("engaged_by").order_by("-id")[:limit]


def kill_switch_run_covering(scope: Scope) -> KillSwitchRun | None:
    """A running run whose scope covers `scope` (engaging again returns it)."""
    from apps.risk.domain.state import parse_scope

    for run in KillSwitchRun.objects.filter(status=RunStatus.RUNNING).order_by("id"):
        if parse_scope(run.scope).covers(scope):
            return run
    return None


def kill_switch_runs_running() -> QuerySet[KillSwitchRun]:
    return KillSwitchRun.objects.filter(status=RunStatus.RUNNING).order_by("id")


# ---------------------------------------------------------------- alerts and dead-man


def risk_alert_list(*, open_only: bool = False, limit: int = 100) -> QuerySet[RiskAlert]:
    rows = RiskAlert.objects.all()
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    return rows.order_by("-opened_at", "-id")[:limit]


def risk_alerts_open() -> dict[tuple[str, str], RiskAlert]:
    return {(a.trigger, a.scope): a for a in RiskAlert.objects.filter(resolved_at__isnull=True)}


def deadman_status() -> dict[str, Any]:
    row = DeadmanHeartbeat.objects.filter(pk=1).first()
    if row is None:
        return {
            "enabled": False,
            "countdown_ms": 0,
            "symbols": [],
            "last_run_at": None,
            "last_success_at": None,
            "last_error": "",
            "last_error_at": None,
        }
    return {
        "enabled": row.enabled,
        "countdown_ms": row.countdown_ms,
        "symbols": list(row.symbols),
        "exchange_symbols": list(row.exchange_symbols),
        "exchange_checked_at": row.exchange_checked_at,
        "last_run_at": row.last_run_at,
        "last_success_at": row.last_success_at,
        "last_error": row.last_error,
        "last_error_at": row.last_error_at,
    }
