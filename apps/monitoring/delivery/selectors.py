"""Reads of alert delivery: channels, their decrypted secret (for senders only), deliveries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.exchange.crypto import keyring
from apps.monitoring.models import Delivery, NotificationChannel

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.exchange.domain.secrets import Secret


def channel_list() -> QuerySet[NotificationChannel]:
    return NotificationChannel.objects.order_by("name")


def channel_secret(channel: NotificationChannel) -> Secret | None:
    """The channel's secret, decrypted; raises ConfigurationError when the master key cannot open it."""
    if not channel.secret_encrypted:
        return None
    return keyring().decrypt(channel.secret_encrypted, aad=channel.aad())


def delivery_list(
    *, alert: int | None = None, channel: int | None = None, status: str | None = None
) -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("channel").order_by("-id")
    if alert is not None:
        rows = rows.filter(alert_id=alert)
    if channel is not None:
        rows = rows.filter(channel_id=channel)
    if status:
        rows = rows.filter(status=status)
    return rows
