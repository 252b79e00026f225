"""The alert lifecycle through the real evaluator and services: for-duration, cooldown, reminders, errors
isolated per rule, manual acknowledge/resolve, ad-hoc raise/clear, and notification after commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from apps.monitoring.alerts import conditions
from apps.monitoring.alerts.domain.readings import Reading
from apps.monitoring.alerts.evaluation import evaluate_rules
from apps.monitoring.alerts.services import (
    AlertStateError,
    alert_acknowledge,
    alert_clear,
    alert_raise,
    alert_resolve,
    rule_update,
)
from apps.monitoring.models import Alert, AlertEvent, AlertRule, AuditEvent
from apps.monitoring.tests.alerts.conftest import active_alert


@pytest.fixture
def halt(db: None) -> Any:
    """The kill switch condition, switched by writing real trading state rows."""
    from apps.risk.models import TradingState

    def set_state(halted: bool) -> None:
        TradingState.objects.create(state="HALTED" if halted else "ACTIVE", reason="test")

    return set_state


def test_for_duration_holds_the_alert_back(
    make_rule: Any, evaluate: Any, at: Any, notified: Any, halt: Any
) -> None:
    rule = make_rule("kill_switch_engaged", for_duration_s=60)
    halt(True)
    assert evaluate(rule, at(0)) == "pending"
    assert rule.pending_since == at(0)
    assert evaluate(rule, at(45)) == "pending"
    assert evaluate(rule, at(59.9)) == "pending"
    assert not Alert.objects.filter(key=rule.alert_key).exists()
    assert notified == []
    assert evaluate(rule, at(60)) == "open"
    assert active_alert(rule).opened_at == at(60)


def test_a_gap_in_the_condition_restarts_the_for_duration(
    make_rule: Any, evaluate: Any, at: Any, notified: Any, halt: Any
) -> None:
    rule = make_rule("kill_switch_engaged", for_duration_s=60)
    halt(True)
    assert evaluate(rule, at(0)) == "pending"
    halt(False)
    assert evaluate(rule, at(30)) == "idle"
    assert rule.pending_since is None
    halt(True)
    assert evaluate(rule, at(45)) == "pending"
    assert evaluate(rule, at(90)) == "pending"  # 60 s after the first firing, but only 45 s continuously
    assert evaluate(rule, at(105)) == "open"


def test_cooldown_keeps_a_resolved_alert_from_reopening(
    make_rule: Any, evaluate: Any, at: Any, notified: Any, halt: Any
) -> None:
    rule = make_rule("kill_switch_engaged", cooldown_s=300)
    halt(True)
    assert evaluate(rule, at(0)) == "open"
    first = active_alert(rule)
    halt(False)
    assert evaluate(rule, at(15)) == "resolve"
    halt(True)
    assert evaluate(rule, at(30)) == "suppressed"
    assert evaluate(rule, at(45)) == "suppressed"
    assert evaluate(rule, at(314)) == "suppressed"
    assert active_alert(rule) is None
    # one suppression event on the resolved alert for the episode, however many evaluations
    events = list(first.events.values_list("event", flat=True))
    assert events == ["opened", "resolved", "reopen_suppressed"]
    assert notified == [(first.pk, "opened"), (first.pk, "resolved")]
    assert evaluate(rule, at(315)) == "open"
    second = active_alert(rule)
    assert second.pk != first.pk
    assert notified[-1] == (second.pk, "opened")


def test_manual_resolve_of_a_firing_condition_reopens_after_the_cooldown(
    make_rule: Any, evaluate: Any, at: Any, notified: Any, halt: Any, trader_user: Any
) -> None:
    rule = make_rule("kill_switch_engaged", cooldown_s=120)
    halt(True)
    assert evaluate(rule, at(0)) == "open"
    alert = active_alert(rule)
    alert_resolve(alert_id=alert.pk, actor=trader_user, note="known, working on it")
    resolved_at = Alert.objects.get(pk=alert.pk).resolved_at
    # the manual resolve happened at wall-clock time; evaluate relative to it
    assert evaluate(rule, resolved_at + timedelta(seconds=60)) == "suppressed"
    assert evaluate(rule, resolved_at + timedelta(seconds=120)) == "open"


def test_new_subjects_remind_at_most_once_per_cooldown(
    make_rule: Any, evaluate: Any, at: Any, notified: Any, monkeypatch: Any
) -> None:
    import apps.exchange.selectors as exchange_selectors
    from apps.exchange.limiter import PoolUsage

    pools = {"spot": 10, "futures": 10}
    monkeypatch.setattr(
        exchange_selectors,
        "limiter_usage",
        lambda **_: [PoolUsage(market=m, scope="ip", pool="W", used=u, limit=100) for m, u in pools.items()],
    )
    rule = make_rule("rate_budget", cooldown_s=600)
    pools["spot"] = 95
    assert evaluate(rule, at(0)) == "open"
    alert = active_alert(rule)
    pools["futures"] = 90  # a second pool joins: a reminder
    assert evaluate(rule, at(700)) == "keep"
    pools["futures"] = 10
    assert evaluate(rule, at(715)) == "keep"
    pools["futures"] = 99  # joins again, within the re-notify interval: recorded, not notified
    assert evaluate(rule, at(730)) == "keep"
    events = list(alert.events.values_list("event", flat=True))
    assert events == ["opened", "value_changed", "reminded", "value_changed", "value_changed"]
    assert notified == [(alert.pk, "opened"), (alert.pk, "reminder")]


def test_one_failing_rule_never_breaks_the_others(
    make_rule: Any,
    at: Any,
    notified: Any,
    halt: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    broken = make_rule("error_rate")
    bad_params = make_rule("beat_missing")
    AlertRule.objects.filter(pk=bad_params.pk).update(params={"threshold": "x"})
    working = make_rule("kill_switch_engaged")

    def unreachable(params: Any, now: Any) -> Reading:
        raise ConnectionError("Redis is down")

    monkeypatch.setitem(conditions.READERS, "error_rate", unreachable)
    halt(True)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = {o.rule_id: o for o in evaluate_rules(now=at(0))}
    assert outcomes[broken.pk].action == "error"
    assert outcomes[bad_params.pk].action == "error"
    assert outcomes[working.pk].action == "open"
    broken.refresh_from_db()
    bad_params.refresh_from_db()
    assert broken.last_error == "ConnectionError: Redis is down" and broken.last_evaluated_at == at(0)
    assert "invalid parameters" in bad_params.last_error
    # an unreadable condition leaves its alert alone: no resolve on a blind read
    monkeypatch.setitem(conditions.READERS, "kill_switch_engaged", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_rules(now=at(15), rule_ids=[working.pk])
    assert active_alert(working) is not None


def test_disabled_rules_are_not_evaluated_and_disabling_resolves(
    make_rule: Any,
    evaluate: Any,
    at: Any,
    notified: Any,
    halt: Any,
    admin_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rule = make_rule("kill_switch_engaged")
    halt(True)
    assert evaluate(rule, at(0)) == "open"
    alert = active_alert(rule)
    with django_capture_on_commit_callbacks(execute=True):
        rule_update(actor=admin_user, rule_id=rule.pk, changes={"enabled": False})
    alert.refresh_from_db()
    assert alert.state == "resolved"
    assert alert.events.last().note == "rule disabled"
    assert evaluate_rules(now=at(30)) == []
    assert notified == [(alert.pk, "opened"), (alert.pk, "resolved")]
    audit = AuditEvent.objects.filter(action="monitoring.alert_rule.update", target_id=str(rule.pk)).get()
    assert audit.before["enabled"] is True and audit.after["enabled"] is False


def test_acknowledge_then_resolve_by_people(
    make_rule: Any,
    evaluate: Any,
    at: Any,
    notified: Any,
    halt: Any,
    trader_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rule = make_rule("kill_switch_engaged")
    halt(True)
    evaluate(rule, at(0))
    alert = active_alert(rule)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert_acknowledge(alert_id=alert.pk, actor=trader_user, note="looking")
    # not before the commit
    assert notified == [(alert.pk, "opened")]
    for callback in callbacks:
        callback()
    assert notified[-1] == (alert.pk, "acknowledged")
    with pytest.raises(AlertStateError) as error:
        alert_acknowledge(alert_id=alert.pk, actor=trader_user)
    assert "state" in error.value.errors
    # still firing: an acknowledged alert is kept, not reopened
    assert evaluate(rule, at(15)) == "keep"
    with django_capture_on_commit_callbacks(execute=True):
        alert_resolve(alert_id=alert.pk, actor=trader_user, note="fixed")
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by, alert.resolved_by) == ("resolved", trader_user, trader_user)
    history = list(alert.events.values_list("event", "actor__username", "note"))
    assert history == [
        ("opened", None, alert.events.first().note),
        ("acknowledged", "tom-trader", "looking"),
        ("resolved", "tom-trader", "fixed"),
    ]
    assert notified[-1] == (alert.pk, "resolved")
    actions = set(AuditEvent.objects.filter(target_type="alert").values_list("action", flat=True))
    assert actions == {"monitoring.alert.acknowledge", "monitoring.alert.resolve"}
    with pytest.raises(AlertStateError):
        alert_resolve(alert_id=alert.pk, actor=trader_user)


def test_nothing_is_notified_when_the_transaction_rolls_back(
    make_rule: Any, at: Any, notified: Any, halt: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                alert_raise(key="adhoc:rollback", title="t", message="m", severity="info")
                raise RuntimeError("caller fails after raising")
        except RuntimeError:
            pass
    assert notified == []
    assert not Alert.objects.filter(key="adhoc:rollback").exists()


def test_alert_raise_and_clear(db: None, notified: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = alert_raise(
            key="adhoc:x", title="X broke", message="one", severity="warning", labels={"a": 1}
        )
        again = alert_raise(key="adhoc:x", title="X broke", message="two", severity="critical")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.message, again.severity, again.labels, again.rule_id) == ("two", "critical", {"a": 1}, None)
    assert notified == [(first.pk, "opened")]
    with django_capture_on_commit_callbacks(execute=True):
        alert_clear(key="adhoc:x")
        alert_clear(key="adhoc:x")  # nothing active: no-op
        reopened = alert_raise(key="adhoc:x", title="X broke", message="three", severity="info")
    assert reopened.pk != first.pk
    assert notified == [(first.pk, "opened"), (first.pk, "resolved"), (reopened.pk, "opened")]
    with pytest.raises(ValueError, match="severity"):
        alert_raise(key="adhoc:y", title="t", message="m", severity="fatal")


def test_one_active_alert_per_key_is_enforced_by_the_database(db: None) -> None:
    Alert.objects.create(key="k", title="t", severity="info", state="open")
    Alert.objects.create(key="k", title="t", severity="info", state="resolved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(key="k", title="t", severity="info", state="acknowledged")
    assert AlertEvent.objects.count() == 0


def test_migration_seeds_one_rule_per_type_and_the_beat_job(db: None) -> None:
    from django_celery_beat.models import PeriodicTask

    from apps.monitoring.models.alerts import RuleType

    seeded = set(AlertRule.objects.values_list("rule_type", flat=True))
    assert seeded == set(RuleType.values)
    job = PeriodicTask.objects.get(task="monitoring.evaluate_alert_rules")
    assert (job.interval.every, job.interval.period, job.enabled, job.expire_seconds) == (
        15,
        "seconds",
        True,
        15,
    )


def test_the_task_evaluates_the_seeded_rules(db: None, notified: Any, monkeypatch: Any) -> None:
    from apps.monitoring.alerts.tasks import evaluate_alert_rules

    # Sources other processes own are faked unreadable; each such rule records its error, the rest run.
    def unreadable(params: Any, now: Any) -> Reading:
        raise ConnectionError("not running in this test")

    for rule_type in (
        "error_rate",
        "p95_latency",
        "stream_stale",
        "user_stream_down",
        "rate_budget",
        "breaker_open",
    ):
        monkeypatch.setitem(conditions.READERS, rule_type, unreadable)
    counts = evaluate_alert_rules.apply().get()
    assert sum(counts.values()) == AlertRule.objects.filter(enabled=True).count() == 15
    assert counts["error"] >= 6
