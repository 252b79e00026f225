"""Monitoring tasks: the Celery entry points of each concern, gathered where Celery autodiscovers them."""

from __future__ import annotations

from celery import shared_task

from apps.monitoring.audit_review.tasks import verify_audit_chain
from apps.monitoring.status.tasks import heartbeat
from apps.monitoring.taskruns.tasks import taskruns_prune

__all__ = [
    "echo",
    "heartbeat",
    "taskruns_prune",
    "verify_audit_chain",
]


@shared_task(name="monitoring.echo", ignore_result=False)
def echo(value: str) -> dict[str, str]:
    """Return what it was given along with the worker's name: proves the task path end to end."""
    return {"value": value, "worker": echo.request.hostname or ""}
