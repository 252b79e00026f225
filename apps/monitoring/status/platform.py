"""Probes of the platform's own machinery: user streams, market-data streams and the trading state."""

from __future__ import annotations

from typing import Any

from apps.monitoring.status.base import ComponentDown, Probe


def probe_streams() -> Probe:
    """User data streams as the streams process last published them (apps/streams/health.py)."""
    from apps.streams.conf import streams_config
    from apps.streams.health import streams_status

    config = streams_config()
    status = streams_status()
    detail = status.as_dict(down_after_s=config.down_after_s)
    if not status.running:
        message = "no streams process is reporting (manage.py run_streams)"
        if config.required:
            raise ComponentDown(message, detail)
        return Probe("degraded", message, detail)
    problems = status.problems(down_after_s=config.down_after_s)
    if problems:
        raise ComponentDown("; ".join(problems), detail)
    # Down, but not yet for long: reconnecting is normal for a few seconds, so only a warning.
    reconnecting = [s.name for s in status.streams if not s.connected]
    if reconnecting:
        return Probe("degraded", "reconnecting: " + ", ".join(reconnecting), detail)
    if not status.streams:
        return Probe("degraded", "the streams process runs no user stream", detail)
    return Probe("ok", f"{len(status.streams)} connected", detail)


def probe_market_data() -> Probe:
    """Market-data streams: stale ones are a warning; a stale one an open position needs, past
    TRADER_MARKETDATA_STALE_READY_S, makes the component down (the /readyz "market_data" rule)."""
    from apps.marketdata import health as md

    running, streams = md.read_snapshot()
    stale = sorted(name for name, h in streams.items() if h.stale)
    detail: dict[str, Any] = {"running": running, "streams": len(streams), "stale": stale}
    if not running:
        return Probe("degraded", "no market-data process is reporting", detail)
    md.check_market_data((running, streams))  # raises when a stream an open position needs is stale too long
    if stale:
        message = f"{len(stale)} of {len(streams)} streams stale: " + ", ".join(stale[:5])
        return Probe("degraded", message, detail)
    return Probe("ok", f"{len(streams)} streams live", detail)


def probe_trading_state() -> Probe:
    """ACTIVE is ok, REDUCE_ONLY anywhere is degraded, HALTED of everything or a market, or a running kill
    switch, is down. A symbol halted alone is degraded: the rest of the platform still trades."""
    from apps.risk.domain.state import GLOBAL, TradingStateValue
    from apps.risk.selectors import kill_switch_runs_running, trading_state_rows

    rows = trading_state_rows()
    restricted = [row for row in rows.values() if row.state != TradingStateValue.ACTIVE]
    runs = list(kill_switch_runs_running())
    global_row = rows.get(GLOBAL)
    detail: dict[str, Any] = {
        "state": global_row.state if global_row else TradingStateValue.ACTIVE.value,
        "reason": global_row.reason if global_row else "",
        "kill_switch": {
            "engaged": bool(runs),
            "runs": [{"id": r.pk, "scope": r.scope, "reason": r.reason} for r in runs],
        },
        "scopes": [
            {"scope": row.scope.label, "state": row.state, "reason": row.reason}
            for row in sorted(restricted, key=lambda r: r.scope.label)
        ],
    }
    halted = [r for r in restricted if r.state == TradingStateValue.HALTED and r.scope.level != "symbol"]
    if runs:
        raise ComponentDown("kill switch engaged: " + ", ".join(r.scope for r in runs), detail)
    if halted:
        raise ComponentDown("halted: " + "; ".join(f"{r.scope.label} ({r.reason})" for r in halted), detail)
    if restricted:
        return Probe(
            "degraded", "restricted: " + "; ".join(f"{r.scope.label} {r.state}" for r in restricted), detail
        )
    return Probe("ok", "ACTIVE", detail)
