"""Walk the audit trail's hash chain, record the result, and report the first broken link (exit status 1
when broken)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.monitoring.audit_review.services import audit_verification_run
from apps.monitoring.models import VerificationTrigger


class Command(BaseCommand):
    help = "Verify the audit trail's SHA-256 hash chain, record the result and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        verification = audit_verification_run(triggered_by=VerificationTrigger.COMMAND)
        if not verification.ok:
            raise CommandError(verification.message)
        self.stdout.write(self.style.SUCCESS(verification.message))
