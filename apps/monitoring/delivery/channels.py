"""Writes of notification channels: create, change, delete, re-encrypt; validated, encrypted, audited.

The secret travels as a plain string only from the request to `keyring().encrypt`; the row, the audit
event and every answer carry at most whether there is one (`has_secret`) and, on the row, its last 4
characters (`secret_hint`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from apps.exchange.crypto import keyring
from apps.exchange.domain.secrets import Secret
from apps.monitoring.delivery.domain.config import KINDS_WITH_SECRET, validate_channel, validate_secret
from apps.monitoring.models import NotificationChannel
from apps.monitoring.services import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Actor = AbstractBaseUser | AnonymousUser | None

FIELDS = ("name", "kind", "enabled", "min_severity", "events", "config")
TARGET = "monitoring.NotificationChannel"


class ChannelInvalid(Exception):
    """Field-level reasons a channel change was refused, nested like DRF's (`{"config": {"url": [...]}}`)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("notification channel refused")
        self.errors = errors


def nest(errors: dict[str, list[str]]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, messages in errors.items():
        head, _, rest = path.partition(".")
        if rest:
            inner = nested.setdefault(head, {})
            if isinstance(inner, dict):
                inner.setdefault(rest, []).extend(messages)
            else:
                inner.extend(messages)
        else:
            existing = nested.get(head)
            if isinstance(existing, dict):
                existing.setdefault("non_field_errors", []).extend(messages)
            else:
                nested.setdefault(head, []).extend(messages)
    return nested


def channel_snapshot(channel: NotificationChannel) -> dict[str, Any]:
    """What the audit trail records of a channel: everything but the secret (not even its hint)."""
    return {
        "id": channel.pk,
        "name": channel.name,
        "kind": channel.kind,
        "enabled": channel.enabled,
        "min_severity": channel.min_severity,
        "events": list(channel.events or []),
        "config": dict(channel.config or {}),
        "has_secret": channel.has_secret,
    }


def _seal(channel: NotificationChannel, secret: str | None) -> None:
    if not secret:
        channel.secret_encrypted = channel.secret_hint = channel.master_key_id = ""
        return
    ring = keyring()
    value = Secret(secret)
    channel.secret_encrypted = ring.encrypt(value, aad=channel.aad())
    channel.secret_hint = value.hint
    channel.master_key_id = ring.current.key_id


def _apply(
    channel: NotificationChannel, data: dict[str, Any], secret: str | None
) -> tuple[dict[str, list[str]], str | None]:
    """Set `data` on the row and check it; returns (errors, secret to seal: None keeps, "" clears)."""
    old_kind = channel.kind if channel.pk else None
    for name in FIELDS:
        if name in data:
            setattr(channel, name, data[name])
    errors: dict[str, list[str]] = {}
    kind_changed = old_kind is not None and old_kind != channel.kind
    if secret is None and (kind_changed or channel.kind not in KINDS_WITH_SECRET):
        # A webhook secret is no bot token: a new kind starts without the old kind's secret.
        secret = "" if channel.has_secret else None
    if secret:
        problem = validate_secret(channel.kind, secret)
        if problem:
            errors["secret"] = [problem]
    has_secret = bool(secret) if secret is not None else channel.has_secret
    result = validate_channel(
        kind=channel.kind,
        min_severity=channel.min_severity,
        events=channel.events,
        config=channel.config,
        has_secret=has_secret,
    )
    for path, messages in result.errors.items():
        if path == "secret" and "secret" in errors:
            continue  # the format message already says what is wrong with the secret given
        errors.setdefault(path, []).extend(messages)
    name = str(channel.name or "").strip()
    if not name:
        errors.setdefault("name", []).append("Give the channel a name.")
    elif NotificationChannel.objects.filter(name=name).exclude(pk=channel.pk).exists():
        errors.setdefault("name", []).append("Another channel already has this name.")
    channel.name = name
    channel.config, channel.events = result.config, result.events
    return errors, secret


def channel_create(*, actor: Actor, data: dict[str, Any], secret: str | None = None) -> NotificationChannel:
    channel = NotificationChannel()
    errors, secret = _apply(channel, data, secret)
    if errors:
        raise ChannelInvalid(nest(errors))
    _seal(channel, secret)
    with transaction.atomic():
        channel.save()
        audit_record(
            actor=actor,
            action="monitoring.channel.create",
            target_type=TARGET,
            target_id=str(channel.pk),
            after=channel_snapshot(channel),
        )
    return channel


def channel_update(
    *, actor: Actor, channel: NotificationChannel, data: dict[str, Any], secret: str | None = None
) -> NotificationChannel:
    """Change the given fields; `secret` None keeps the stored one, a value replaces it, "" removes it."""
    with transaction.atomic():
        row = NotificationChannel.objects.select_for_update().get(pk=channel.pk)
        before = channel_snapshot(row)
        errors, secret = _apply(row, data, secret)
        if errors:
            raise ChannelInvalid(nest(errors))
        if secret is not None:
            _seal(row, secret)
        row.save()
        after = channel_snapshot(row)
        if secret:
            after["secret_replaced"] = True
        audit_record(
            actor=actor,
            action="monitoring.channel.update",
            target_type=TARGET,
            target_id=str(row.pk),
            before=before,
            after=after,
        )
    return row


def channel_delete(*, actor: Actor, channel: NotificationChannel) -> None:
    """Delete a channel and its delivery records (disable it instead to keep them)."""
    with transaction.atomic():
        before = channel_snapshot(channel)
        channel.delete()
        audit_record(
            actor=actor,
            action="monitoring.channel.delete",
            target_type=TARGET,
            target_id=str(before["id"]),
            before=before,
        )


def channel_secrets_reencrypt(*, actor: Actor = None) -> int:
    """Re-seal every channel secret under the current master key (after TRADER_MASTER_KEY rotation)."""
    ring = keyring()
    changed = 0
    with transaction.atomic():
        rows = NotificationChannel.objects.select_for_update().exclude(secret_encrypted="")
        for channel in rows.exclude(master_key_id=ring.current.key_id):
            old_id = channel.master_key_id
            value = ring.decrypt(channel.secret_encrypted, aad=channel.aad())
            channel.secret_encrypted = ring.encrypt(value, aad=channel.aad())
            channel.master_key_id = ring.current.key_id
            channel.save(update_fields=["secret_encrypted", "master_key_id"])
            changed += 1
            audit_record(
                actor=actor,
                action="monitoring.channel.reencrypt",
                target_type=TARGET,
                target_id=str(channel.pk),
                before={"master_key_id": old_id},
                after={"master_key_id": ring.current.key_id},
            )
    return changed


def channel_check(
    *, channel: NotificationChannel | None, data: dict[str, Any], secret: str | None
) -> dict[str, list[str]]:
    """The errors `channel_create`/`channel_update` would refuse with (flat paths), without saving."""
    row = NotificationChannel() if channel is None else NotificationChannel.objects.get(pk=channel.pk)
    errors, _ = _apply(row, data, secret)
    return errors
