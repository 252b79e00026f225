"""The pure rules of delivery: channel validation, who gets what, retry policy, signatures, message texts."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.monitoring.delivery.domain import signing, texts
from apps.monitoring.delivery.domain.config import validate_channel, validate_secret
from apps.monitoring.delivery.domain.policy import (
    RetryPolicy,
    channel_wants,
    classify_http,
    parse_retry_after,
    severity_meets,
)

ALL_EVENTS = ["opened", "acknowledged", "resolved", "reminder"]


def check(
    kind: str, config: object, *, has_secret: bool = False, severity: str = "info", events: object = None
):
    return validate_channel(
        kind=kind,
        min_severity=severity,
        events=ALL_EVENTS if events is None else events,
        config=config,
        has_secret=has_secret,
    )


@pytest.mark.parametrize(
    ("kind", "config", "has_secret", "expected"),
    [
        ("inapp", {}, False, set()),
        ("email", {"recipients": ["ops@example.com", "OPS@example.com", "b@example.org"]}, False, set()),
        ("email", {"recipients": "ops@example.com, b@example.org"}, False, set()),
        ("email", {"recipients": []}, False, {"config.recipients"}),
        ("email", {"recipients": ["not-an-address"]}, False, {"config.recipients"}),
        ("email", {}, True, {"config.recipients", "secret"}),
        ("webhook", {"url": "https://hooks.example.com/trader"}, True, set()),
        ("webhook", {"url": "http://127.0.0.1:8123/hook", "headers": {"X-Team": "ops"}}, True, set()),
        ("webhook", {"url": "https://hooks.example.com/x"}, False, {"secret"}),
        ("webhook", {"url": "ftp://hooks.example.com/x"}, True, {"config.url"}),
        ("webhook", {"url": "not a url"}, True, {"config.url"}),
        ("webhook", {"url": "https://user:pw@hooks.example.com/x"}, True, {"config.url"}),
        ("webhook", {}, True, {"config.url"}),
        (
            "webhook",
            {"url": "https://h.example.com", "headers": {"Authorization": "Bearer x"}},
            True,
            {"config.headers"},
        ),
        (
            "webhook",
            {"url": "https://h.example.com", "headers": {"X-Trader-Signature": "x"}},
            True,
            {"config.headers"},
        ),
        (
            "webhook",
            {"url": "https://h.example.com", "headers": {"X-Ok": "a\r\nInjected: 1"}},
            True,
            {"config.headers"},
        ),
        ("webhook", {"url": "https://h.example.com", "verify": False}, True, {"config.verify"}),
        ("telegram", {"chat_id": -1001234567890}, True, set()),
        ("telegram", {"chat_id": "@trader_alerts", "api_base": "http://127.0.0.1:9000/"}, True, set()),
        ("telegram", {}, True, {"config.chat_id"}),
        ("telegram", {"chat_id": "two words"}, True, {"config.chat_id"}),
        ("telegram", {"chat_id": True}, True, {"config.chat_id"}),
        ("telegram", {"chat_id": 42}, False, {"secret"}),
        ("sms", {}, False, {"kind"}),
        ("webhook", "https://h.example.com", True, {"config"}),
    ],
)
def test_channel_configs_are_checked_per_kind(
    kind: str, config: object, has_secret: bool, expected: set[str]
) -> None:
    assert set(check(kind, config, has_secret=has_secret).errors) == expected


def test_a_valid_config_comes_back_normalised() -> None:
    email = check("email", {"recipients": " ops@example.com ,OPS@example.com,b@example.org"})
    assert email.config == {"recipients": ["ops@example.com", "b@example.org"]}
    telegram = check("telegram", {"chat_id": "-100123"}, has_secret=True)
    assert telegram.config == {"chat_id": -100123, "api_base": "https://api.telegram.org"}
    local = check("telegram", {"chat_id": 5, "api_base": "http://127.0.0.1:9000/"}, has_secret=True)
    assert local.config["api_base"] == "http://127.0.0.1:9000"
    webhook = check("webhook", {"url": " https://h.example.com/x "}, has_secret=True)
    assert webhook.config == {"url": "https://h.example.com/x", "headers": {}}


@pytest.mark.parametrize(
    ("severity", "events", "field"),
    [
        ("loud", ALL_EVENTS, "min_severity"),
        ("info", [], "events"),
        ("info", ["opened", "exploded"], "events"),
        ("info", "opened", "events"),
    ],
)
def test_severity_and_events_are_checked(severity: str, events: object, field: str) -> None:
    assert field in check("inapp", {}, severity=severity, events=events).errors


def test_events_come_back_in_canonical_order_without_duplicates() -> None:
    assert check("inapp", {}, events=["resolved", "opened", "resolved"]).events == ["opened", "resolved"]


@pytest.mark.parametrize(
    ("kind", "secret", "ok"),
    [
        ("webhook", "s" * 16, True),
        ("webhook", "short", False),
        ("webhook", "has a space in it ok", False),
        ("telegram", "7405582910:AAHd9kPq3ZxW-vYt2sRm5LnB8cF0gJ4eUoQ", True),
        ("telegram", "not-a-token", False),
        ("email", "anything-at-all-here", False),
    ],
)
def test_secret_formats(kind: str, secret: str, ok: bool) -> None:
    problem = validate_secret(kind, secret)
    assert (problem is None) is ok
    if problem:
        assert secret not in problem  # a refusal never echoes the value


@pytest.mark.parametrize(
    ("severity", "minimum", "meets"),
    [
        ("info", "info", True),
        ("warning", "info", True),
        ("critical", "warning", True),
        ("info", "warning", False),
        ("warning", "critical", False),
        ("critical", "critical", True),
        ("bogus", "info", False),
    ],
)
def test_severity_filter(severity: str, minimum: str, meets: bool) -> None:
    assert severity_meets(severity, minimum) is meets


def test_a_channel_wants_only_its_events_when_enabled() -> None:
    wants = {"min_severity": "warning", "events": ["opened", "resolved"], "severity": "critical"}
    assert channel_wants(enabled=True, event="opened", **wants)
    assert not channel_wants(enabled=True, event="acknowledged", **wants)
    assert not channel_wants(enabled=False, event="opened", **wants)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "sent"),
        (204, "sent"),
        (301, "fail"),
        (400, "fail"),
        (401, "fail"),
        (404, "fail"),
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
    ],
)
def test_http_statuses_are_classified(status: int, outcome: str) -> None:
    assert classify_http(status) == outcome


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 11, 25, 14, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Wed, 25 Nov 2026 14:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Wed, 25 Nov 2026 13:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None, now=now) is None


def test_the_backoff_doubles_with_equal_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=6, base_s=5, max_delay_s=60)
    assert [policy.step(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    assert [policy.after(attempt=n, outcome="retry") for n in (1, 5, 6)] == ["retrying", "retrying", "failed"]
    assert policy.after(attempt=6, outcome="sent") == "sent"
    assert policy.after(attempt=1, outcome="fail") == "failed"


@given(attempt=st.integers(1, 20), seed=st.integers(0, 2**32), retry_after=st.none() | st.floats(0, 10_000))
def test_every_delay_lies_in_the_jitter_window_and_honours_retry_after(
    attempt: int, seed: int, retry_after: float | None
) -> None:
    policy = RetryPolicy(base_s=5, max_delay_s=900, retry_after_cap_s=3600)
    delay = policy.delay(attempt, random.Random(seed), retry_after)
    step = policy.step(attempt)
    low = max(step / 2, min(retry_after, 3600)) if retry_after is not None else step / 2
    assert low <= delay <= max(step, low)


def test_a_signature_verifies_and_rejects_tampering_replay_and_wrong_secrets() -> None:
    body = b'{"event":"opened","delivery_id":7}'
    header = signing.sign("s3cret-s3cret-s3cret", 1_790_000_000, body)
    assert header.startswith("t=1790000000,v1=") and len(header.split("v1=")[1]) == 64
    assert signing.verify("s3cret-s3cret-s3cret", header, body, now=1_790_000_100)
    assert not signing.verify("s3cret-s3cret-s3cret", header, body + b" ", now=1_790_000_100)
    assert not signing.verify("another-secret-value", header, body, now=1_790_000_100)
    assert not signing.verify("s3cret-s3cret-s3cret", header, body, now=1_790_000_000 + 301)
    assert not signing.verify("s3cret-s3cret-s3cret", "v1=abc", body, now=1_790_000_000)


ALERT = {
    "id": 12,
    "rule": 3,
    "rule_name": "Exchange error rate",
    "rule_type": "error_rate",
    "key": "error_rate:3",
    "title": "Error rate <b>30 %</b> & rising",
    "message": "12 of 40 calls failed.\nSee the call log.",
    "severity": "critical",
    "state": "open",
    "opened_at": "2026-11-25T14:00:00Z",
    "acknowledged_at": None,
    "acknowledged_by": None,
    "resolved_at": None,
    "last_value": {"error_rate_pct": "30.0"},
    "labels": {"market": "spot"},
}


def test_the_email_subject_names_severity_title_and_event() -> None:
    assert texts.email_subject("opened", ALERT) == "[TRADER CRITICAL] Error rate <b>30 %</b> & rising"
    assert texts.email_subject("resolved", ALERT).endswith("& rising (resolved)")
    assert "\n" not in texts.email_subject("opened", {**ALERT, "title": "two\nlines"})


def test_the_email_body_lists_the_facts_and_links_to_the_alert_centre() -> None:
    body = texts.email_body("opened", ALERT, "https://trader.example/alerts?alert=12")
    assert body.startswith("CRITICAL alert opened: Error rate <b>30 %</b> & rising")
    for fact in (
        "#12 (error_rate:3)",
        "Exchange error rate (error_rate)",
        '{"error_rate_pct": "30.0"}',
        "market=spot",
        "2026-11-25T14:00:00Z",
        "https://trader.example/alerts?alert=12",
    ):
        assert fact in body


def test_telegram_text_escapes_every_value_and_stays_under_the_limit() -> None:
    text = texts.telegram_text("opened", ALERT, "https://trader.example/alerts?alert=12&x=1")
    assert "Error rate &lt;b&gt;30 %&lt;/b&gt; &amp; rising" in text
    assert '<a href="https://trader.example/alerts?alert=12&amp;x=1">' in text
    huge = texts.telegram_text("opened", {**ALERT, "message": "<x>" * 5000}, "https://t.example/alerts")
    assert len(huge) <= texts.TELEGRAM_MAX and huge.endswith("</a>")
