"""The 10 s heartbeat beat sends (migration 0006): its sending proves beat alive, its running a worker."""

from __future__ import annotations

from celery import shared_task

from apps.monitoring.status.infra import heartbeat_record


@shared_task(name="monitoring.heartbeat", ignore_result=True)
def heartbeat() -> None:
    heartbeat_record(worker=heartbeat.request.hostname or "")
