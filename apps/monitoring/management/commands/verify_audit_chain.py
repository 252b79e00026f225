"""Walk the audit trail's hash chain and report the first broken link (exit status 1 when broken)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.monitoring.models import AuditEvent
from apps.monitoring.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's SHA-256 hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = audit_chain_verify()
        if broken is not None:
            event = AuditEvent.objects.filter(pk=broken.event_id).values("action", "created_at").first()
            where = f" ({event['action']} at {event['created_at'].isoformat()})" if event else ""
            raise CommandError(f"Audit chain broken at event #{broken.event_id}{where}: {broken.reason}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
