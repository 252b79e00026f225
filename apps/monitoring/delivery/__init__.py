"""Alert delivery to notification channels: in-app, email, signed webhooks, Telegram.

`notify_alert` is the entry point for the alert lifecycle (apps.monitoring.alerts): it is cheap, runs in
the caller's transaction and never raises, so a notification problem can never undo an alert transition.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def notify_alert(alert_id: int, event: str) -> None:
    """Deliver `event` ("opened", "acknowledged", "resolved", "reminder") of an alert to every enabled
    channel whose minimum severity it meets, once the current transaction commits. Never raises."""
    try:
        from apps.monitoring.delivery.services import delivery_notify

        delivery_notify(alert_id=alert_id, event=event)
    except Exception:  # by contract: the alert transition must stand whatever happens here
        logger.exception("alert %s %s: notification could not be scheduled", alert_id, event)


__all__ = ["notify_alert"]
