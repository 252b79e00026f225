"""The alert as notifications carry it: the same JSON the alerts API returns, frozen at event time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

if TYPE_CHECKING:
    from apps.monitoring.models import Alert


class AlertJson(TypedDict):
    id: int
    rule: int | None
    rule_name: str | None
    rule_type: str | None
    key: str
    title: str
    message: str
    severity: str
    state: str
    opened_at: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    resolved_at: str | None
    last_value: Any
    labels: dict[str, Any]


class NotificationPayload(TypedDict):
    """What an in-app `alert` event carries, and the core of every other channel's message."""

    event: str
    alert: dict[str, Any]


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    # JSON values may hold Decimals or datetimes when written in-process: strings once, here.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _labelled_rule_type(labels: Any) -> str | None:
    # An ad-hoc alert names its kind in its labels (as the alerts API shows it).
    value = labels.get("rule_type") if isinstance(labels, dict) else None
    return str(value) if value is not None else None


def alert_json(alert: Alert) -> AlertJson:
    rule = alert.rule
    user = alert.acknowledged_by
    return AlertJson(
        id=alert.pk,
        rule=alert.rule_id,
        rule_name=rule.name if rule is not None else None,
        rule_type=rule.rule_type if rule is not None else _labelled_rule_type(alert.labels),
        key=alert.key,
        title=alert.title,
        message=alert.message,
        severity=alert.severity,
        state=alert.state,
        opened_at=iso(alert.opened_at),
        acknowledged_at=iso(alert.acknowledged_at),
        acknowledged_by=user.get_username() if user is not None else None,
        resolved_at=iso(alert.resolved_at),
        last_value=_plain(alert.last_value),
        labels=_plain(alert.labels or {}),
    )


def alerts_link(alert_id: int | None) -> str:
    """The dashboard's alert centre, pointed at one alert when there is one."""
    base = f"{settings.TRADER_PUBLIC_URL}/alerts"
    return f"{base}?alert={alert_id}" if alert_id else base


def sample_alert(*, severity: str) -> dict[str, Any]:
    """The stand-in alert of a channel test: clearly labelled, never confusable with a real one."""
    now = iso(datetime.now(tz=UTC))
    return {
        "id": 0,
        "rule": None,
        "rule_name": None,
        "rule_type": None,
        "key": "test",
        "title": "Test notification from Trader",
        "message": "This channel works: an administrator sent this test message.",
        "severity": severity,
        "state": "open",
        "opened_at": now,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "resolved_at": None,
        "last_value": None,
        "labels": {},
    }
