"""Webhook delivery against a real local HTTP receiver: signatures, retries with backoff, final outcomes."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.monitoring.delivery.domain.policy import RetryPolicy
from apps.monitoring.delivery.domain.signing import verify
from apps.monitoring.delivery.services import _claim, delivery_attempt, delivery_fanout, delivery_sweep
from apps.monitoring.models import Delivery
from apps.monitoring.tests.delivery.conftest import WEBHOOK_SECRET
from apps.monitoring.tests.delivery.receivers import Receiver, Step

pytestmark = pytest.mark.usefixtures("no_channels")


def fan_out(alert: Any, event: str = "opened") -> list[int]:
    return delivery_fanout(alert_id=alert.pk, event=event, alert=None, occurrence=str(uuid.uuid4()))


def test_a_webhook_is_retried_with_backoff_through_500_drop_and_timeout_then_sent(
    make_alert: Any, make_channel: Any
) -> None:
    script = [Step.answer(500, {"error": "boom"}), Step.drop(), Step.stall(2.0), Step.answer(200)]
    with Receiver(script) as receiver:
        make_channel("webhook", config={"url": f"{receiver.url}/hooks/trader"}, secret=WEBHOOK_SECRET)
        alert = make_alert()
        [delivery_id] = fan_out(alert)
        rng, moment, waits, statuses = random.Random(7), timezone.now(), [], []
        for _ in range(4):
            delivery = delivery_attempt(delivery_id=delivery_id, now=moment, rng=rng)
            assert delivery is not None
            statuses.append(delivery.status)
            if delivery.status == "retrying":
                # Not due again at once: a second worker (or the sweep) finds nothing to do.
                assert delivery_attempt(delivery_id=delivery_id, now=moment, rng=rng) is None
                waits.append((delivery.next_attempt_at - moment).total_seconds())
                moment = delivery.next_attempt_at
        requests = list(receiver.requests)

    assert statuses == ["retrying", "retrying", "retrying", "sent"]
    # The schedule is the policy's: 5 s doubling, equal jitter, drawn from the same generator.
    policy, same = RetryPolicy(max_attempts=6, base_s=5, max_delay_s=900), random.Random(7)
    assert waits == pytest.approx([policy.delay(n, same) for n in (1, 2, 3)], abs=1e-3)
    for n, wait in enumerate(waits, start=1):
        assert policy.step(n) / 2 <= wait <= policy.step(n)

    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 4, 200)
    assert delivery.sent_at == moment and delivery.next_attempt_at is None and delivery.last_error == ""
    log = delivery.attempt_log
    assert [e["outcome"] for e in log] == ["retry", "retry", "retry", "sent"]
    assert log[0]["code"] == 500 and log[0]["error"] == 'HTTP 500: {"error": "boom"}'
    assert log[1]["error"] == "connection closed without a response"
    assert log[2]["error"] == "timed out"
    assert [e["retry_in_s"] for e in log[:3]] == pytest.approx(waits, abs=1e-3) and log[3][
        "retry_in_s"
    ] is None

    assert len(requests) == 4
    for request in requests:
        assert request.path == "/hooks/trader"
        assert request.headers["X-Trader-Delivery"] == str(delivery_id)  # the receiver's idempotency key
        assert request.headers["X-Trader-Event"] == "opened"
        assert request.headers["Content-Type"] == "application/json"
        timestamp = int(request.headers["X-Trader-Signature"].split(",")[0][2:])
        assert verify(WEBHOOK_SECRET, request.headers["X-Trader-Signature"], request.body, now=timestamp)
        assert not verify(
            "some-other-secret-value", request.headers["X-Trader-Signature"], request.body, now=timestamp
        )
        body = request.json()
        assert set(body) == {"event", "alert", "sent_at", "delivery_id"}
        assert (body["event"], body["delivery_id"], body["alert"]["id"]) == ("opened", delivery_id, alert.pk)
        assert (
            body["alert"]["severity"] == "critical"
            and body["alert"]["last_value"]["error_rate_pct"] == "30.0"
        )
    # Each attempt is signed at its own time, so a receiver can refuse stale replays.
    assert len({r.headers["X-Trader-Signature"] for r in requests}) == 4


def test_a_client_error_is_final_without_retry(make_alert: Any, make_channel: Any) -> None:
    with Receiver([Step.answer(404, {"detail": "no such hook"})]) as receiver:
        make_channel("webhook", config={"url": receiver.url}, secret=WEBHOOK_SECRET)
        [delivery_id] = fan_out(make_alert())
        delivery = delivery_attempt(delivery_id=delivery_id)
        assert delivery is not None
        assert delivery_attempt(delivery_id=delivery_id, now=timezone.now() + timedelta(hours=2)) is None
        assert len(receiver.requests) == 1
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 404)
    assert delivery.last_error == 'HTTP 404: {"detail": "no such hook"}' and delivery.next_attempt_at is None


def test_a_redirect_is_not_followed(make_alert: Any, make_channel: Any) -> None:
    with Receiver([Step.answer(302, b"", {"Location": "http://127.0.0.1:1/elsewhere"})]) as receiver:
        make_channel("webhook", config={"url": receiver.url}, secret=WEBHOOK_SECRET)
        [delivery_id] = fan_out(make_alert())
        delivery = delivery_attempt(delivery_id=delivery_id)
        assert len(receiver.requests) == 1
    assert delivery is not None and (delivery.status, delivery.response_code) == ("failed", 302)


def test_retry_after_is_honoured_on_429(make_alert: Any, make_channel: Any) -> None:
    with Receiver([Step.answer(429, {}, {"Retry-After": "120"}), Step.answer(200)]) as receiver:
        make_channel("webhook", config={"url": receiver.url}, secret=WEBHOOK_SECRET)
        [delivery_id] = fan_out(make_alert())
        start = timezone.now()
        first = delivery_attempt(delivery_id=delivery_id, now=start)
        assert first is not None and first.status == "retrying"
        assert (first.next_attempt_at - start).total_seconds() == pytest.approx(120)
        assert delivery_attempt(delivery_id=delivery_id, now=start + timedelta(seconds=60)) is None
        second = delivery_attempt(delivery_id=delivery_id, now=first.next_attempt_at)
    assert second is not None and (second.status, second.attempts) == ("sent", 2)


def test_a_receiver_that_keeps_failing_ends_failed_after_max_attempts(
    make_alert: Any, make_channel: Any, settings: Any
) -> None:
    settings.TRADER_NOTIFY_MAX_ATTEMPTS = 4
    with Receiver([Step.answer(503, b"down for maintenance")]) as receiver:
        make_channel("webhook", config={"url": receiver.url}, secret=WEBHOOK_SECRET)
        [delivery_id] = fan_out(make_alert())
        moment, statuses = timezone.now(), []
        while True:
            delivery = delivery_attempt(delivery_id=delivery_id, now=moment)
            assert delivery is not None
            statuses.append(delivery.status)
            if delivery.next_attempt_at is None:
                break
            moment = delivery.next_attempt_at
        assert len(receiver.requests) == 4
    assert statuses == ["retrying", "retrying", "retrying", "failed"]
    assert (delivery.attempts, delivery.max_attempts, delivery.last_error) == (
        4,
        4,
        "HTTP 503: down for maintenance",
    )


def test_a_claimed_delivery_is_not_sent_twice(make_alert: Any, make_channel: Any) -> None:
    with Receiver([Step.answer(200)]) as receiver:
        make_channel("webhook", config={"url": receiver.url}, secret=WEBHOOK_SECRET)
        [delivery_id] = fan_out(make_alert())
        now = timezone.now()
        assert _claim(delivery_id, now) is not None  # another worker holds it
        assert delivery_attempt(delivery_id=delivery_id, now=now) is None
        # Its lease runs out (the worker died): the row is anyone's again, and is sent once.
        later = now + timedelta(minutes=2)
        delivery = delivery_attempt(delivery_id=delivery_id, now=later)
        assert delivery is not None and delivery.status == "sent"
        assert delivery_attempt(delivery_id=delivery_id, now=later + timedelta(minutes=5)) is None
        assert len(receiver.requests) == 1


def test_the_sweep_sends_due_deliveries_whose_task_was_lost(
    make_alert: Any, make_channel: Any, eager_celery: None
) -> None:
    with Receiver([Step.answer(200)]) as receiver:
        make_channel("webhook", config={"url": receiver.url}, secret=WEBHOOK_SECRET)
        [overdue] = fan_out(make_alert())
        [fresh] = fan_out(make_alert())
        Delivery.objects.filter(pk=overdue).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
        assert delivery_sweep() == 1  # the fresh one is left to its own task for now
        assert len(receiver.requests) == 1
    assert Delivery.objects.get(pk=overdue).status == "sent"
    assert Delivery.objects.get(pk=fresh).status == "pending"
