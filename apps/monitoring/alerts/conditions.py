"""Condition readers: one per rule type, each fetching its source values and judging them into a Reading.

The sources are other apps' selectors (exchange breakers and limiter, stream health, risk state, symbols,
orders, positions, audit events) and the monitoring app's own rolling windows, status components and audit
chain verifications. Imports are lazy: beat loads this module, and most readers touch one source only.
A reader raises when it cannot know (e.g. Redis down); the evaluator records that on the rule and leaves
the alert as it is.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apps.monitoring.alerts.domain import readings as judge

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.monitoring.alerts.domain.readings import Reading

    Reader = Callable[[dict[str, Any], datetime], Reading]


RECONCILE_ACTION_PREFIXES = ("orders.reconcile.", "positions.reconcile.")


# ---------------------------------------------------------------- boundaries other engineers own


def status_component(name: str) -> Any:
    """The system status component `name` (None when unknown)."""
    from apps.monitoring.status import component

    return component(name)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


# ---------------------------------------------------------------- readers


def read_error_rate(params: dict[str, Any], now: datetime) -> Reading:
    from apps.monitoring.rolling import rolling_window

    series = f"exchange:{params['market']}" if params["market"] else "exchange"
    stats = rolling_window(series, seconds=params["window_s"])
    return judge.judge_error_rate(
        series=series, count=stats.count, errors=stats.errors, rate_pct=stats.error_rate_pct, params=params
    )


def read_p95_latency(params: dict[str, Any], now: datetime) -> Reading:
    from apps.monitoring.rolling import rolling_window

    stats = rolling_window(params["series"], seconds=params["window_s"])
    return judge.judge_p95(series=params["series"], count=stats.count, p95_ms=stats.p95_ms, params=params)


def read_stream_stale(params: dict[str, Any], now: datetime) -> Reading:
    from apps.marketdata.health import stale_streams

    return judge.judge_stale_streams(stale=stale_streams(), params=params)


def read_user_stream_down(params: dict[str, Any], now: datetime) -> Reading:
    from apps.streams.domain.health import down_for_s
    from apps.streams.health import streams_status

    status = streams_status()
    streams = [
        {
            "name": s.name,
            "connected": s.connected,
            "down_for_s": down_for_s(s, status.now_ms),
            "last_error": s.last_error,
        }
        for s in status.streams
    ]
    return judge.judge_user_streams(running=status.running, streams=streams, params=params)


def read_rate_budget(params: dict[str, Any], now: datetime) -> Reading:
    from apps.exchange.selectors import limiter_usage

    pools = [
        {"market": p.market, "scope": p.scope, "pool": p.pool, "used": p.used, "limit": p.limit}
        for p in limiter_usage()
    ]
    return judge.judge_rate_budget(pools=pools, params=params)


def read_breaker_open(params: dict[str, Any], now: datetime) -> Reading:
    from apps.exchange.selectors import breaker_states

    breakers = [{"market": b.market, "group": b.group, "state": b.state} for b in breaker_states()]
    return judge.judge_breakers(breakers=breakers, params=params)


def _symbols_we_care_about() -> dict[tuple[str, str], set[str]]:
    from apps.config.domain.values import split_symbol_key
    from apps.config.models import UserPreference
    from apps.config.selectors import active_trading_config
    from apps.orders.domain.state import TERMINAL
    from apps.orders.models import Order
    from apps.positions.models import Position

    why: dict[tuple[str, str], set[str]] = {}
    orders = Order.objects.exclude(status__in=[s.value for s in TERMINAL]).values_list(
        "market", "symbol__symbol"
    )
    for key in orders.distinct():
        why.setdefault(key, set()).add("open orders")
    for symbol in Position.objects.exclude(quantity=0).values_list("symbol__symbol", flat=True).distinct():
        why.setdefault(("USDM", symbol), set()).add("open position")
    watched = list(active_trading_config().watch_symbols or [])
    for keys in UserPreference.objects.values_list("watched_symbols", flat=True):
        watched += keys if isinstance(keys, list) else []
    for raw in watched:
        parsed = split_symbol_key(raw) if isinstance(raw, str) else None
        if parsed is not None:
            why.setdefault(parsed, set()).add("watched")
    return why


def read_symbol_halted(params: dict[str, Any], now: datetime) -> Reading:
    from django.db.models import Q

    from apps.symbols.models import Symbol

    why = _symbols_we_care_about()
    halted: list[dict[str, Any]] = []
    if why:
        rows = Symbol.objects.filter(symbol__in={s for _, s in why}).filter(
            ~Q(status="TRADING") | Q(is_listed=False)
        )
        for row in rows.only("market", "symbol", "status", "is_listed"):
            reasons = why.get((row.market, row.symbol))
            if reasons:
                status = row.status if row.is_listed else f"{row.status} (delisted)"
                halted.append(
                    {"market": row.market, "symbol": row.symbol, "status": status, "why": sorted(reasons)}
                )
    return judge.judge_symbols(halted=halted)


def read_kill_switch(params: dict[str, Any], now: datetime) -> Reading:
    from apps.risk.domain.state import TradingStateValue
    from apps.risk.selectors import kill_switch_runs_running, trading_state_rows

    halted = [
        {"scope": scope.label, "reason": row.reason}
        for scope, row in sorted(trading_state_rows().items(), key=lambda item: item[0].label)
        if row.state == TradingStateValue.HALTED
    ]
    runs = [
        {"id": r.pk, "scope": r.scope, "reason": r.reason} for r in kill_switch_runs_running().order_by("id")
    ]
    return judge.judge_trading_state(halted_scopes=halted, running_runs=runs)


def read_reconciliation_drift(params: dict[str, Any], now: datetime) -> Reading:
    from django.db.models import Count, Q

    from apps.monitoring.models import AuditEvent

    actions = Q()
    for prefix in RECONCILE_ACTION_PREFIXES:
        actions |= Q(action__startswith=prefix)
    rows = (
        AuditEvent.objects.filter(actions, created_at__gt=now - timedelta(seconds=params["window_s"]))
        .filter(created_at__lte=now)
        .values("action")
        .annotate(n=Count("id"))
        .order_by()
    )
    return judge.judge_reconciliation(fixes={r["action"]: r["n"] for r in rows}, params=params)


def _component_reader(name: str) -> Reader:
    def read(params: dict[str, Any], now: datetime) -> Reading:
        found = status_component(name)
        if found is None:
            return judge.judge_component(name=name, state=None, message="", since=None)
        return judge.judge_component(
            name=name, state=found.state, message=found.message, since=_iso(found.since)
        )

    return read


def read_disk_space(params: dict[str, Any], now: datetime) -> Reading:
    from django.conf import settings

    path = params["path"] or str(settings.RUN_DIR)
    usage = shutil.disk_usage(path)
    return judge.judge_disk(path=path, total=usage.total, free=usage.free, params=params)


def read_database_errors(params: dict[str, Any], now: datetime) -> Reading:
    from django.db import DatabaseError, connection

    probe_error = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        probe_error = str(error)[:300] or type(error).__name__
    found = status_component("database")
    return judge.judge_database(
        state=found.state if found is not None else None,
        message=found.message if found is not None else "",
        probe_error=probe_error,
    )


def read_audit_chain(params: dict[str, Any], now: datetime) -> Reading:
    from apps.monitoring.selectors import audit_verification_latest

    row = audit_verification_latest()
    latest = (
        None
        if row is None
        else {
            "verified_at": _iso(row.verified_at),
            "ok": bool(row.ok),
            "events": row.events,
            "broken_at_id": row.broken_at_id,
            "message": row.message,
        }
    )
    return judge.judge_audit_chain(latest=latest)


READERS: dict[str, Reader] = {
    "error_rate": read_error_rate,
    "p95_latency": read_p95_latency,
    "stream_stale": read_stream_stale,
    "user_stream_down": read_user_stream_down,
    "rate_budget": read_rate_budget,
    "breaker_open": read_breaker_open,
    "symbol_halted": read_symbol_halted,
    "kill_switch_engaged": read_kill_switch,
    "reconciliation_drift": read_reconciliation_drift,
    "worker_missing": _component_reader("worker"),
    "beat_missing": _component_reader("beat"),
    "streams_missing": _component_reader("streams"),
    "disk_space": read_disk_space,
    "database_errors": read_database_errors,
    "audit_chain_broken": read_audit_chain,
}


def read_condition(rule_type: str, params: dict[str, Any], now: datetime) -> Reading:
    """Read the condition of one rule (params already validated and normalised)."""
    return READERS[rule_type](params, now)
