"""Monitoring tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="monitoring.echo", ignore_result=False)
def echo(value: str) -> dict[str, str]:
    """Return what it was given along with the worker's name: proves the task path end to end."""
    return {"value": value, "worker": echo.request.hostname or ""}
