"""AuditVerification: one walk of the audit trail's hash chain and what it found."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class VerificationTrigger(models.TextChoices):
    BEAT = "beat", "Daily beat job"
    ADMIN = "admin", "Admin (verify now)"
    COMMAND = "command", "Management command"


class AuditVerification(models.Model):
    """Rows are only added: the history of verifications is itself evidence that the chain was checked."""

    verified_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    events = models.PositiveIntegerField(help_text="Events walked")
    # A plain id, not a foreign key: the event it names is the one that may have been tampered with.
    broken_at_id = models.BigIntegerField(null=True, blank=True, help_text="First event whose link fails")
    message = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    triggered_by = models.CharField(max_length=10, choices=VerificationTrigger.choices)

    class Meta:
        ordering = ("-verified_at", "-id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(ok=True, broken_at_id__isnull=True) | models.Q(ok=False),
                name="auditverification_ok_has_no_break",
            ),
        ]

    def __str__(self) -> str:
        result = "intact" if self.ok else f"broken at #{self.broken_at_id}"
        return f"{self.verified_at:%Y-%m-%d %H:%M:%S} {result} ({self.events} events)"
