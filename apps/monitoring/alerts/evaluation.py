"""Evaluation of the alert rules: read each condition, decide (domain.decision), apply the decision.

One rule's failure (a source that cannot be read, a bad stored parameter, a database error) is recorded on
that rule and never stops the others. Conditions are read outside any transaction (they may wait on Redis
or the database of another app); the decision is taken and applied inside one, with the rule row locked,
so two overlapping evaluations cannot open the same alert twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apps.monitoring.alerts import conditions
from apps.monitoring.alerts.domain.decision import Action, Before, decide
from apps.monitoring.alerts.domain.params import validate_params
from apps.monitoring.alerts.services import notify_on_commit, open_alert, record_event, resolve_alert
from apps.monitoring.models import Alert, AlertEvent, AlertRule
from apps.monitoring.models.alerts import ACTIVE_STATES, AlertEventKind, AlertState, RuleType

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from apps.monitoring.alerts.domain.readings import Reading

logger = logging.getLogger(__name__)

_SYMBOL_SEVERITY = {"info": "info", "warning": "warning"}


@dataclass(frozen=True)
class Outcome:
    rule_id: int
    action: str  # an Action value, "error" or "disabled"
    error: str = ""


def evaluate_rules(*, now: datetime | None = None, rule_ids: Iterable[int] | None = None) -> list[Outcome]:
    """Evaluate every enabled rule (or the given ones) once."""
    now = now or timezone.now()
    rules = AlertRule.objects.filter(enabled=True).order_by("id")
    if rule_ids is not None:
        rules = rules.filter(pk__in=list(rule_ids))
    outcomes = []
    for rule_id in list(rules.values_list("pk", flat=True)):
        try:
            outcomes.append(evaluate_rule(rule_id, now=now))
        except Exception as error:  # one rule never breaks the others
            logger.exception("alert rule %s: evaluation failed", rule_id)
            _record_error(rule_id, now, error)
            outcomes.append(Outcome(rule_id, "error", _describe(error)))
    return outcomes


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}"[:1000] if text else type(error).__name__


def _record_error(rule_id: int, now: datetime, error: BaseException) -> None:
    try:
        AlertRule.objects.filter(pk=rule_id).update(last_evaluated_at=now, last_error=_describe(error))
    except Exception:
        logger.exception("alert rule %s: could not record its error", rule_id)


def evaluate_rule(rule_id: int, *, now: datetime) -> Outcome:
    rule = AlertRule.objects.get(pk=rule_id)
    if not rule.enabled:
        return Outcome(rule_id, "disabled")
    params, errors = validate_params(rule.rule_type, rule.params)
    if errors:
        raise ValueError(f"invalid parameters {errors}")
    try:
        reading = conditions.read_condition(rule.rule_type, params, now)
    except Exception as error:
        # Cannot know: the alert stays as it is (neither opened nor resolved on a blind read).
        logger.warning("alert rule %s (%s): condition unreadable: %s", rule.pk, rule.rule_type, error)
        _record_error(rule_id, now, error)
        return Outcome(rule_id, "error", _describe(error))
    with transaction.atomic():
        rule = AlertRule.objects.select_for_update().get(pk=rule_id)
        if not rule.enabled:
            return Outcome(rule_id, "disabled")
        action = _apply(rule, reading, now)
        if rule.rule_type == RuleType.SYMBOL_HALTED:
            _drain_symbol_events(rule, params, now)
    return Outcome(rule_id, action.value)


def _before(rule: AlertRule, active: Alert | None) -> tuple[Before, Alert | None]:
    last_resolved = (
        Alert.objects.filter(key=rule.alert_key, state=AlertState.RESOLVED, resolved_at__isnull=False)
        .order_by("-resolved_at", "-id")
        .first()
    )
    recorded = (
        last_resolved is not None
        and rule.pending_since is not None
        and AlertEvent.objects.filter(
            alert=last_resolved, event=AlertEventKind.REOPEN_SUPPRESSED, at__gte=rule.pending_since
        ).exists()
    )
    subjects = frozenset((active.labels or {}).get("subjects", [])) if active is not None else frozenset()
    before = Before(
        active=active is not None,
        pending_since=rule.pending_since,
        last_resolved_at=last_resolved.resolved_at if last_resolved is not None else None,
        suppression_recorded=recorded,
        subjects=subjects,
        last_notified_at=active.last_notified_at if active is not None else None,
    )
    return before, last_resolved


def _apply(rule: AlertRule, reading: Reading, now: datetime) -> Action:
    active = Alert.objects.select_for_update().filter(key=rule.alert_key, state__in=ACTIVE_STATES).first()
    before, last_resolved = _before(rule, active)
    decision = decide(
        firing=reading.firing,
        subjects=reading.subjects,
        now=now,
        for_duration_s=rule.for_duration_s,
        cooldown_s=rule.cooldown_s,
        before=before,
    )
    labels: dict[str, Any] = {"rule_type": rule.rule_type, "subjects": sorted(reading.subjects)}
    if decision.action is Action.OPEN:
        open_alert(
            key=rule.alert_key,
            title=rule.name,
            message=reading.summary,
            severity=rule.severity,
            now=now,
            rule=rule,
            value=reading.value,
            labels=labels,
        )
    elif decision.action is Action.KEEP and active is not None:
        _keep(
            active, rule, reading, labels, now, value_changed=decision.value_changed, remind=decision.remind
        )
    elif decision.action is Action.RESOLVE and active is not None:
        resolve_alert(active, now=now, note=f"condition cleared: {reading.summary}")
    elif decision.action is Action.SUPPRESSED and decision.record_suppression and last_resolved is not None:
        note = f"condition firing again within the {rule.cooldown_s} s cooldown: {reading.summary}"
        record_event(last_resolved, AlertEventKind.REOPEN_SUPPRESSED, at=now, note=note, value=reading.value)
    AlertRule.objects.filter(pk=rule.pk).update(
        pending_since=decision.pending_since,
        last_evaluated_at=now,
        last_value={"firing": reading.firing, "summary": reading.summary, **reading.value},
        last_error="",
    )
    return decision.action


def _keep(
    alert: Alert,
    rule: AlertRule,
    reading: Reading,
    labels: dict[str, Any],
    now: datetime,
    *,
    value_changed: bool,
    remind: bool,
) -> None:
    alert.message = reading.summary
    alert.last_value = reading.value
    alert.labels = labels
    alert.severity = rule.severity
    alert.title = rule.name
    fields = ["message", "last_value", "labels", "severity", "title", "updated_at"]
    if value_changed:
        record_event(alert, AlertEventKind.VALUE_CHANGED, at=now, note=reading.summary, value=reading.value)
    if remind:
        alert.last_notified_at = now
        fields.append("last_notified_at")
        record_event(alert, AlertEventKind.REMINDED, at=now, note=reading.summary)
        notify_on_commit(alert, "reminder")
    alert.save(update_fields=fields)


def _drain_symbol_events(rule: AlertRule, params: dict[str, Any], now: datetime) -> None:
    """The symbols app's alert events are an outbox: each fresh one becomes an alert of its own (an event
    to acknowledge, not a condition that clears) and is marked notified in the same transaction."""
    from apps.symbols.models import SymbolEvent

    fresh = (
        SymbolEvent.objects.select_for_update(of=("self",))
        .filter(
            is_alert=True,
            notified_at__isnull=True,
            created_at__gte=now - timedelta(seconds=params["window_s"]),
        )
        .select_related("symbol")
        .order_by("created_at", "id")
    )
    for event in fresh:
        symbol = event.symbol
        open_alert(
            key=f"symbol_event:{event.pk}",
            title=f"{symbol.market}:{symbol.symbol} {event.get_kind_display().lower()}",
            message=event.message,
            severity=_SYMBOL_SEVERITY.get(event.severity, "warning"),
            now=now,
            rule=rule,
            value={"kind": event.kind, "old_status": event.old_status, "new_status": event.new_status},
            labels={
                "rule_type": rule.rule_type,
                "symbol_event": event.pk,
                "market": symbol.market,
                "symbol": symbol.symbol,
                "kind": event.kind,
            },
        )
        SymbolEvent.objects.filter(pk=event.pk).update(notified_at=now)
