"""Telegram against a local fake Bot API server; email through Django's locmem (and a dead SMTP) backend."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from apps.monitoring.delivery.services import delivery_attempt, delivery_fanout
from apps.monitoring.models import AuditEvent, Delivery
from apps.monitoring.tests.delivery.conftest import BOT_TOKEN
from apps.monitoring.tests.delivery.receivers import Receiver, Step, closed_port_url

pytestmark = pytest.mark.usefixtures("no_channels")

SENT = {"ok": True, "result": {"message_id": 981, "chat": {"id": -1001234567890}, "text": "…"}}


def fan_out(alert: Any, event: str = "opened") -> list[int]:
    return delivery_fanout(alert_id=alert.pk, event=event, alert=None, occurrence=str(uuid.uuid4()))


def test_telegram_posts_an_escaped_html_message_to_the_bot_api(make_alert: Any, make_channel: Any) -> None:
    with Receiver([Step.answer(200, SENT)]) as bot_api:
        make_channel(
            "telegram", config={"chat_id": "-1001234567890", "api_base": bot_api.url}, secret=BOT_TOKEN
        )
        alert = make_alert()
        [delivery_id] = fan_out(alert)
        delivery = delivery_attempt(delivery_id=delivery_id)
        [request] = bot_api.requests
    assert delivery is not None and (delivery.status, delivery.response_code) == ("sent", 200)
    assert request.path == f"/bot{BOT_TOKEN}/sendMessage"
    body = request.json()
    assert body["chat_id"] == -1001234567890 and body["parse_mode"] == "HTML"
    assert body["disable_web_page_preview"] is True
    assert "Exchange error rate over 5 % &lt;spot&gt; &amp; co #" in body["text"]
    assert body["text"].startswith("<b>[TRADER CRITICAL] opened</b>")
    assert f'<a href="https://trader.example/alerts?alert={alert.pk}">' in body["text"]


def test_telegram_flood_control_is_retried_after_the_time_it_asks(make_alert: Any, make_channel: Any) -> None:
    flood = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 37",
        "parameters": {"retry_after": 37},
    }
    with Receiver([Step.answer(429, flood), Step.answer(200, SENT)]) as bot_api:
        make_channel("telegram", config={"chat_id": 42, "api_base": bot_api.url}, secret=BOT_TOKEN)
        [delivery_id] = fan_out(make_alert())
        start = timezone.now()
        first = delivery_attempt(delivery_id=delivery_id, now=start)
        assert first is not None and first.status == "retrying"
        assert (first.next_attempt_at - start).total_seconds() == pytest.approx(37)
        assert first.last_error == "Telegram HTTP 429: Too Many Requests: retry after 37"
        second = delivery_attempt(delivery_id=delivery_id, now=first.next_attempt_at)
        assert len(bot_api.requests) == 2
    assert second is not None and (second.status, second.attempts) == ("sent", 2)


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
            "Telegram HTTP 401: Unauthorized",
        ),
        (
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
            "Telegram HTTP 400: Bad Request: chat not found",
        ),
        (200, {"ok": False, "description": "odd"}, "Telegram HTTP 200: odd"),
    ],
)
def test_telegram_refusals_are_final(
    make_alert: Any, make_channel: Any, status: int, answer: dict[str, Any], error: str
) -> None:
    with Receiver([Step.answer(status, answer)]) as bot_api:
        make_channel("telegram", config={"chat_id": 42, "api_base": bot_api.url}, secret=BOT_TOKEN)
        [delivery_id] = fan_out(make_alert())
        delivery = delivery_attempt(delivery_id=delivery_id)
    assert delivery is not None and (delivery.status, delivery.attempts, delivery.last_error) == (
        "failed",
        1,
        error,
    )


def test_the_bot_token_never_reaches_records_or_logs(
    make_alert: Any, make_channel: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = make_channel(
        "telegram", config={"chat_id": 42, "api_base": closed_port_url().rsplit("/", 1)[0]}, secret=BOT_TOKEN
    )
    [delivery_id] = fan_out(make_alert())
    delivery = delivery_attempt(delivery_id=delivery_id)
    assert delivery is not None and delivery.status == "retrying"
    assert delivery.last_error == "connection refused"
    assert BOT_TOKEN not in caplog.text and BOT_TOKEN.split(":")[1] not in caplog.text
    assert "delivery" in caplog.text  # the attempt itself is logged, without the token
    rows = [str(list(Delivery.objects.values())), str(list(AuditEvent.objects.values()))]
    assert all(BOT_TOKEN.split(":")[1] not in row for row in rows)
    assert channel.secret_hint == f"…{BOT_TOKEN[-4:]}"


def test_email_goes_to_every_recipient_with_the_facts_and_a_link(make_alert: Any, make_channel: Any) -> None:
    make_channel("email", config={"recipients": ["ops@example.com", "oncall@example.org"]})
    alert = make_alert(severity="warning", title="Rate budget over 80 %")
    [delivery_id] = fan_out(alert, "opened")
    delivery = delivery_attempt(delivery_id=delivery_id)
    assert delivery is not None and delivery.status == "sent"
    [message] = mail.outbox
    assert message.subject == "[TRADER WARNING] Rate budget over 80 %"
    assert message.to == ["ops@example.com", "oncall@example.org"]
    assert message.extra_headers["X-Trader-Delivery"] == str(delivery_id)
    assert message.body.startswith("WARNING alert opened: Rate budget over 80 %")
    assert "12 of 40 calls failed in the last 5 minutes." in message.body
    assert f"Alert centre: https://trader.example/alerts?alert={alert.pk}" in message.body
    assert f"#{alert.pk} ({alert.key})" in message.body and "market=spot" in message.body


def test_an_unreachable_mail_server_is_retried(make_alert: Any, make_channel: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(closed_port_url().split(":")[2].split("/")[0])
    make_channel("email", config={"recipients": ["ops@example.com"]})
    [delivery_id] = fan_out(make_alert())
    delivery = delivery_attempt(delivery_id=delivery_id)
    assert delivery is not None and delivery.status == "retrying"
    assert delivery.last_error == "mail server unreachable: ConnectionRefusedError"
