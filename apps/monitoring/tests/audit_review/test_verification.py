"""Chain verifications are recorded (beat task, admin, command), and a break opens the alert at once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask

from apps.monitoring.audit_review.services import ALERT_KEY, audit_verification_run
from apps.monitoring.audit_review.tasks import verify_audit_chain
from apps.monitoring.models import AuditVerification
from apps.monitoring.selectors import audit_verification_latest
from apps.monitoring.services import audit_record
from apps.monitoring.tests.audit_review.conftest import tamper

pytestmark = pytest.mark.django_db


def test_an_intact_chain_is_recorded_as_ok() -> None:
    for n in range(3):
        audit_record(actor=None, action=f"test.{n}")
    verification = audit_verification_run(triggered_by="admin")
    assert (verification.ok, verification.events, verification.broken_at_id) == (True, 3, None)
    assert verification.message == "Audit chain intact: 3 events verified."
    assert verification.triggered_by == "admin"
    assert verification.duration_ms >= 0
    assert audit_verification_latest() == verification


def test_the_latest_verification_is_none_before_the_first() -> None:
    assert audit_verification_latest() is None


def test_the_beat_task_records_a_break_and_opens_the_alert(django_capture_on_commit_callbacks) -> None:
    from apps.monitoring.models import Alert

    events = [audit_record(actor=None, action=f"test.{n}", after={"n": n}) for n in range(4)]
    tamper("UPDATE monitoring_auditevent SET after = %s WHERE id = %s", ['{"n": 99}', events[1].pk])
    with django_capture_on_commit_callbacks(execute=True):
        verification_id = verify_audit_chain.apply(kwargs={"triggered_by": "beat"}).get()
    verification = AuditVerification.objects.get(pk=verification_id)
    assert (verification.ok, verification.broken_at_id, verification.triggered_by) == (
        False,
        events[1].pk,
        "beat",
    )
    assert verification.events == 2  # the walk stops at the first broken link
    assert f"broken at event #{events[1].pk}" in verification.message
    alert = Alert.objects.get(key=ALERT_KEY)
    assert (alert.state, alert.severity) == ("open", "critical")
    assert alert.labels["broken_at_id"] == events[1].pk


def test_the_command_records_its_verification() -> None:
    audit_record(actor=None, action="test.one")
    call_command("verify_audit_chain")
    assert audit_verification_latest().triggered_by == "command"  # type: ignore[union-attr]


def test_the_command_records_a_break_and_fails() -> None:
    events = [audit_record(actor=None, action=f"test.{n}") for n in range(3)]
    tamper("DELETE FROM monitoring_auditevent WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match=rf"broken at event #{events[1].pk} .*previous-hash"):
        call_command("verify_audit_chain")
    latest = audit_verification_latest()
    assert (latest.ok, latest.broken_at_id) == (False, events[1].pk)  # type: ignore[union-attr]


def test_an_unknown_trigger_is_refused() -> None:
    with pytest.raises(ValueError, match="triggered_by"):
        audit_verification_run(triggered_by="cron")


def test_the_daily_verification_and_the_heartbeat_are_scheduled() -> None:
    daily = PeriodicTask.objects.get(task="monitoring.verify_audit_chain")
    assert daily.enabled
    assert (daily.crontab.minute, daily.crontab.hour, str(daily.crontab.timezone)) == ("17", "3", "UTC")
    assert daily.kwargs == '{"triggered_by": "beat"}'
    heartbeat = PeriodicTask.objects.get(task="monitoring.heartbeat")
    assert heartbeat.enabled
    assert (heartbeat.interval.every, heartbeat.interval.period) == (10, "seconds")


def test_both_scheduled_tasks_are_found_where_the_worker_looks() -> None:
    import apps.monitoring.tasks  # noqa: F401 -- the module Celery autodiscovers
    from trader.celery import app

    assert {"monitoring.verify_audit_chain", "monitoring.heartbeat"} <= set(app.tasks)
