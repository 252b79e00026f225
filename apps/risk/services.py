"""Writes of the risk app: set the trading state, engage and release the kill switch.

Who may do what (checked here, so the API and any other caller follow the same rule):
- setting a state: an admin may set any; a trader may only tighten a scope (ACTIVE → REDUCE_ONLY → HALTED);
- engaging the kill switch: a trader or an admin;
- releasing it (the scope back to ACTIVE): an admin, with a reason.
Every change is audited with before/after and published to `/ws/account/` after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.monitoring.services import audit_record
from apps.risk.broadcast import risk_publish, run_payload, state_payload
from apps.risk.domain.state import Scope, TradingStateValue, is_tightening, parse_scope
from apps.risk.models import KillSwitchRun, RunStatus, StateSource, TradingState
from apps.risk.selectors import kill_switch_run_covering, trading_state_of
from apps.users.roles import has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class RiskActionRefused(Exception):
    """The actor's role does not allow this change (HTTP 403)."""


class RiskActionInvalid(Exception):
    """The request cannot be carried out as asked (HTTP 400 / 409), e.g. no reason given."""


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise RiskActionInvalid("A reason is required.")
    return text[:500]


def check_trading_state_change(*, actor: AbstractBaseUser | None, scope: Scope, state: str) -> None:
    """Raise RiskActionRefused unless `actor` may move `scope` to `state` (None: the platform itself)."""
    if actor is None or has_role(actor, "admin"):
        return
    if not has_role(actor, "trader"):
        raise RiskActionRefused(
            "Changing the trading state needs the trader role (tighten) or admin (loosen)."
        )
    current = trading_state_of(scope)
    current_state = current.state if current is not None else TradingStateValue.ACTIVE
    if not is_tightening(current_state, state):
        raise RiskActionRefused(
            f"{scope.label} is {current_state}: only an admin may loosen it to {state}; "
            "a trader may only tighten."
        )


def do_trading_state_set(
    *,
    actor: AbstractBaseUser | None,
    scope: Scope,
    state: str,
    reason: str,
    source: str = StateSource.MANUAL,
    action: str = "risk.state.set",
) -> TradingState:
    """Record `state` as the current state of `scope` (a new history row), audited, published on commit.

    No permission check: callers run check_trading_state_change first (the API) or act for the platform.
    Runs in the caller's transaction when there is one.
    """
    state = TradingStateValue(state)
    with transaction.atomic():
        before = trading_state_of(scope)
        row = TradingState.objects.create(
            market=scope.market,
            symbol=scope.symbol,
            state=state,
            reason=_reason(reason),
            source=source,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        audit_record(
            actor=actor,
            action=action,
            target_type="trading_state",
            target_id=scope.label,
            before={"state": before.state, "reason": before.reason} if before else {"state": "ACTIVE"},
            after={"state": row.state, "reason": row.reason, "source": row.source},
        )
        risk_publish("state", state_payload(row))
    return row


def trading_state_set(
    *, actor: AbstractBaseUser | None, scope: str | Scope, state: str, reason: str
) -> TradingState:
    """The API's way in: check the role rule, then set. Raises RiskActionRefused / RiskActionInvalid."""
    target = parse_scope(scope) if isinstance(scope, str) else scope
    check_trading_state_change(actor=actor, scope=target, state=state)
    _reason(reason)
    return do_trading_state_set(actor=actor, scope=target, state=state, reason=reason)


# ---------------------------------------------------------------- kill switch


@dataclass(frozen=True, slots=True)
class Engagement:
    run: KillSwitchRun
    created: bool  # False: a run covering the scope was already running and is returned


def kill_switch_engage(
    *, actor: AbstractBaseUser | None, scope: str, close_positions: bool, reason: str
) -> Engagement:
    """HALT the scope at once (this transaction), record a run and start its task after commit.

    Idempotent: while a run covering the scope is running, engaging again returns that run (the state is
    still set to HALTED, which is a no-op when it already is).
    """
    from apps.risk.tasks import kill_switch_run

    if actor is not None and not has_role(actor, "trader"):
        raise RiskActionRefused("Engaging the kill switch needs the trader or admin role.")
    target = parse_scope(scope)
    text = _reason(reason)
    with transaction.atomic():
        current = trading_state_of(target)
        if current is None or current.state != TradingStateValue.HALTED:
            do_trading_state_set(
                actor=actor,
                scope=target,
                state=TradingStateValue.HALTED,
                reason=f"kill switch: {text}",
                source=StateSource.KILL_SWITCH,
                action="risk.kill_switch.halt",
            )
        running = kill_switch_run_covering(target)
        if running is not None:
            return Engagement(running, created=False)
        try:
            with transaction.atomic():
                run = KillSwitchRun.objects.create(
                    scope=target.label,
                    close_positions=close_positions,
                    reason=text,
                    engaged_by=actor if actor is not None and actor.is_authenticated else None,
                )
        except IntegrityError:  # a concurrent engage of the same scope won the insert
            raced = kill_switch_run_covering(target)
            if raced is None:
                raise
            return Engagement(raced, created=False)
        audit_record(
            actor=actor,
            action="risk.kill_switch.engage",
            target_type="kill_switch_run",
            target_id=str(run.pk),
            after={"scope": run.scope, "close_positions": close_positions, "reason": text},
        )
        risk_publish("kill_switch", run_payload(run, steps=False))
        run_id = run.pk
        transaction.on_commit(lambda: kill_switch_run.delay(run_id))
    return Engagement(run, created=True)


def kill_switch_release(*, actor: AbstractBaseUser | None, scope: str, reason: str) -> TradingState:
    """Admin only, with a reason: the scope goes back to ACTIVE (audited). Refused while a run is working
    on it: its cancels would meet the orders placed after the release."""
    if actor is not None and not has_role(actor, "admin"):
        raise RiskActionRefused("Releasing the kill switch needs the admin role.")
    target = parse_scope(scope)
    text = _reason(reason)
    running = kill_switch_run_covering(target)
    if running is not None:
        raise RiskActionInvalid(
            f"Kill switch run #{running.pk} is still working on {running.scope}; release it once done."
        )
    return do_trading_state_set(
        actor=actor,
        scope=target,
        state=TradingStateValue.ACTIVE,
        reason=f"kill switch released: {text}",
        source=StateSource.KILL_SWITCH,
        action="risk.kill_switch.release",
    )


def kill_switch_run_finish(*, run: KillSwitchRun, report: dict[str, object]) -> None:
    """Mark the run COMPLETED with its report (audited, published)."""
    now = timezone.now()
    with transaction.atomic():
        updated = KillSwitchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.COMPLETED, report=report, finished_at=now, updated_at=now, lease_until=None
        )
        if not updated:
            return
        run.refresh_from_db()
        audit_record(
            actor=None,
            action="risk.kill_switch.completed",
            target_type="kill_switch_run",
            target_id=str(run.pk),
            after={"scope": run.scope, "summary": report.get("summary")},
        )
        risk_publish("kill_switch", run_payload(run))
