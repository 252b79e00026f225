"""Celery tasks of alerting (thin: the work is in evaluation.py)."""

from __future__ import annotations

from celery import shared_task

from apps.monitoring.alerts.evaluation import evaluate_rules


@shared_task(name="monitoring.evaluate_alert_rules", ignore_result=True)
def evaluate_alert_rules() -> dict[str, int]:
    """Run by beat every 15 s: evaluate every enabled rule once. Returns the count of each outcome."""
    counts: dict[str, int] = {}
    for outcome in evaluate_rules():
        counts[outcome.action] = counts.get(outcome.action, 0) + 1
    return counts
