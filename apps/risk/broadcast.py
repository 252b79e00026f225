"""Risk events to `/ws/account/`: trading state changes, kill switch progress, alerts.

Kind "risk", with `"event": "risk.<what>"` in the payload. Always after commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.realtime.publish import publish_on_commit

if TYPE_CHECKING:
    from apps.risk.models import KillSwitchRun, RiskAlert, TradingState

KIND = "risk"


def risk_publish(event: str, payload: dict[str, Any]) -> None:
    publish_on_commit(KIND, {"event": f"risk.{event}", **payload})


def state_payload(row: TradingState) -> dict[str, Any]:
    return {
        "scope": row.scope.label,
        "state": row.state,
        "reason": row.reason,
        "source": row.source,
        "at": row.created_at,
    }


def run_payload(run: KillSwitchRun, *, steps: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": run.pk,
        "scope": run.scope,
        "status": run.status,
        "close_positions": run.close_positions,
        "reason": run.reason,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "report": run.report,
    }
    if steps:
        body["steps"] = [
            {
                "key": s.key,
                "kind": s.kind,
                "status": s.status,
                "detail": s.detail,
                "result": s.result,
                "error": s.error,
            }
            for s in run.steps.order_by("id")
        ]
    return body


def alert_payload(alert: RiskAlert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "trigger": alert.trigger,
        "scope": alert.scope,
        "severity": alert.severity,
        "action": alert.action,
        "message": alert.message,
        "values": alert.values,
        "opened_at": alert.opened_at,
        "resolved_at": alert.resolved_at,
    }
