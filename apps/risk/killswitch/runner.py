"""Working off a kill switch run: claim it, cancel, close, check, report. Resumable at every step.

Every exchange call inside runs under `kill_switch_calls()`: top priority in the shared rate limiter and
past an open circuit breaker (the way out must not queue behind market data).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from django.db.models import Q
from django.utils import timezone

from apps.exchange.domain.errors import ExchangeError
from apps.exchange.gateway import get_gateway
from apps.exchange.gateway.pipeline import kill_switch_calls
from apps.risk.conf import risk_settings
from apps.risk.domain.state import parse_scope
from apps.risk.killswitch.cancel import cancel_phase, exchange_open_orders, sync_phase
from apps.risk.killswitch.close import close_phase
from apps.risk.killswitch.steps import (
    RunContext,
    RunPending,
    run_claim,
    run_release,
    step_finish,
    step_get,
    step_start,
)
from apps.risk.models import KillSwitchRun, KillSwitchStep, RunStatus, StepStatus
from apps.risk.services import kill_switch_run_finish

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

# A run taken up this many times without finishing is closed with what it has (and says so).
MAX_ATTEMPTS: Final = 25
# A run no worker has taken up this long after being engaged is enqueued again by the watchdog.
UNCLAIMED_AFTER: Final = timedelta(seconds=10)


def _verify(ctx: RunContext) -> dict[str, Any]:
    """What is still open / held in scope, per the exchange, after the run's work."""
    step = step_get(ctx, "verify", "verify")
    if step.status == StepStatus.DONE:
        return dict(step.result)
    step_start(ctx, step)
    found = exchange_open_orders(ctx)
    left: dict[str, Any] = {"open_orders": {k: sorted(v) for k, v in found.items() if v}}
    if ctx.run.close_positions and "USDM" in ctx.scope.markets():
        positions = ctx.gateway.positions(ctx.scope.symbol or None)
        left["positions"] = [
            {"symbol": p.symbol, "position_side": p.position_side, "amount": str(p.amount)}
            for p in positions
            if p.amount != 0
        ]
    clean = not left["open_orders"] and not left.get("positions")
    step_finish(
        step, StepStatus.DONE if clean else StepStatus.FAILED, result=left, error="" if clean else "not flat"
    )
    return left


def build_report(
    run: KillSwitchRun, steps: Iterable[KillSwitchStep], remaining: dict[str, Any]
) -> dict[str, Any]:
    """The final report: what was canceled, closed, left as dust, and what failed and why."""
    canceled: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    dust: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for s in steps:
        if s.status == StepStatus.FAILED and s.kind != "verify":
            failed.append({"step": s.key, "reason": s.error})
        elif s.kind.startswith("cancel_") and s.status == StepStatus.DONE:
            orders = s.detail.get("orders", [])
            canceled.append({"kind": s.kind, "market": s.market, "symbol": s.symbol, "orders": orders})
        elif s.kind in ("close_futures", "sell_spot") and s.status == StepStatus.DONE:
            closed.append({"market": s.market, "symbol": s.symbol, **s.detail, **s.result})
        elif s.kind == "dust":
            dust.append({"symbol": s.symbol, **s.detail})
    for kind, symbols in remaining.get("open_orders", {}).items():
        failed.append(
            {"step": "verify", "reason": f"still open at the exchange ({kind}): {', '.join(symbols)}"}
        )
    for p in remaining.get("positions", []):
        failed.append(
            {
                "step": "verify",
                "reason": f"position not flat: {p['symbol']} {p['position_side']} {p['amount']}",
            }
        )
    summary = {
        "canceled_orders": sum(len(c["orders"]) for c in canceled),
        "canceled_symbols": len(canceled),
        "closed": len(closed),
        "dust": len(dust),
        "failed": len(failed),
        "attempts": run.attempts,
    }
    return {
        "summary": summary,
        "canceled": canceled,
        "closed": closed,
        "dust": dust,
        "failed": failed,
        "remaining": remaining,
    }


def kill_switch_execute(*, run_id: int, worker: str) -> str:
    """Work the run off from where its steps stand. "completed", or "busy" when another worker holds it
    (or it is finished). Raises RunPending and the gateway's temporary errors for the task to retry."""
    if not run_claim(run_id=run_id, worker=worker):
        return "busy"
    run = KillSwitchRun.objects.get(pk=run_id)
    ctx = RunContext(
        run=run, scope=parse_scope(run.scope), worker=worker, gateway=get_gateway(), settings=risk_settings()
    )
    try:
        with kill_switch_calls():
            cancel_phase(ctx)
            if run.close_positions:
                close_phase(ctx)
            sync_phase(ctx)
            remaining = _verify(ctx)
    except (RunPending, ExchangeError):
        run_release(run_id=run_id, worker=worker)
        raise
    run.refresh_from_db()
    kill_switch_run_finish(run=run, report=build_report(run, run.steps.order_by("id"), remaining))
    logger.warning("kill switch run %s (%s) completed: %s", run.pk, run.scope, run.report.get("summary"))
    return "completed"


def kill_switch_give_up(*, run: KillSwitchRun) -> None:
    """After MAX_ATTEMPTS: close the run with what was done, naming the steps that never finished."""
    steps = list(run.steps.order_by("id"))
    for s in steps:
        if s.status in (StepStatus.PENDING, StepStatus.STARTED):
            step_finish(s, StepStatus.FAILED, error=f"given up after {run.attempts} attempts")
    kill_switch_run_finish(run=run, report=build_report(run, run.steps.order_by("id"), {}))


def kill_switch_runs_stalled(*, now: Any = None) -> list[KillSwitchRun]:
    """Running runs no live worker holds: lease expired, or never taken up since engaged."""
    now = now or timezone.now()
    stalled = Q(lease_until__lt=now) | Q(lease_until__isnull=True, created_at__lt=now - UNCLAIMED_AFTER)
    return list(KillSwitchRun.objects.filter(Q(status=RunStatus.RUNNING) & stalled).order_by("id"))


def kill_switch_watchdog() -> list[int]:
    """Beat: enqueue every stalled run again (its lease decides who works on it); ids enqueued."""
    from apps.risk.tasks import kill_switch_run

    enqueued: list[int] = []
    for run in kill_switch_runs_stalled():
        if run.attempts >= MAX_ATTEMPTS:
            logger.error("kill switch run %s: giving up after %s attempts", run.pk, run.attempts)
            kill_switch_give_up(run=run)
            continue
        kill_switch_run.delay(run.pk)
        enqueued.append(run.pk)
    return enqueued
