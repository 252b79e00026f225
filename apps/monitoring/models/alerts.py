"""Alert rules (what to watch), alerts (what fired) and their event history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RuleType(models.TextChoices):
    ERROR_RATE = "error_rate", "Exchange error rate over N %"
    P95_LATENCY = "p95_latency", "p95 latency over X ms"
    STREAM_STALE = "stream_stale", "Market data stream stale"
    USER_STREAM_DOWN = "user_stream_down", "User data stream down"
    RATE_BUDGET = "rate_budget", "Rate budget over N %"
    BREAKER_OPEN = "breaker_open", "Circuit breaker open"
    SYMBOL_HALTED = "symbol_halted", "Symbol halted"
    KILL_SWITCH_ENGAGED = "kill_switch_engaged", "Kill switch engaged / trading halted"
    RECONCILIATION_DRIFT = "reconciliation_drift", "Reconciliation drift"
    WORKER_MISSING = "worker_missing", "Worker missing"
    BEAT_MISSING = "beat_missing", "Beat missing"
    STREAMS_MISSING = "streams_missing", "Streams process missing"
    DISK_SPACE = "disk_space", "Disk space low"
    DATABASE_ERRORS = "database_errors", "Database errors"
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", "Audit chain broken"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


ACTIVE_STATES = (AlertState.OPEN.value, AlertState.ACKNOWLEDGED.value)


class AlertEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    VALUE_CHANGED = "value_changed", "Value changed"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    REOPEN_SUPPRESSED = "reopen_suppressed", "Reopen suppressed by cooldown"
    REMINDED = "reminded", "Reminder sent"


class AlertRule(models.Model):
    name = models.CharField(max_length=120, unique=True)
    rule_type = models.CharField(max_length=32, choices=RuleType.choices)
    params = models.JSONField(default=dict, blank=True, help_text="Per rule type; validated on save")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    for_duration_s = models.PositiveIntegerField(
        default=0, help_text="The condition must hold continuously this long before the alert opens"
    )
    cooldown_s = models.PositiveIntegerField(
        default=300, help_text="After a resolve, the same alert does not reopen within this time"
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Evaluation state, written by the evaluator only.
    pending_since = models.DateTimeField(null=True, blank=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    last_value = models.JSONField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ("id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(severity__in=[s.value for s in Severity]), name="alertrule_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(rule_type__in=[t.value for t in RuleType]), name="alertrule_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alert_key(self) -> str:
        return f"{self.rule_type}:{self.pk}"


class Alert(models.Model):
    rule = models.ForeignKey(
        AlertRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    key = models.CharField(max_length=200, db_index=True, help_text="Dedupe key: one active alert per key")
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    state = models.CharField(max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_value = models.JSONField(null=True, blank=True)
    labels = models.JSONField(default=dict, blank=True)
    # Last time a notification went out for it: reminders are spaced by the rule's cooldown.
    last_notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(state__in=list(ACTIVE_STATES)), name="alert_one_active_per_key"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in AlertState]), name="alert_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=[s.value for s in Severity]), name="alert_severity_valid"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state", "severity"], name="alert_state_severity"),
            models.Index(fields=["key", "-resolved_at"], name="alert_key_resolved"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} [{self.severity}] {self.title} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class AlertEvent(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=20, choices=AlertEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    value = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.event} of alert #{self.alert_id} at {self.at:%Y-%m-%d %H:%M:%S}"
