"""Fixtures of delivery tests: alerts, channels of each kind, short network timeouts, a fixed jitter."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apps.monitoring.delivery.channels import channel_create
from apps.monitoring.models import Alert, NotificationChannel

WEBHOOK_SECRET = "whsec-Zq81mXv3-test-signing-Q7w9"
BOT_TOKEN = "7405582910:AAHd9kPq3ZxW-vYt2sRm5LnB8cF0gJ4eUoQ"


@pytest.fixture(autouse=True)
def _fast_network(settings: Any) -> None:
    # The receivers are local: a short timeout keeps the stalled-receiver cases quick.
    settings.TRADER_NOTIFY_HTTP_TIMEOUT_S = 0.5
    settings.TRADER_NOTIFY_MAX_ATTEMPTS = 6
    settings.TRADER_NOTIFY_BACKOFF_BASE_S = 5.0
    settings.TRADER_NOTIFY_BACKOFF_MAX_S = 900.0
    settings.TRADER_PUBLIC_URL = "https://trader.example"


@pytest.fixture
def no_channels(db: None) -> None:
    """Start without the default in-app channel the migration creates."""
    NotificationChannel.objects.all().delete()


@pytest.fixture
def make_alert(db: None) -> Callable[..., Alert]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Alert:
        n = next(counter)
        values: dict[str, Any] = {
            "key": f"test:{n}",
            "title": f"Exchange error rate over 5 % <spot> & co #{n}",
            "message": "12 of 40 calls failed in the last 5 minutes.",
            "severity": "critical",
            "last_value": {"error_rate_pct": "30.0", "count": 40},
            "labels": {"market": "spot"},
        }
        values.update(overrides)
        return Alert.objects.create(**values)

    return make


@pytest.fixture
def make_channel(db: None) -> Callable[..., NotificationChannel]:
    def make(kind: str, *, secret: str | None = None, **fields: Any) -> NotificationChannel:
        data: dict[str, Any] = {"name": fields.pop("name", f"{kind} channel"), "kind": kind}
        data.update(fields)
        data.setdefault("min_severity", "info")
        return channel_create(actor=None, data=data, secret=secret)

    return make


@pytest.fixture
def fixed_rng() -> Iterator[random.Random]:
    yield random.Random(20261125)


@pytest.fixture
def eager_celery(monkeypatch: pytest.MonkeyPatch) -> None:
    from trader.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
