"""The bookkeeping of a kill switch run: the worker's lease on it, and its steps before/after each call.

A step is written PENDING when planned, STARTED (committed) before its exchange call and DONE/FAILED/
SKIPPED after it, so a worker that dies mid-run leaves an exact record: finished steps are skipped on
resume, a STARTED one is resolved against the exchange before anything is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.risk.broadcast import risk_publish
from apps.risk.models import KillSwitchRun, KillSwitchStep, RunStatus, StepStatus

if TYPE_CHECKING:
    from apps.exchange.gateway.base import ExchangeGateway
    from apps.risk.conf import RiskSettings
    from apps.risk.domain.state import Scope

FINISHED: Final = (StepStatus.DONE, StepStatus.FAILED, StepStatus.SKIPPED)


def lease_seconds() -> float:
    """How long a worker holds a run between two renewals (one renewal per step). Longer than one exchange
    call's deadline, so a live worker never loses its run to the watchdog."""
    return float(getattr(settings, "TRADER_RISK_KILL_SWITCH_LEASE_S", 30))


class RunBusy(Exception):
    """Another worker holds the run's lease (or the run is no longer running)."""


class RunPending(Exception):
    """A step waits for the exchange to tell what became of a call; retry the run shortly."""


@dataclass
class RunContext:
    run: KillSwitchRun
    scope: Scope
    worker: str
    gateway: ExchangeGateway
    settings: RiskSettings
    log: list[str] = field(default_factory=list)


def run_claim(*, run_id: int, worker: str) -> bool:
    """Take the run's lease: free, expired, or already ours. Exactly one worker wins (conditional update)."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=worker)
    return bool(
        KillSwitchRun.objects.filter(Q(pk=run_id, status=RunStatus.RUNNING) & free).update(
            lease_owner=worker,
            lease_until=now + timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )


def run_release(*, run_id: int, worker: str) -> None:
    """Give the lease back (the task retries later, maybe on another worker, which may take it at once)."""
    KillSwitchRun.objects.filter(pk=run_id, lease_owner=worker).update(lease_until=timezone.now())


def run_renew(ctx: RunContext) -> None:
    """Extend our lease before the next exchange call; RunBusy when it is no longer ours."""
    now = timezone.now()
    updated = KillSwitchRun.objects.filter(
        pk=ctx.run.pk, status=RunStatus.RUNNING, lease_owner=ctx.worker
    ).update(lease_until=now + timedelta(seconds=lease_seconds()), updated_at=now)
    if not updated:
        raise RunBusy(f"kill switch run {ctx.run.pk} is no longer held by {ctx.worker}")


def step_get(
    ctx: RunContext,
    key: str,
    kind: str,
    *,
    market: str = "",
    symbol: str = "",
    detail: dict[str, Any] | None = None,
) -> KillSwitchStep:
    step, _ = KillSwitchStep.objects.get_or_create(
        run=ctx.run,
        key=key,
        defaults={"kind": kind, "market": market, "symbol": symbol, "detail": detail or {}},
    )
    return step


def step_plan(ctx: RunContext, rows: list[dict[str, Any]]) -> None:
    """Create planned steps (PENDING, or SKIPPED with a note); existing keys are left as they are."""
    for row in rows:
        KillSwitchStep.objects.get_or_create(
            run=ctx.run, key=row["key"], defaults={k: v for k, v in row.items() if k != "key"}
        )


def _publish(step: KillSwitchStep) -> None:
    risk_publish(
        "kill_switch_step",
        {
            "run": step.run_id,
            "key": step.key,
            "kind": step.kind,
            "status": step.status,
            "result": step.result,
            "error": step.error,
        },
    )


def step_start(ctx: RunContext, step: KillSwitchStep, **changes: Any) -> KillSwitchStep:
    """Renew the lease and record the step STARTED (committed before the exchange call that follows)."""
    run_renew(ctx)
    with transaction.atomic():
        step.status = StepStatus.STARTED
        step.attempts += 1
        step.started_at = timezone.now()
        for name, value in changes.items():
            setattr(step, name, value)
        step.save()
        _publish(step)
    return step


def step_finish(
    step: KillSwitchStep, status: str, *, result: dict[str, Any] | None = None, error: str = ""
) -> KillSwitchStep:
    with transaction.atomic():
        step.status = status
        step.result = result if result is not None else step.result
        step.error = error[:500]
        step.finished_at = timezone.now()
        step.save(update_fields=["status", "result", "error", "finished_at"])
        _publish(step)
    return step


def steps_of(ctx: RunContext, prefix: str) -> list[KillSwitchStep]:
    return list(ctx.run.steps.filter(key__startswith=prefix).select_related("order").order_by("id"))
