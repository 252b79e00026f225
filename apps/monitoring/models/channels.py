"""Where alerts are sent (notification channels) and what happened to each message (deliveries).

A channel's secret (the webhook signing secret or the Telegram bot token) is stored only encrypted under
the platform's master key (apps/exchange/crypto.py), bound to the row by its AAD; `secret_hint` keeps its
last 4 characters so people can tell secrets apart. Nothing renders the secret back: not the API, not the
admin, not the audit trail.

A delivery is one message to one channel for one alert event. It is written before anything is sent
(intent, then network) and is the outbox the sender works from: `pending` and `retrying` rows whose
`next_attempt_at` has passed are due; `lease_until` keeps two workers from sending the same row at once.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models


class ChannelKind(models.TextChoices):
    INAPP = "inapp", "In-app (dashboard)"
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook (signed JSON POST)"
    TELEGRAM = "telegram", "Telegram bot"


class ChannelSeverity(models.TextChoices):
    INFO = "info", "Info and above"
    WARNING = "warning", "Warning and above"
    CRITICAL = "critical", "Critical only"


class DeliveryEvent(models.TextChoices):
    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    REMINDER = "reminder", "Reminder"
    TEST = "test", "Test message"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


def default_events() -> list[str]:
    return ["opened", "acknowledged", "resolved", "reminder"]


class NotificationChannel(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    enabled = models.BooleanField(default=True)
    min_severity = models.CharField(
        max_length=16, choices=ChannelSeverity.choices, default=ChannelSeverity.WARNING
    )
    events = models.JSONField(default=default_events, blank=True)
    config = models.JSONField(default=dict, blank=True)
    secret_encrypted = models.TextField(blank=True, default="", editable=False)
    secret_hint = models.CharField(max_length=8, blank=True, default="", editable=False)
    # Id of the master key that sealed the secret; a rotation re-encrypts rows whose id is not current.
    master_key_id = models.CharField(max_length=16, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["inapp", "email", "webhook", "telegram"]),
                name="monitoring_channel_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(min_severity__in=["info", "warning", "critical"]),
                name="monitoring_channel_severity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    def aad(self) -> str:
        # Binds the ciphertext to this row: a secret copied onto another channel fails to decrypt.
        return f"notificationchannel:{self.uid}:secret"

    def clean(self) -> None:
        from apps.monitoring.delivery.domain.config import flat_errors, validate_channel

        result = validate_channel(
            kind=self.kind,
            min_severity=self.min_severity,
            events=self.events,
            config=self.config,
            has_secret=None,  # the secret arrives through the services, which check it
        )
        if result.errors:
            raise ValidationError(flat_errors(result.errors))
        self.config = result.config
        self.events = result.events


class Delivery(models.Model):
    alert = models.ForeignKey(
        "monitoring.Alert", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(NotificationChannel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=16, choices=DeliveryEvent.choices)
    # One notification of one alert event, shared by its deliveries: a redelivered fan-out task finds
    # the rows it already made instead of making a second set.
    occurrence = models.UUIDField(default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=6)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, default="")
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # What was sent (redacted): the alert as it was when the event happened, not as it is now.
    payload = models.JSONField(default=dict, blank=True)
    # One entry per attempt: {"at", "outcome", "code", "error", "retry_in_s"}.
    attempt_log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=("occurrence", "channel"), name="monitoring_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "retrying", "failed"]),
                name="monitoring_delivery_status_valid",
            ),
        ]
        indexes = [
            # The outbox: only unfinished rows, which stay few.
            models.Index(
                fields=("next_attempt_at",),
                condition=models.Q(status__in=["pending", "retrying"]),
                name="monitoring_delivery_due",
            ),
            models.Index(fields=("status", "-id"), name="monitoring_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} {self.event} → {self.channel_id} {self.status}"
