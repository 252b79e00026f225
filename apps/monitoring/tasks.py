"""Monitoring tasks: the Celery entry points of each concern, gathered where Celery autodiscovers them."""

from __future__ import annotations

from celery import shared_task

from apps.monitoring.alerts.tasks import evaluate_alert_rules
from apps.monitoring.audit_review.tasks import verify_audit_chain
from apps.monitoring.delivery.tasks import delivery_fanout_task, delivery_send_task, delivery_sweep_task
from apps.monitoring.status.tasks import heartbeat
from apps.monitoring.taskruns.tasks import taskruns_prune

__all__ = [
    "delivery_fanout_task",
    "delivery_send_task",
    "delivery_sweep_task",
    "echo",
    "evaluate_alert_rules",
    "heartbeat",
    "taskruns_prune",
    "verify_audit_chain",
]


@shared_task(name="monitoring.echo", ignore_result=False)
def echo(value: str) -> dict[str, str]:
    """Return what it was given along with the worker's name: proves the task path end to end."""
    return {"value": value, "worker": echo.request.hostname or ""}
