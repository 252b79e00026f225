"""Reads of the monitoring app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.monitoring.domain.audit_chain import ChainBreak, ChainLink, first_break
from apps.monitoring.models import AuditEvent

if TYPE_CHECKING:
    from collections.abc import Iterator


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
