"""Scrape-time collectors against their real sources: broker Redis, the risk tables, stream health."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
import redis
from prometheus_client import CollectorRegistry, generate_latest

from apps.monitoring.metrics.collectors import (
    CeleryQueueCollector,
    TradingStateCollector,
    UserStreamCollector,
    celery_queues,
)
from apps.streams.domain.health import StreamHealth
from apps.streams.health import StreamsStatus

if TYPE_CHECKING:
    from collections.abc import Iterator

    from prometheus_client.registry import Collector
    from pytest_django.fixtures import SettingsWrapper


def _scrape(collector: Collector) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry).decode()


@pytest.fixture
def queue(settings: SettingsWrapper) -> Iterator[tuple[str, redis.Redis]]:
    name = f"test-metrics-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield name, client
    client.delete(name, f"{name}\x06\x163", f"{name}\x06\x169")
    client.close()


def test_queue_length_sums_every_priority_list(
    queue: tuple[str, redis.Redis], settings: SettingsWrapper
) -> None:
    name, client = queue
    client.rpush(name, "a", "b")
    client.rpush(f"{name}\x06\x169", "c")
    text = _scrape(CeleryQueueCollector(settings.REDIS_URL, lambda: [name, f"{name}-empty"]))
    assert f'trader_celery_queue_length{{queue="{name}"}} 3.0' in text
    assert f'trader_celery_queue_length{{queue="{name}-empty"}} 0.0' in text
    assert 'trader_metrics_collector_up{collector="celery"} 1.0' in text
    assert "trader_celery_unacked " in text


def test_an_unreachable_broker_reports_the_collector_down_without_failing_the_scrape(
    caplog: pytest.LogCaptureFixture,
) -> None:
    collector = CeleryQueueCollector("redis://127.0.0.1:1/0", lambda: ["celery"])
    with caplog.at_level("WARNING"):
        first = _scrape(collector)
        second = _scrape(collector)
    assert 'trader_metrics_collector_up{collector="celery"} 0.0' in first
    assert "trader_celery_queue_length" not in first
    assert first == second
    assert len([r for r in caplog.records if "collector celery failed" in r.message]) == 1  # once per streak


def test_a_non_redis_broker_is_skipped() -> None:
    text = _scrape(CeleryQueueCollector("amqp://guest@localhost//", lambda: ["celery"]))
    assert 'trader_metrics_collector_up{collector="celery"} 1.0' in text
    assert "trader_celery_queue_length{" not in text


def test_queues_are_the_default_one_plus_routed_and_configured(settings: SettingsWrapper) -> None:
    settings.CELERY_TASK_DEFAULT_QUEUE = "main"
    settings.CELERY_TASK_ROUTES = {"apps.x.tasks.*": {"queue": "slow"}}
    settings.TRADER_METRICS_CELERY_QUEUES = ["extra"]
    assert celery_queues() == ["extra", "main", "slow"]


@pytest.mark.django_db
def test_trading_state_and_kill_switch_from_the_risk_tables() -> None:
    from apps.risk.models import KillSwitchRun, TradingState

    text = _scrape(TradingStateCollector())
    for scope in ("all", "spot", "usdm"):
        assert f'trader_trading_state{{scope="{scope}"}} 0.0' in text
    assert "trader_kill_switch_engaged 0.0" in text

    TradingState.objects.create(market="SPOT", state="HALTED", reason="test")
    TradingState.objects.create(market="USDM", symbol="ETHUSDT", state="REDUCE_ONLY", reason="test")
    TradingState.objects.create(market="USDM", symbol="BTCUSDT", state="HALTED", reason="test")
    TradingState.objects.create(market="USDM", symbol="BTCUSDT", state="ACTIVE", reason="resumed")
    KillSwitchRun.objects.create(scope="usdm", reason="test")

    text = _scrape(TradingStateCollector())
    assert 'trader_trading_state{scope="spot"} 2.0' in text
    assert 'trader_trading_state{scope="usdm:ethusdt"} 1.0' in text
    assert "btcusdt" not in text  # active again: symbol scopes show only while restricted
    assert "trader_kill_switch_engaged 1.0" in text
    assert "trader_kill_switch_runs_running 1.0" in text


def _status(*streams: StreamHealth, running: bool = True, now_ms: int = 1_000_000) -> Any:
    return lambda: StreamsStatus(
        running=running, process={} if running else None, streams=list(streams), now_ms=now_ms
    )


def test_user_streams_up_down_and_ages(settings: SettingsWrapper) -> None:
    settings.TRADER_STREAMS_DOWN_AFTER_S = 60
    live = StreamHealth(name="spot", market="SPOT", state="live", connected=True, last_event_ms=990_000)
    down = StreamHealth(name="futures", market="USDM", state="backoff", down_since_ms=900_000)
    text = _scrape(UserStreamCollector(_status(live, down)))
    assert "trader_user_streams_process_up 1.0" in text
    assert 'trader_user_stream_up{stream="spot"} 1.0' in text
    assert 'trader_user_stream_up{stream="futures"} 0.0' in text
    assert 'trader_user_stream_down{stream="futures"} 1.0' in text  # 100 s > 60 s
    assert 'trader_user_stream_down{stream="spot"} 0.0' in text
    assert 'trader_user_stream_down_seconds{stream="futures"} 100.0' in text
    assert 'trader_user_stream_last_event_age_seconds{stream="spot"} 10.0' in text


def test_no_streams_process_is_reported_as_such() -> None:
    text = _scrape(UserStreamCollector(_status(running=False)))
    assert "trader_user_streams_process_up 0.0" in text
    assert "trader_user_stream_up{" not in text
