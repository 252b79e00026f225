"""Walk the audit chain, record what was found, and open an alert at once when it is broken."""

from __future__ import annotations

import logging
import time

from django.db import transaction

from apps.monitoring.models import AuditEvent, AuditVerification, VerificationTrigger
from apps.monitoring.selectors import audit_chain_verify

logger = logging.getLogger(__name__)

ALERT_KEY = "audit_chain"


def audit_verification_run(*, triggered_by: str) -> AuditVerification:
    """Verify the whole chain (a read that can take a while: no transaction is held around it), then
    record the result. A break also raises the "audit_chain" alert; the alert rule audit_chain_broken
    reads the same record, so the alert is not lost if raising it here fails."""
    if triggered_by not in VerificationTrigger.values:
        raise ValueError(f"triggered_by must be one of {', '.join(VerificationTrigger.values)}")
    started = time.perf_counter()
    count, broken = audit_chain_verify()
    duration_ms = int((time.perf_counter() - started) * 1000)
    if broken is None:
        message = f"Audit chain intact: {count} events verified."
    else:
        event = AuditEvent.objects.filter(pk=broken.event_id).values("action", "created_at").first()
        where = f" ({event['action']} at {event['created_at'].isoformat()})" if event else ""
        message = f"Audit chain broken at event #{broken.event_id}{where}: {broken.reason}"
    verification = AuditVerification.objects.create(
        ok=broken is None,
        events=count,
        broken_at_id=broken.event_id if broken else None,
        message=message[:500],
        duration_ms=duration_ms,
        triggered_by=triggered_by,
    )
    if broken is not None:
        logger.error("audit chain verification failed: %s", message)
        transaction.on_commit(lambda: _raise_alert(verification))
    return verification


def _raise_alert(verification: AuditVerification) -> None:
    try:
        from apps.monitoring.alerts.services import alert_raise
    except ImportError:  # the alerting app is optional here; its rule still reads the record
        return
    try:
        alert_raise(
            key=ALERT_KEY,
            title="Audit chain broken",
            message=verification.message,
            severity="critical",
            labels={"broken_at_id": verification.broken_at_id, "verification_id": verification.pk},
        )
    except Exception:
        logger.exception("could not raise the audit chain alert")
