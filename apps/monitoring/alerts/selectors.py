"""Reads of alerting: alert lists and counts for the API, the dashboard and the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count

from apps.monitoring.models import Alert, AlertEvent, AlertRule
from apps.monitoring.models.alerts import ACTIVE_STATES, AlertState, Severity

if TYPE_CHECKING:
    from django.db.models import QuerySet

STATE_FILTERS = ("open", "acknowledged", "resolved", "active")


def alert_list(*, state: str = "", severity: str = "", rule_type: str = "") -> QuerySet[Alert]:
    """Newest first. `state` "active" is open + acknowledged; empty filters select everything."""
    alerts = Alert.objects.select_related("rule", "acknowledged_by", "resolved_by").order_by(
        "-opened_at", "-id"
    )
    if state == "active":
        alerts = alerts.filter(state__in=ACTIVE_STATES)
    elif state:
        alerts = alerts.filter(state=state)
    if severity:
        alerts = alerts.filter(severity=severity)
    if rule_type:
        alerts = alerts.filter(rule__rule_type=rule_type)
    return alerts


def alert_get(alert_id: int) -> Alert:
    return Alert.objects.select_related("rule", "acknowledged_by", "resolved_by").get(pk=alert_id)


def alert_history(alert: Alert) -> QuerySet[AlertEvent]:
    return alert.events.select_related("actor").order_by("at", "id")


def alert_summary() -> dict[str, object]:
    """Counts of the active alerts: by state, and by severity."""
    rows = (
        Alert.objects.filter(state__in=ACTIVE_STATES)
        .values("state", "severity")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_state = {AlertState.OPEN.value: 0, AlertState.ACKNOWLEDGED.value: 0}
    by_severity = {Severity.CRITICAL.value: 0, Severity.WARNING.value: 0, Severity.INFO.value: 0}
    for row in rows:
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
        by_severity[row["severity"]] = by_severity.get(row["severity"], 0) + row["n"]
    return {"open": by_state["open"], "acknowledged": by_state["acknowledged"], "by_severity": by_severity}


def rule_list() -> QuerySet[AlertRule]:
    return AlertRule.objects.order_by("id")
