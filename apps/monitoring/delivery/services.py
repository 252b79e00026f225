"""Alert delivery: record one delivery per interested channel, then send each on its own.

Flow (intent, then network): `delivery_notify` (inside the alert's transaction) snapshots the alert and,
on commit, enqueues `delivery_fanout`; that writes one `Delivery` row per matching channel and, on
commit, enqueues one `delivery_send` task per row. `delivery_attempt` claims a due row with a short lease
(a conditional update that must change exactly one row), sends with no transaction open, and records the
outcome: sent, retrying (next attempt scheduled with backoff) or failed. `delivery_sweep` (beat) re-enqueues
due rows whose task was lost. Each channel is its own task and its own try: a slow or broken one delays
only itself.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.common.redaction import redact
from apps.exchange.domain.errors import ConfigurationError
from apps.monitoring.delivery import senders
from apps.monitoring.delivery.domain.config import EVENTS
from apps.monitoring.delivery.domain.policy import RetryPolicy, channel_wants
from apps.monitoring.delivery.payloads import alert_json, iso, sample_alert
from apps.monitoring.delivery.selectors import channel_secret
from apps.monitoring.models import Alert, Delivery, DeliveryStatus, NotificationChannel
from apps.monitoring.services import audit_record

if TYPE_CHECKING:
    from datetime import datetime

    from apps.monitoring.delivery.channels import Actor

logger = logging.getLogger(__name__)

# Longer than any one attempt can take (timeouts are ≤ 5 s per socket operation): a worker that died
# mid-send releases its row when the lease runs out.
LEASE_S: Final = 60
# The sweep leaves rows to their scheduled task for this long before assuming the task was lost.
SWEEP_GRACE_S: Final = 60
SWEEP_BATCH: Final = 500
# A countdown task may fire a little before the row's time on another host's clock; still its turn.
EARLY_S: Final = 2
UNFINISHED: Final = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)

_rng = random.Random()  # jitter only: no security role


def retry_policy(max_attempts: int) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=max_attempts,
        base_s=float(settings.TRADER_NOTIFY_BACKOFF_BASE_S),
        max_delay_s=float(settings.TRADER_NOTIFY_BACKOFF_MAX_S),
    )


# ---------------------------------------------------------------- enqueueing (after commit, best effort)


def _enqueue_send(delivery_id: int, countdown: float = 0) -> None:
    from apps.monitoring.delivery.tasks import delivery_send_task

    try:
        delivery_send_task.apply_async((delivery_id,), countdown=max(0.0, countdown))
    except Exception:  # broker down: the row is due, so the sweep sends it once the broker is back
        logger.exception("delivery %s could not be enqueued; the sweep will pick it up", delivery_id)


def _enqueue_sends(ids: list[int]) -> None:
    for delivery_id in ids:
        _enqueue_send(delivery_id)


def _enqueue_fanout(alert_id: int, event: str, alert: dict[str, Any], occurrence: str) -> None:
    from apps.monitoring.delivery.tasks import delivery_fanout_task

    try:
        delivery_fanout_task.delay(alert_id, event, alert, occurrence)
    except Exception:
        logger.exception("alert %s %s: notification could not be enqueued", alert_id, event)


# ---------------------------------------------------------------- notify and fan out


def delivery_notify(*, alert_id: int, event: str) -> None:
    """Snapshot the alert as it is in the caller's transaction; fan out to channels once it commits."""
    if event not in EVENTS:
        raise ValueError(f"unknown alert event {event!r}; use one of {', '.join(EVENTS)}")
    alert = Alert.objects.select_related("rule", "acknowledged_by").filter(pk=alert_id).first()
    if alert is None:
        logger.warning("alert %s %s: no such alert, nothing to notify", alert_id, event)
        return
    snapshot = dict(alert_json(alert))
    occurrence = str(uuid.uuid4())
    transaction.on_commit(partial(_enqueue_fanout, alert_id, event, snapshot, occurrence), robust=True)


def delivery_fanout(
    *, alert_id: int, event: str, alert: dict[str, Any] | None, occurrence: str, now: datetime | None = None
) -> list[int]:
    """Write one delivery per enabled channel that wants this event at this severity; enqueue each.

    Idempotent per `occurrence`: a redelivered task finds the rows it made and sends only unsent ones.
    Returns the ids of the rows still waiting for their first attempt.
    """
    now = now or timezone.now()
    if alert is None:
        row = Alert.objects.select_related("rule", "acknowledged_by").filter(pk=alert_id).first()
        if row is None:
            return []
        alert = dict(alert_json(row))
    payload = redact({"event": event, "alert": alert})
    severity = str(alert.get("severity", ""))
    waiting: list[int] = []
    with transaction.atomic():
        if not Alert.objects.filter(pk=alert_id).exists():
            return []  # deleted since: its deliveries would cascade away anyway
        for channel in NotificationChannel.objects.filter(enabled=True).order_by("id"):
            wanted = channel_wants(
                enabled=channel.enabled,
                min_severity=channel.min_severity,
                events=channel.events or [],
                severity=severity,
                event=event,
            )
            if not wanted:
                continue
            delivery, _ = Delivery.objects.get_or_create(
                occurrence=occurrence,
                channel=channel,
                defaults={
                    "alert_id": alert_id,
                    "event": event,
                    "payload": payload,
                    "next_attempt_at": now,
                    "max_attempts": int(settings.TRADER_NOTIFY_MAX_ATTEMPTS),
                },
            )
            if delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0:
                waiting.append(delivery.pk)
        transaction.on_commit(partial(_enqueue_sends, list(waiting)), robust=True)
    return waiting


# ---------------------------------------------------------------- one attempt


def _claim(delivery_id: int, now: datetime) -> datetime | None:
    lease = now + timedelta(seconds=LEASE_S)
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id, status__in=UNFINISHED, next_attempt_at__lte=now + timedelta(seconds=EARLY_S)
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease)
    )
    return lease if claimed == 1 else None


def _message(delivery: Delivery, now: datetime) -> tuple[str, senders.Message | senders.Attempt]:
    channel = delivery.channel
    try:
        secret = channel_secret(channel)
    except ConfigurationError as exc:  # master key missing or rotated away: fixable, so retried
        return channel.kind, senders.Attempt("retry", error=f"channel secret unreadable: {exc}")
    payload = delivery.payload or {}
    message = senders.Message(
        delivery_id=delivery.pk,
        event=delivery.event,
        alert=dict(payload.get("alert") or {}),
        config=dict(channel.config or {}),
        secret=secret,
        now=now,
    )
    return channel.kind, message


def delivery_attempt(
    *, delivery_id: int, now: datetime | None = None, rng: random.Random | None = None
) -> Delivery | None:
    """Make one attempt at a due delivery and record it; None when it is not due or someone else has it."""
    now = now or timezone.now()
    lease = _claim(delivery_id, now)
    if lease is None:
        return None
    delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
    kind, prepared = _message(delivery, now)
    attempt = prepared if isinstance(prepared, senders.Attempt) else senders.send(kind, prepared)
    return _record(delivery, attempt, lease=lease, now=now, rng=rng or _rng)


def _record(
    delivery: Delivery, attempt: senders.Attempt, *, lease: datetime, now: datetime, rng: random.Random
) -> Delivery:
    number = delivery.attempts + 1
    policy = retry_policy(delivery.max_attempts)
    status = policy.after(attempt=number, outcome=attempt.outcome)
    delay = policy.delay(number, rng, attempt.retry_after) if status == "retrying" else None
    entry = {
        "at": iso(now),
        "outcome": attempt.outcome,
        "code": attempt.code,
        "error": attempt.error,
        "retry_in_s": round(delay, 3) if delay is not None else None,
    }
    changes: dict[str, Any] = {
        "status": status,
        "attempts": number,
        "lease_until": None,
        "response_code": attempt.code,
        "last_error": attempt.error,
        "attempt_log": [*(delivery.attempt_log or []), entry],
        "next_attempt_at": now + timedelta(seconds=delay) if delay is not None else None,
    }
    if status == "sent":
        changes["sent_at"] = now
    # Guarded by our lease: a row whose lease ran out and was claimed again is the other worker's now.
    updated = Delivery.objects.filter(pk=delivery.pk, lease_until=lease).update(**changes)
    if updated != 1:
        logger.warning("delivery %s: lease lost while sending; the other attempt records it", delivery.pk)
    log = logger.info if status == "sent" else logger.warning
    log(
        "delivery %s to channel %s (%s) attempt %s: %s%s",
        delivery.pk,
        delivery.channel_id,
        delivery.channel.kind,
        number,
        status,
        f" ({attempt.error})" if attempt.error else "",
    )
    if delay is not None:
        transaction.on_commit(partial(_enqueue_send, delivery.pk, delay), robust=True)
    delivery.refresh_from_db()
    return delivery


def delivery_sweep(*, now: datetime | None = None) -> int:
    """Enqueue due deliveries whose own task has not run (lost with a broker restart); returns how many."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            status__in=UNFINISHED, next_attempt_at__lte=now - timedelta(seconds=SWEEP_GRACE_S)
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ids = list(due)
    _enqueue_sends(ids)
    return len(ids)


# ---------------------------------------------------------------- channel test


def channel_test(*, actor: Actor, channel: NotificationChannel) -> Delivery:
    """Send a labelled test message through `channel` now (one attempt, no retries); return its record."""
    now = timezone.now()
    alert = sample_alert(severity="critical" if channel.min_severity == "critical" else "warning")
    with transaction.atomic():
        delivery = Delivery.objects.create(
            alert=None,
            channel=channel,
            event="test",
            payload=redact({"event": "test", "alert": alert}),
            next_attempt_at=now,
            max_attempts=1,
        )
        audit_record(
            actor=actor,
            action="monitoring.channel.test",
            target_type="monitoring.NotificationChannel",
            target_id=str(channel.pk),
            after={"delivery": delivery.pk},
        )
    # Outside the transaction: the request waits for one attempt (≤ 5 s per socket operation).
    result = delivery_attempt(delivery_id=delivery.pk, now=now)
    return result or Delivery.objects.get(pk=delivery.pk)
