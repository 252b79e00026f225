"""Which channels get an alert event, and that one failing channel never stops the others."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from apps.monitoring.delivery import notify_alert
from apps.monitoring.delivery.services import delivery_fanout
from apps.monitoring.models import Delivery, NotificationChannel
from apps.monitoring.tests.delivery.conftest import BOT_TOKEN, WEBHOOK_SECRET
from apps.monitoring.tests.delivery.receivers import Receiver, Step, closed_port_url


def test_the_migration_made_a_default_in_app_channel_and_the_retry_sweep(db: None) -> None:
    channel = NotificationChannel.objects.get(name="Dashboard (in-app)")
    assert (channel.kind, channel.enabled, channel.min_severity) == ("inapp", True, "info")
    assert channel.events == ["opened", "acknowledged", "resolved", "reminder"]
    job = PeriodicTask.objects.get(name="monitoring: retry alert deliveries")
    assert (job.task, job.enabled, job.interval.every, job.interval.period) == (
        "monitoring.delivery_sweep",
        True,
        60,
        "seconds",
    )


@pytest.mark.usefixtures("no_channels")
def test_each_channel_gets_only_the_severities_and_events_it_asked_for(
    make_alert: Any, make_channel: Any
) -> None:
    everything = make_channel("inapp", name="all", min_severity="info")
    warnings = make_channel(
        "email", name="warn", min_severity="warning", config={"recipients": ["a@example.com"]}
    )
    critical = make_channel(
        "email", name="crit", min_severity="critical", config={"recipients": ["b@example.com"]}
    )
    opened_only = make_channel("inapp", name="opened only", events=["opened"])
    off = make_channel("inapp", name="off", enabled=False)

    def channels_for(alert: Any, event: str) -> set[int]:
        ids = delivery_fanout(alert_id=alert.pk, event=event, alert=None, occurrence=str(uuid.uuid4()))
        return set(Delivery.objects.filter(pk__in=ids).values_list("channel_id", flat=True))

    info, warning, crit = (
        make_alert(severity="info"),
        make_alert(severity="warning"),
        make_alert(severity="critical"),
    )
    assert channels_for(info, "opened") == {everything.pk, opened_only.pk}
    assert channels_for(warning, "opened") == {everything.pk, warnings.pk, opened_only.pk}
    assert channels_for(crit, "opened") == {everything.pk, warnings.pk, critical.pk, opened_only.pk}
    assert channels_for(crit, "resolved") == {everything.pk, warnings.pk, critical.pk}
    assert not Delivery.objects.filter(channel=off).exists()


@pytest.mark.usefixtures("no_channels")
def test_a_redelivered_fanout_task_makes_no_second_set_of_deliveries(
    make_alert: Any, make_channel: Any
) -> None:
    make_channel("inapp", name="a")
    make_channel("email", name="b", config={"recipients": ["a@example.com"]})
    alert, occurrence = make_alert(), str(uuid.uuid4())
    first = delivery_fanout(alert_id=alert.pk, event="opened", alert=None, occurrence=occurrence)
    again = delivery_fanout(alert_id=alert.pk, event="opened", alert=None, occurrence=occurrence)
    assert len(first) == 2 and sorted(again) == sorted(first)
    assert Delivery.objects.filter(alert=alert).count() == 2


@pytest.mark.usefixtures("no_channels")
def test_a_failing_channel_never_blocks_the_others(
    make_alert: Any,
    make_channel: Any,
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Four channels, two broken differently: refused connection, and a stalled receiver (timeout); plus
    # a Telegram channel whose stored secret cannot be opened (tampered ciphertext).
    refused = make_channel(
        "webhook", name="refused", config={"url": closed_port_url()}, secret=WEBHOOK_SECRET
    )
    broken = make_channel(
        "telegram", name="broken", config={"chat_id": 1, "api_base": "http://127.0.0.1:9"}, secret=BOT_TOKEN
    )
    NotificationChannel.objects.filter(pk=broken.pk).update(
        secret_encrypted=broken.secret_encrypted[:-8] + "AAAAAAA="
    )
    email = make_channel("email", name="mail", config={"recipients": ["ops@example.com"]})
    with Receiver([Step.stall(2.0)]) as slow_receiver, Receiver([Step.answer(204, b"")]) as good_receiver:
        slow = make_channel("webhook", name="slow", config={"url": slow_receiver.url}, secret=WEBHOOK_SECRET)
        good = make_channel("webhook", name="good", config={"url": good_receiver.url}, secret=WEBHOOK_SECRET)
        alert = make_alert()
        # The real path: notify inside the alert's transaction, fan out and send from (eager) tasks.
        with django_capture_on_commit_callbacks(execute=True):
            notify_alert(alert.pk, "opened")
        assert len(good_receiver.requests) == 1

    by_channel = {d.channel_id: d for d in Delivery.objects.filter(alert=alert)}
    assert set(by_channel) == {refused.pk, broken.pk, email.pk, slow.pk, good.pk}
    assert (by_channel[good.pk].status, by_channel[good.pk].response_code) == ("sent", 204)
    assert by_channel[email.pk].status == "sent" and len(mail.outbox) == 1
    assert (by_channel[refused.pk].status, by_channel[refused.pk].last_error) == (
        "retrying",
        "connection refused",
    )
    assert (by_channel[slow.pk].status, by_channel[slow.pk].last_error) == ("retrying", "timed out")
    assert by_channel[broken.pk].status == "retrying"
    assert by_channel[broken.pk].last_error.startswith("channel secret unreadable")
    assert all(d.attempts == 1 for d in by_channel.values())


@pytest.mark.usefixtures("no_channels")
def test_notify_alert_never_raises(make_alert: Any, caplog: pytest.LogCaptureFixture) -> None:
    notify_alert(make_alert().pk, "exploded")
    assert "notification could not be scheduled" in caplog.text
    notify_alert(999_999, "opened")  # no such alert: logged, nothing scheduled
    assert "no such alert" in caplog.text
