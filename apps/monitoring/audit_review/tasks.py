"""The daily audit chain verification (beat, migration 0006) and "verify now" from the admin."""

from __future__ import annotations

from celery import shared_task

from apps.monitoring.audit_review.services import audit_verification_run


@shared_task(name="monitoring.verify_audit_chain", ignore_result=True)
def verify_audit_chain(triggered_by: str = "beat") -> int:
    """Returns the id of the recorded verification."""
    return audit_verification_run(triggered_by=triggered_by).pk
