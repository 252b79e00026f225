"""Fixtures of the alerting tests: rules to evaluate at a controlled time, notification capture, and
Redis key prefixes of their own (rolling windows, market data health, the exchange runtime)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone

from apps.monitoring.alerts.domain.params import validate_params
from apps.monitoring.alerts.evaluation import evaluate_rules
from apps.monitoring.models import Alert, AlertRule


@pytest.fixture
def at() -> Callable[[float], datetime]:
    """The test's clock: seconds after the test started (sources stamped with real time stay in range)."""
    start = timezone.now()
    return lambda seconds: start + timedelta(seconds=seconds)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def key_prefix(settings: Any, redis_client: redis.Redis) -> Iterator[str]:
    """One prefix for every Redis-backed source this test touches; its keys are removed afterwards."""
    value = f"test:alerts:{uuid.uuid4().hex[:12]}"
    settings.TRADER_ROLLING_REDIS_PREFIX = f"{value}:rolling"
    settings.TRADER_MARKETDATA_KEY_PREFIX = f"{value}:md"
    yield value
    keys = list(redis_client.scan_iter(f"{value}:*", count=1000))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def runtime(key_prefix: str) -> Iterator[Any]:
    """An exchange runtime on this test's prefix (breakers, stream health), installed for the readers."""
    from apps.exchange.runtime import build_runtime, set_runtime

    rt = build_runtime(prefix=f"{key_prefix}:ex", environment="sim", sim_url="http://127.0.0.1:9")
    set_runtime(rt)
    yield rt
    set_runtime(None)
    rt.redis.close()


@pytest.fixture
def make_rule(db: None) -> Callable[..., AlertRule]:
    """A rule of its own (the seeded ones are disabled so they cannot interfere)."""
    AlertRule.objects.update(enabled=False)

    def make(rule_type: str, *, for_duration_s: int = 0, cooldown_s: int = 0, **params: Any) -> AlertRule:
        clean, errors = validate_params(rule_type, params)
        assert not errors, errors
        return AlertRule.objects.create(
            name=f"test {rule_type} {uuid.uuid4().hex[:6]}",
            rule_type=rule_type,
            params=clean,
            severity="critical",
            for_duration_s=for_duration_s,
            cooldown_s=cooldown_s,
        )

    return make


@pytest.fixture
def evaluate(django_capture_on_commit_callbacks: Any) -> Callable[[AlertRule, datetime], str]:
    """Evaluate one rule at `now` through the real evaluator (on-commit callbacks run, as in production)."""

    def run(rule: AlertRule, now: datetime) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            (outcome,) = evaluate_rules(now=now, rule_ids=[rule.pk])
        rule.refresh_from_db()
        return outcome.action

    return run


@pytest.fixture
def notified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Every notify_alert call (the delivery boundary), in order."""
    import apps.monitoring.delivery as delivery

    calls: list[tuple[int, str]] = []
    monkeypatch.setattr(delivery, "notify_alert", lambda alert_id, event: calls.append((alert_id, event)))
    return calls


def active_alert(rule: AlertRule) -> Alert | None:
    return Alert.objects.filter(key=rule.alert_key, state__in=["open", "acknowledged"]).first()
