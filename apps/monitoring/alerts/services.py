"""Writes of alerting: the alert lifecycle (open, acknowledge, resolve, ad-hoc raise/clear) and the rules.

Every transition records an AlertEvent and notifies the delivery channels once the transaction commits;
every human action and every rule change is also on the audit trail.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.monitoring.alerts.domain.params import validate_params
from apps.monitoring.models import Alert, AlertEvent, AlertRule
from apps.monitoring.models.alerts import ACTIVE_STATES, AlertEventKind, AlertState, RuleType, Severity
from apps.monitoring.services import audit_record

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Actor = AbstractBaseUser | AnonymousUser | None

logger = logging.getLogger(__name__)

NOTE_MAX = 1000
RULE_FIELDS = ("name", "rule_type", "params", "severity", "for_duration_s", "cooldown_s", "enabled")


class AlertStateError(Exception):
    """The alert is not in a state that allows the action (field-level errors for a 400)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class RuleInvalid(Exception):
    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors


# ---------------------------------------------------------------- notification


def _deliver(alert_id: int, event: str) -> None:
    # Imported late: the delivery package imports these models, and beat loads this module early.
    from apps.monitoring.delivery import notify_alert

    notify_alert(alert_id, event)


def notify_on_commit(alert: Alert, event: str) -> None:
    """Hand the transition to the delivery channels once (and only if) it is committed."""
    alert_id = alert.pk
    transaction.on_commit(lambda: _deliver(alert_id, event))


# ---------------------------------------------------------------- lifecycle steps (inside a transaction)


def record_event(
    alert: Alert,
    event: str,
    *,
    at: datetime,
    actor: Actor = None,
    note: str = "",
    value: Any = None,
) -> AlertEvent:
    user = actor if actor is not None and actor.is_authenticated else None
    return AlertEvent.objects.create(
        alert=alert, event=event, at=at, actor=user, note=note[:NOTE_MAX], value=value
    )


def open_alert(
    *,
    key: str,
    title: str,
    message: str,
    severity: str,
    now: datetime,
    rule: AlertRule | None = None,
    value: Any = None,
    labels: dict[str, Any] | None = None,
) -> Alert:
    """Create the active alert of `key` with its "opened" event and notification. The caller holds the
    transaction and has checked no alert of `key` is active (the partial unique index enforces it)."""
    alert = Alert.objects.create(
        rule=rule,
        key=key,
        title=title[:200],
        message=message,
        severity=severity,
        state=AlertState.OPEN,
        opened_at=now,
        last_value=value,
        labels=labels or {},
        last_notified_at=now,
    )
    record_event(alert, AlertEventKind.OPENED, at=now, note=message, value=value)
    notify_on_commit(alert, "opened")
    return alert


def resolve_alert(alert: Alert, *, now: datetime, actor: Actor = None, note: str = "") -> Alert:
    """Resolve an active alert (locked by the caller): automatically (no actor) or by a person."""
    user = actor if actor is not None and actor.is_authenticated else None
    alert.state = AlertState.RESOLVED
    alert.resolved_at = now
    alert.resolved_by = user
    alert.save(update_fields=["state", "resolved_at", "resolved_by", "updated_at"])
    record_event(alert, AlertEventKind.RESOLVED, at=now, actor=user, note=note)
    notify_on_commit(alert, "resolved")
    return alert


def _active_locked(key: str) -> Alert | None:
    return Alert.objects.select_for_update().filter(key=key, state__in=ACTIVE_STATES).first()


# ---------------------------------------------------------------- people acting on alerts


def _note(note: Any) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise AlertStateError({"note": ["Must be a string."]})
    if len(note) > NOTE_MAX:
        raise AlertStateError({"note": [f"At most {NOTE_MAX} characters."]})
    return note.strip()


def _snapshot(alert: Alert) -> dict[str, Any]:
    return {"state": alert.state, "key": alert.key, "severity": alert.severity, "title": alert.title}


def alert_acknowledge(*, alert_id: int, actor: Actor, note: Any = "") -> Alert:
    """An operator takes an open alert; raises Alert.DoesNotExist or AlertStateError."""
    text = _note(note)
    now = timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if alert.state != AlertState.OPEN:
            raise AlertStateError(
                {"state": [f"Only an open alert can be acknowledged; this one is {alert.state}."]}
            )
        before = _snapshot(alert)
        alert.state = AlertState.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = actor if actor is not None and actor.is_authenticated else None
        alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "updated_at"])
        record_event(alert, AlertEventKind.ACKNOWLEDGED, at=now, actor=actor, note=text)
        audit_record(
            actor=actor,
            action="monitoring.alert.acknowledge",
            target_type="alert",
            target_id=str(alert.pk),
            before=before,
            after={**_snapshot(alert), "note": text},
        )
        notify_on_commit(alert, "acknowledged")
    return alert


def alert_resolve(*, alert_id: int, actor: Actor, note: Any = "") -> Alert:
    """An operator closes an open or acknowledged alert; raises Alert.DoesNotExist or AlertStateError.

    A rule whose condition still holds opens a new alert after the rule's cooldown."""
    text = _note(note)
    now = timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if alert.state not in ACTIVE_STATES:
            raise AlertStateError({"state": ["This alert is already resolved."]})
        before = _snapshot(alert)
        resolve_alert(alert, now=now, actor=actor, note=text)
        audit_record(
            actor=actor,
            action="monitoring.alert.resolve",
            target_type="alert",
            target_id=str(alert.pk),
            before=before,
            after={**_snapshot(alert), "note": text},
        )
    return alert


# ---------------------------------------------------------------- ad-hoc alerts raised by code


def alert_raise(
    *, key: str, title: str, message: str, severity: str, labels: dict[str, Any] | None = None
) -> Alert:
    """Open the alert of `key`, or refresh it when one is already active (no second notification)."""
    if severity not in Severity.values:
        raise ValueError(f"severity must be one of {Severity.values}, not {severity!r}")
    now = timezone.now()
    for _ in range(2):
        try:
            with transaction.atomic():
                active = _active_locked(key)
                if active is None:
                    return open_alert(
                        key=key, title=title, message=message, severity=severity, now=now, labels=labels
                    )
                if (active.title, active.message, active.severity) != (title[:200], message, severity):
                    record_event(active, AlertEventKind.VALUE_CHANGED, at=now, note=message)
                active.title, active.message, active.severity = title[:200], message, severity
                active.labels = labels if labels is not None else active.labels
                active.save(update_fields=["title", "message", "severity", "labels", "updated_at"])
                return active
        except IntegrityError:
            # Another process opened the same key between our read and our insert: refresh theirs.
            continue
    raise RuntimeError(f"could not raise alert {key!r}")


def alert_clear(*, key: str) -> None:
    """Resolve the active alert of `key` (automatically), if there is one."""
    with transaction.atomic():
        active = _active_locked(key)
        if active is not None:
            resolve_alert(active, now=timezone.now(), note="cleared")


# ---------------------------------------------------------------- rules


def rule_snapshot(rule: AlertRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def rule_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a rule's full field set (params per rule type); raises RuleInvalid with field errors."""
    errors: dict[str, Any] = {}
    if data.get("rule_type") not in RuleType.values:
        errors["rule_type"] = [f"Must be one of: {', '.join(RuleType.values)}."]
    if data.get("severity") not in Severity.values:
        errors["severity"] = [f"Must be one of: {', '.join(Severity.values)}."]
    if not errors.get("rule_type"):
        params, param_errors = validate_params(data["rule_type"], data.get("params"))
        if param_errors:
            errors["params"] = param_errors
        else:
            data = {**data, "params": params}
    if errors:
        raise RuleInvalid(errors)
    return data


def _close_rule_alerts(rule: AlertRule, note: str) -> None:
    now = timezone.now()
    for alert in Alert.objects.select_for_update().filter(rule=rule, state__in=ACTIVE_STATES):
        resolve_alert(alert, now=now, note=note)


def rule_create(*, actor: Actor, data: dict[str, Any]) -> AlertRule:
    clean = rule_clean({"params": {}, "severity": Severity.WARNING, **data})
    with transaction.atomic():
        if AlertRule.objects.filter(name=clean["name"]).exists():
            raise RuleInvalid({"name": ["A rule with this name already exists."]})
        rule = AlertRule.objects.create(**{k: clean[k] for k in RULE_FIELDS if k in clean})
        audit_record(
            actor=actor,
            action="monitoring.alert_rule.create",
            target_type="alert_rule",
            target_id=str(rule.pk),
            after=rule_snapshot(rule),
        )
    return rule


def rule_update(*, actor: Actor, rule_id: int, changes: dict[str, Any]) -> AlertRule:
    """Change some fields of a rule. A new type, new parameters or disabling restarts its evaluation and
    resolves its active alert (it would describe a condition the rule no longer watches)."""
    with transaction.atomic():
        rule = AlertRule.objects.select_for_update().get(pk=rule_id)
        before = rule_snapshot(rule)
        wanted = {k: v for k, v in changes.items() if k in RULE_FIELDS}
        if wanted.get("rule_type", rule.rule_type) != rule.rule_type and "params" not in wanted:
            wanted["params"] = {}  # another type's parameters mean nothing here: start from the defaults
        clean = rule_clean({**before, **wanted})
        if (
            clean["name"] != rule.name
            and AlertRule.objects.filter(name=clean["name"]).exclude(pk=rule.pk).exists()
        ):
            raise RuleInvalid({"name": ["A rule with this name already exists."]})
        restart = (
            clean["rule_type"] != rule.rule_type or clean["params"] != rule.params or not clean["enabled"]
        )
        if restart:
            reason = "rule disabled" if not clean["enabled"] else "rule changed"
            _close_rule_alerts(rule, reason)
            rule.pending_since = None
            rule.last_value = None
            rule.last_error = ""
        for name in RULE_FIELDS:
            setattr(rule, name, clean[name])
        rule.save()
        after = rule_snapshot(rule)
        if after != before:
            audit_record(
                actor=actor,
                action="monitoring.alert_rule.update",
                target_type="alert_rule",
                target_id=str(rule.pk),
                before=before,
                after=after,
            )
    return rule


def rule_delete(*, actor: Actor, rule_id: int) -> None:
    """Delete a rule; its alerts stay (history) without their rule, the active one resolved."""
    with transaction.atomic():
        rule = AlertRule.objects.select_for_update().get(pk=rule_id)
        before = rule_snapshot(rule)
        _close_rule_alerts(rule, "rule deleted")
        rule.delete()
        audit_record(
            actor=actor,
            action="monitoring.alert_rule.delete",
            target_type="alert_rule",
            target_id=str(rule_id),
            before=before,
        )
