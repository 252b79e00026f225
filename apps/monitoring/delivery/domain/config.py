"""Validation of a notification channel's settings, per kind (pure: no ORM, no I/O).

Errors are keyed by field path (`"config.url"`, `"secret"`, ...) so the API can answer with field-level
messages and the admin can show them next to the form. A valid result carries the normalised config
(defaults filled, strings trimmed, chat ids as numbers) and events in canonical order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

KINDS: Final = ("inapp", "email", "webhook", "telegram")
SEVERITIES: Final = ("info", "warning", "critical")
EVENTS: Final = ("opened", "acknowledged", "resolved", "reminder")
KINDS_WITH_SECRET: Final = frozenset({"webhook", "telegram"})
TELEGRAM_API_BASE: Final = "https://api.telegram.org"

MAX_RECIPIENTS: Final = 20
MAX_HEADERS: Final = 10
_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
# Set by the sender on every request; a channel must not override them.
_RESERVED_HEADERS: Final = frozenset({"content-type", "content-length", "host", "user-agent"})
# Credentials in headers would be plain config, shown to every role; the signature authenticates us.
_CREDENTIAL_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
_TELEGRAM_TOKEN = re.compile(r"^[0-9]{3,20}:[A-Za-z0-9_-]{20,100}$")
_TELEGRAM_CHAT_NAME = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,64}$")
_WEBHOOK_SECRET_MIN: Final = 16
_WEBHOOK_SECRET_MAX: Final = 256

Errors = dict[str, list[str]]


@dataclass
class ChannelValidation:
    config: dict[str, Any] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    errors: Errors = field(default_factory=dict)

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)


def validate_channel(
    *,
    kind: str,
    min_severity: str,
    events: Any,
    config: Any,
    has_secret: bool | None,
) -> ChannelValidation:
    """Check everything but the secret's own format (see `validate_secret`); `has_secret` says whether
    the channel will hold one after this change (None: not known here, not checked)."""
    result = ChannelValidation()
    if kind not in KINDS:
        result.add("kind", f"Choose one of: {', '.join(KINDS)}.")
    if min_severity not in SEVERITIES:
        result.add("min_severity", f"Choose one of: {', '.join(SEVERITIES)}.")
    result.events = _events(events, result)
    if not isinstance(config, dict):
        result.add("config", "Expected an object.")
        return result
    checker = _CONFIG_CHECKS.get(kind)
    if checker is not None:
        result.config = checker(config, result)
    if has_secret is None:
        return result
    if kind in KINDS_WITH_SECRET and not has_secret:
        what = "signing secret" if kind == "webhook" else "bot token"
        result.add("secret", f"A {kind} channel needs its {what}.")
    if kind in KINDS and kind not in KINDS_WITH_SECRET and has_secret:
        result.add("secret", f"A {kind} channel has no secret.")
    return result


def validate_secret(kind: str, secret: str) -> str | None:
    """Why `secret` cannot work for a channel of `kind`, or None. Never echoes the value."""
    if kind == "webhook":
        if not (_WEBHOOK_SECRET_MIN <= len(secret) <= _WEBHOOK_SECRET_MAX):
            return f"The signing secret must be {_WEBHOOK_SECRET_MIN} to {_WEBHOOK_SECRET_MAX} characters."
        if any(c.isspace() for c in secret) or not secret.isprintable():
            return "The signing secret must not contain spaces or control characters."
        return None
    if kind == "telegram":
        if not _TELEGRAM_TOKEN.match(secret):
            return "A Telegram bot token looks like 123456789:AAE… (digits, a colon, then letters)."
        return None
    return f"A {kind} channel has no secret."


def _events(value: Any, result: ChannelValidation) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        result.add("events", "Expected a list of event names.")
        return []
    unknown = sorted(set(value) - set(EVENTS))
    if unknown:
        result.add("events", f"Unknown events: {', '.join(unknown)}; choose from {', '.join(EVENTS)}.")
    if not value:
        result.add("events", "Subscribe to at least one event.")
    return [e for e in EVENTS if e in value]


def _unknown_keys(config: dict[str, Any], allowed: set[str], result: ChannelValidation) -> None:
    for key in sorted(set(config) - allowed):
        result.add(f"config.{key}", "Unknown setting for this kind of channel.")


def _http_url(value: Any, path: str, result: ChannelValidation) -> str:
    if not isinstance(value, str) or not value.strip():
        result.add(path, "Enter an http(s) URL.")
        return ""
    url = value.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        result.add(path, "Enter a valid http(s) URL.")
        return url
    parts = urlsplit(url)
    if parts.username or parts.password:
        # It would be stored and shown in plain text; the signing secret is the credential.
        result.add(path, "The URL must not contain a user name or password.")
    if parts.fragment:
        result.add(path, "The URL must not contain a #fragment.")
    return url


def _check_inapp(config: dict[str, Any], result: ChannelValidation) -> dict[str, Any]:
    _unknown_keys(config, set(), result)
    return {}


def _check_email(config: dict[str, Any], result: ChannelValidation) -> dict[str, Any]:
    _unknown_keys(config, {"recipients"}, result)
    raw = config.get("recipients")
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list) or not raw:
        result.add("config.recipients", "List at least one email address.")
        return {"recipients": []}
    recipients: list[str] = []
    validate = EmailValidator()
    for item in raw:
        address = item.strip() if isinstance(item, str) else ""
        try:
            validate(address)
        except ValidationError:
            result.add("config.recipients", f"Not an email address: {str(item)[:100]!r}.")
            continue
        if address.lower() not in (r.lower() for r in recipients):
            recipients.append(address)
    if len(recipients) > MAX_RECIPIENTS:
        result.add("config.recipients", f"At most {MAX_RECIPIENTS} recipients.")
    return {"recipients": recipients}


def _check_headers(raw: Any, result: ChannelValidation) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        result.add("config.headers", "Expected an object of header names to values.")
        return {}
    if len(raw) > MAX_HEADERS:
        result.add("config.headers", f"At most {MAX_HEADERS} extra headers.")
    headers: dict[str, str] = {}
    for name, value in raw.items():
        lowered = str(name).lower()
        if not _HEADER_NAME.match(str(name)):
            result.add("config.headers", f"Not a header name: {str(name)[:64]!r}.")
        elif lowered in _RESERVED_HEADERS or lowered.startswith("x-trader-"):
            result.add("config.headers", f"{name} is set by the platform and cannot be overridden.")
        elif lowered in _CREDENTIAL_HEADERS:
            result.add(
                "config.headers",
                f"{name} would be stored and shown in plain text; receivers authenticate us by the "
                "X-Trader-Signature header instead.",
            )
        elif not isinstance(value, str) or len(value) > 500 or any(c in value for c in "\r\n\0"):
            result.add("config.headers", f"The value of {name} must be text of at most 500 characters.")
        else:
            headers[str(name)] = value
    return headers


def _check_webhook(config: dict[str, Any], result: ChannelValidation) -> dict[str, Any]:
    _unknown_keys(config, {"url", "headers"}, result)
    return {
        "url": _http_url(config.get("url"), "config.url", result),
        "headers": _check_headers(config.get("headers"), result),
    }


def _chat_id(value: Any, result: ChannelValidation) -> int | str:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?[0-9]{1,20}", text):
            return int(text)
        if _TELEGRAM_CHAT_NAME.match(text):
            return text
    result.add("config.chat_id", "Enter the chat id (a number, negative for groups) or @channelname.")
    return ""


def _check_telegram(config: dict[str, Any], result: ChannelValidation) -> dict[str, Any]:
    _unknown_keys(config, {"chat_id", "api_base"}, result)
    base = config.get("api_base") or TELEGRAM_API_BASE
    return {
        "chat_id": _chat_id(config.get("chat_id"), result),
        "api_base": _http_url(base, "config.api_base", result).rstrip("/"),
    }


_CONFIG_CHECKS = {
    "inapp": _check_inapp,
    "email": _check_email,
    "webhook": _check_webhook,
    "telegram": _check_telegram,
}


def flat_errors(errors: Errors) -> Errors:
    """Errors keyed by top-level field, the sub-field named in the message (for Django forms)."""
    flat: Errors = {}
    for path, messages in errors.items():
        head, _, rest = path.partition(".")
        flat.setdefault(head, []).extend(f"{rest}: {m}" if rest else m for m in messages)
    return flat
