"""Reads of the monitoring app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.monitoring.domain.audit_chain import ChainBreak, ChainLink, first_break
from apps.monitoring.models import AuditEvent

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import QuerySet

    from apps.exchange.models import ApiCallLog
    from apps.monitoring.models import AuditVerification


def audit_chain_links(*, chunk_size: int = 2000) -> Iterator[ChainLink]:
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        yield ChainLink(
            event_id=event.pk, prev_hash=event.prev_hash, hash=event.hash, content=event.chain_content()
        )


def audit_chain_verify() -> tuple[int, ChainBreak | None]:
    """Count the events and find the first broken link (None when the chain holds)."""
    count = 0

    def counted() -> Iterator[ChainLink]:
        nonlocal count
        for link in audit_chain_links():
            count += 1
            yield link

    broken = first_break(counted())
    return count, broken


def audit_verification_latest() -> AuditVerification | None:
    """The most recent walk of the audit chain (None: never verified)."""
    from apps.monitoring.models import AuditVerification

    return AuditVerification.objects.order_by("-verified_at", "-id").first()


def exchange_errors_recent(*, limit: int = 50) -> QuerySet[ApiCallLog]:
    """The latest failed exchange calls (the call log keeps every failure, a sample of successes)."""
    from apps.exchange.models import ApiCallLog

    return ApiCallLog.objects.exclude(outcome="ok").order_by("-created_at", "-id")[:limit]
