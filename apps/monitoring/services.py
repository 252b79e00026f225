"""Writes of the monitoring app: recording audit events on the hash chain."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from apps.common.request_context import current_request_id
from apps.monitoring.domain.audit_chain import GENESIS, chain_hash
from apps.monitoring.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Any fixed 64-bit number; it names the advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x7472616465720001


def _jsonable(value: Any) -> Any:
    # Store exactly what was hashed: Decimals and datetimes become strings once, here.
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _lock_chain() -> None:
    # Two concurrent writers must not both link to the same previous event. PostgreSQL: a transaction
    # advisory lock; SQLite runs IMMEDIATE transactions, which already admit a single writer.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target_type: str = "",
    target_id: str = "",
    before: Any = None,
    after: Any = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, linked to the previous one by its hash.

    Runs in the caller's transaction when there is one, so the event commits or rolls back with the
    change it describes.
    """
    user = actor if actor is not None and actor.is_authenticated else None
    label = actor_label or (user.get_username() if user is not None else "system")
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor=user,
            actor_label=label[:150],
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=_jsonable(before),
            after=_jsonable(after),
            request_id=current_request_id() if current_request_id() != "-" else "",
            prev_hash=last or GENESIS,
        )
        event.hash = chain_hash(event.prev_hash, event.chain_content())
        event.save()
    return event
