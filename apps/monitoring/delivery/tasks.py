"""Celery tasks of alert delivery: thin, id-based, idempotent; the work is in services.py."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from apps.monitoring.delivery import services


@shared_task(name="monitoring.delivery_fanout", ignore_result=True)
def delivery_fanout_task(alert_id: int, event: str, alert: dict[str, Any] | None, occurrence: str) -> int:
    """Record one delivery per interested channel for one alert event; returns how many to send."""
    return len(services.delivery_fanout(alert_id=alert_id, event=event, alert=alert, occurrence=occurrence))


# The time limits are far above one attempt (≤ 5 s per socket operation) and only stop a wedged worker.
@shared_task(name="monitoring.delivery_send", ignore_result=True, soft_time_limit=45, time_limit=55)
def delivery_send_task(delivery_id: int) -> str:
    """One attempt at one delivery; a row that is not due (sent, already claimed) is left alone."""
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "skipped"


@shared_task(name="monitoring.delivery_sweep", ignore_result=True)
def delivery_sweep_task() -> int:
    """Re-enqueue due deliveries whose scheduled task was lost (beat, every minute)."""
    return services.delivery_sweep()


__all__ = ["delivery_fanout_task", "delivery_send_task", "delivery_sweep_task"]
