"""The words of a notification: email subject and body, Telegram text (pure, from the alert's JSON).

`alert` is the alert as the API shows it (see payloads.alert_json): these functions never touch the
database, so what a message says is exactly the snapshot the delivery recorded.
"""

from __future__ import annotations

import html
import json
from typing import Any, Final

TELEGRAM_MAX: Final = 4096
_EVENT_WORDS: Final = {
    "opened": "opened",
    "acknowledged": "acknowledged",
    "resolved": "resolved",
    "reminder": "still open (reminder)",
    "test": "test message",
}


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(str(text).split())  # a newline in a Subject header would be a header injection
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def email_subject(event: str, alert: dict[str, Any]) -> str:
    """`[TRADER SEVERITY] title`, with the event named when it is not the opening."""
    severity = str(alert.get("severity", "")).upper() or "ALERT"
    suffix = "" if event == "opened" else f" ({_EVENT_WORDS.get(event, event)})"
    return f"[TRADER {severity}] {_one_line(alert.get('title', ''), 150)}{suffix}"


def _value_text(value: Any) -> str:
    if value in (None, {}, []):
        return "-"
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _labels_text(labels: Any) -> str:
    if not isinstance(labels, dict) or not labels:
        return "-"
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))


def facts(alert: dict[str, Any]) -> list[tuple[str, str]]:
    """The alert's facts as (label, value) lines, in reading order; empty values are left out."""
    rule = alert.get("rule_name") or ""
    if rule and alert.get("rule_type"):
        rule = f"{rule} ({alert['rule_type']})"
    acknowledged = alert.get("acknowledged_at") or ""
    if acknowledged and alert.get("acknowledged_by"):
        acknowledged = f"{acknowledged} by {alert['acknowledged_by']}"
    rows = [
        ("Alert", f"#{alert.get('id')} ({alert.get('key', '')})"),
        ("Severity", str(alert.get("severity", ""))),
        ("State", str(alert.get("state", ""))),
        ("Rule", rule or "ad hoc"),
        ("Opened", str(alert.get("opened_at") or "")),
        ("Acknowledged", str(acknowledged)),
        ("Resolved", str(alert.get("resolved_at") or "")),
        ("Value", _value_text(alert.get("last_value"))),
        ("Labels", _labels_text(alert.get("labels"))),
    ]
    return [(label, value) for label, value in rows if value]


def email_body(event: str, alert: dict[str, Any], link: str) -> str:
    severity = str(alert.get("severity", "")).upper()
    lines = [f"{severity} alert {_EVENT_WORDS.get(event, event)}: {alert.get('title', '')}", ""]
    if alert.get("message"):
        lines += [str(alert["message"]), ""]
    width = max(len(label) for label, _ in facts(alert)) + 1
    lines += [f"{label + ':':<{width}} {value}" for label, value in facts(alert)]
    lines += ["", f"Alert centre: {link}", ""]
    return "\n".join(lines)


def telegram_text(event: str, alert: dict[str, Any], link: str) -> str:
    """HTML for Telegram's parse_mode=HTML: every value escaped, only <b>, <code> and <a> as markup."""
    esc = html.escape
    severity = str(alert.get("severity", "")).upper()
    head = f"<b>[TRADER {esc(severity)}] {esc(_EVENT_WORDS.get(event, event))}</b>"
    parts = [head, f"<b>{esc(str(alert.get('title', '')))}</b>"]
    if alert.get("message"):
        parts.append(esc(str(alert["message"])))
    tail = f'<a href="{esc(link, quote=True)}">Open the alert centre</a>'
    body = "\n".join(
        f"{esc(label)}: <code>{esc(value)}</code>" for label, value in facts(alert) if label != "Severity"
    )
    text = "\n".join([*parts, body, tail])
    if len(text) > TELEGRAM_MAX:
        # Cut the free text, never the markup: a dangling tag makes Telegram refuse the whole message.
        rest = [body] if len(head) + len(body) + len(tail) + 100 <= TELEGRAM_MAX else []
        room = TELEGRAM_MAX - len("\n".join([head, *rest, tail])) - 1
        short = _escaped_within(f"{alert.get('title', '')} — {alert.get('message', '')}", room)
        text = "\n".join([head, short, *rest, tail])
    return text


def _escaped_within(raw: str, room: int) -> str:
    """`raw` on one line, HTML-escaped, shortened (with …) to at most `room` characters."""
    text = " ".join(str(raw).split())
    escaped = html.escape(text)
    while len(escaped) > room and text:
        # Each raw character escapes to at least one: dropping the excess (and 1 for "…") nearly fits.
        text = text[: max(0, len(text) - (len(escaped) - room) - 1)]
        escaped = html.escape(text) + "…"
    return escaped if len(escaped) <= room else ""
