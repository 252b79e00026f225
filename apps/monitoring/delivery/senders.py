"""One sender per channel kind: each makes one attempt and says how it went, and never raises.

A sender gets everything it needs in a `Message` (no database access), so the service can hold no
transaction while it runs. Temporary failures come back as `retry`, final ones as `fail`; error text is
our own wording plus a redacted excerpt of the receiver's answer, with the channel's secret scrubbed.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from apps.common.redaction import MASK, redact_text
from apps.monitoring.delivery import http
from apps.monitoring.delivery.domain import texts
from apps.monitoring.delivery.domain.policy import Outcome, classify_http, parse_retry_after
from apps.monitoring.delivery.domain.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign
from apps.monitoring.delivery.payloads import alerts_link, iso

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from apps.exchange.domain.secrets import Secret

ERROR_MAX = 500


@dataclass(frozen=True)
class Message:
    delivery_id: int
    event: str
    alert: dict[str, Any]
    config: dict[str, Any]
    secret: Secret | None
    now: datetime


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    code: int | None = None
    error: str = ""
    retry_after: float | None = None


def scrub(text: str, secret: Secret | None) -> str:
    """`text` fit to store and show: the channel's own secret and every known secret form masked."""
    if secret is not None and secret.reveal():
        text = text.replace(secret.reveal(), MASK)
    return redact_text(text)[:ERROR_MAX]


def _timeout() -> float:
    return min(5.0, float(settings.TRADER_NOTIFY_HTTP_TIMEOUT_S))


def send_inapp(message: Message) -> Attempt:
    from apps.realtime.publish import broadcast_account_event

    broadcast_account_event("alert", {"event": message.event, "alert": message.alert})
    return Attempt("sent")


def send_email(message: Message) -> Attempt:
    link = alerts_link(message.alert.get("id"))
    mail = EmailMessage(
        subject=texts.email_subject(message.event, message.alert),
        body=texts.email_body(message.event, message.alert, link),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(message.config.get("recipients", [])),
        headers={"X-Trader-Delivery": str(message.delivery_id)},
        connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
    )
    try:
        mail.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
        # The server understood and said no: the address or the account needs fixing, not a retry.
        return Attempt("fail", error=f"mail server refused: {type(exc).__name__} {_smtp_detail(exc)}")
    except smtplib.SMTPResponseException as exc:
        temporary = 400 <= exc.smtp_code < 500
        return Attempt("retry" if temporary else "fail", error=f"mail server answered {_smtp_detail(exc)}")
    except (smtplib.SMTPException, OSError) as exc:
        return Attempt("retry", error=f"mail server unreachable: {type(exc).__name__}")
    return Attempt("sent")


def _smtp_detail(exc: smtplib.SMTPException) -> str:
    code = getattr(exc, "smtp_code", None)
    raw = getattr(exc, "smtp_error", b"")
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return f"{code} {text}".strip() if code else text


def _answer_excerpt(answer: http.HttpAnswer) -> str:
    return " ".join(answer.body[:300].decode("utf-8", errors="replace").split())


def webhook_body(message: Message) -> bytes:
    document = {
        "event": message.event,
        "alert": message.alert,
        "sent_at": iso(message.now),
        "delivery_id": message.delivery_id,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def send_webhook(message: Message) -> Attempt:
    if message.secret is None:
        return Attempt("fail", error="the channel has no signing secret")
    body = webhook_body(message)
    headers = dict(message.config.get("headers") or {})
    headers[SIGNATURE_HEADER] = sign(message.secret.reveal(), int(message.now.timestamp()), body)
    headers[DELIVERY_HEADER] = str(message.delivery_id)
    headers[EVENT_HEADER] = message.event
    try:
        answer = http.post_json(message.config["url"], body, headers, timeout=_timeout())
    except http.TransportError as exc:
        return Attempt("retry", error=str(exc))
    outcome = classify_http(answer.status)
    if outcome == "sent":
        return Attempt("sent", code=answer.status)
    excerpt = _answer_excerpt(answer)
    return Attempt(
        outcome,
        code=answer.status,
        error=f"HTTP {answer.status}" + (f": {excerpt}" if excerpt else ""),
        retry_after=parse_retry_after(answer.headers.get("retry-after"), now=message.now),
    )


def send_telegram(message: Message) -> Attempt:
    if message.secret is None:
        return Attempt("fail", error="the channel has no bot token")
    url = f"{message.config['api_base']}/bot{message.secret.reveal()}/sendMessage"
    document = {
        "chat_id": message.config["chat_id"],
        "text": texts.telegram_text(message.event, message.alert, alerts_link(message.alert.get("id"))),
        "parse_mode": "HTML",
        "disable_web_page_preview": True,
    }
    body = json.dumps(document, ensure_ascii=False).encode()
    try:
        answer = http.post_json(url, body, {}, timeout=_timeout())
    except http.TransportError as exc:
        return Attempt("retry", error=str(exc))
    reply = _json_or_empty(answer.body)
    outcome = classify_http(answer.status)
    if outcome == "sent" and reply.get("ok") is True:
        return Attempt("sent", code=answer.status)
    if outcome == "sent":  # 200 without ok: true is not a sent message
        outcome = "fail"
    description = str(reply.get("description") or _answer_excerpt(answer))
    parameters = reply.get("parameters") if isinstance(reply.get("parameters"), dict) else {}
    retry_after = parse_retry_after(answer.headers.get("retry-after"), now=message.now)
    if retry_after is None and isinstance(parameters.get("retry_after"), int):
        retry_after = float(parameters["retry_after"])  # Telegram puts it in the body on 429
    return Attempt(
        outcome,
        code=answer.status,
        error=f"Telegram HTTP {answer.status}" + (f": {description}" if description else ""),
        retry_after=retry_after,
    )


def _json_or_empty(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


SENDERS: dict[str, Callable[[Message], Attempt]] = {
    "inapp": send_inapp,
    "email": send_email,
    "webhook": send_webhook,
    "telegram": send_telegram,
}


def send(kind: str, message: Message) -> Attempt:
    """One attempt through the sender of `kind`; an unexpected error is a retry, never an exception."""
    sender = SENDERS.get(kind)
    if sender is None:
        return Attempt("fail", error=f"unknown channel kind {kind!r}")
    try:
        attempt = sender(message)
    except Exception as exc:  # isolation: one broken channel must not take the caller down
        attempt = Attempt("retry", error=f"{type(exc).__name__}: {exc}")
    return Attempt(attempt.outcome, attempt.code, scrub(attempt.error, message.secret), attempt.retry_after)
