"""Each component probe against the real thing it reads: Redis state of breakers, streams and exchange
probes, trading-state and beat rows, and the real local exchange."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.exchange.limiter import PoolUsage
from apps.exchange.runtime import build_runtime, set_runtime
from apps.monitoring.status import exchange, infra, platform
from apps.monitoring.status.base import ComponentDown, Probe
from apps.monitoring.status.components import run_probe

if TYPE_CHECKING:
    from apps.exchange.runtime import Runtime
    from tests.fixtures.local_exchange import LocalExchange


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_web_reports_this_process() -> None:
    probe = infra.probe_web()
    assert probe.state == "ok"
    assert probe.detail["version"] == "0.1.0"
    assert probe.detail["uptime_s"] >= 0


# ---------------------------------------------------------------- beat
@pytest.mark.django_db
def test_beat_is_ok_while_the_heartbeat_job_is_sent() -> None:
    PeriodicTask.objects.filter(name=infra.HEARTBEAT_NAME).update(
        last_run_at=timezone.now() - timedelta(seconds=5)
    )
    probe = run_probe(infra.probe_beat)
    assert probe.state == "ok"
    assert probe.detail["interval_s"] == 10


@pytest.mark.django_db
@pytest.mark.parametrize(("age_s", "state"), [(29, "ok"), (31, "down")])
def test_beat_is_down_after_three_missed_heartbeats(age_s: int, state: str) -> None:
    PeriodicTask.objects.filter(name=infra.HEARTBEAT_NAME).update(
        last_run_at=timezone.now() - timedelta(seconds=age_s)
    )
    assert run_probe(infra.probe_beat).state == state


@pytest.mark.django_db
def test_beat_is_down_when_it_never_sent_the_heartbeat_or_the_job_is_gone() -> None:
    PeriodicTask.objects.filter(name=infra.HEARTBEAT_NAME).update(last_run_at=None)
    assert run_probe(infra.probe_beat).message == "beat has never sent the heartbeat job"
    PeriodicTask.objects.filter(name=infra.HEARTBEAT_NAME).delete()
    assert "missing" in run_probe(infra.probe_beat).message


def test_the_heartbeat_task_records_which_worker_ran_it(status_runtime: Runtime) -> None:
    infra.heartbeat_record(worker="w1@host")
    assert infra.heartbeat_last()["worker"] == "w1@host"  # type: ignore[index]


# ---------------------------------------------------------------- trading state
@pytest.mark.django_db
def test_trading_state_follows_the_strictest_scope() -> None:
    from apps.risk.models import KillSwitchRun, TradingState

    assert run_probe(platform.probe_trading_state).state == "ok"
    TradingState.objects.create(market="USDM", symbol="BTCUSDT", state="HALTED", reason="symbol halt")
    probe = run_probe(platform.probe_trading_state)
    assert (probe.state, probe.detail["state"]) == ("degraded", "ACTIVE")
    TradingState.objects.create(market="", symbol="", state="REDUCE_ONLY", reason="daily loss")
    probe = run_probe(platform.probe_trading_state)
    assert (probe.state, probe.detail["state"], probe.detail["reason"]) == (
        "degraded",
        "REDUCE_ONLY",
        "daily loss",
    )
    TradingState.objects.create(market="SPOT", symbol="", state="HALTED", reason="maintenance")
    assert run_probe(platform.probe_trading_state).state == "down"
    TradingState.objects.create(market="SPOT", symbol="", state="ACTIVE", reason="back")
    TradingState.objects.create(market="", symbol="", state="ACTIVE", reason="reset")
    assert run_probe(platform.probe_trading_state).state == "degraded"  # the symbol is still halted
    KillSwitchRun.objects.create(scope="all", reason="panic")
    probe = run_probe(platform.probe_trading_state)
    assert probe.state == "down"
    assert probe.detail["kill_switch"]["engaged"] is True


# ---------------------------------------------------------------- breakers and rate budget
def test_breakers_open_is_down_and_half_open_is_degraded(status_runtime: Runtime) -> None:
    assert run_probe(exchange.probe_breakers).state == "ok"
    breaker = status_runtime.breaker
    status_runtime.redis.hset(breaker.key("spot", "system"), mapping={"state": "half_open", "failures": 0})
    assert run_probe(exchange.probe_breakers).state == "degraded"
    for _ in range(breaker.failure_threshold):
        breaker.record("futures", "orders", ok=False)
    probe = run_probe(exchange.probe_breakers)
    assert probe.state == "down"
    assert "futures orders" in probe.message
    rows = {(b["market"], b["group"]): b["state"] for b in probe.detail["breakers"]}
    assert rows[("futures", "orders")] == "open"


@pytest.mark.parametrize(
    ("used", "pct", "state"),
    [(0, "0.0", "ok"), (960, "80.0", "ok"), (961, "80.1", "degraded"), (1200, "100.0", "degraded")],
)
def test_rate_budget_is_degraded_over_80_percent(
    status_runtime: Runtime, monkeypatch: pytest.MonkeyPatch, used: int, pct: str, state: str
) -> None:
    from apps.exchange import selectors

    pools = [PoolUsage("spot", "ip", "REQUEST_WEIGHT:60000", used, 1200)]
    monkeypatch.setattr(selectors, "limiter_usage", lambda rt=None: pools)
    probe = run_probe(exchange.probe_rate_budget)
    assert probe.state == state
    expected = {"market": "spot", "scope": "ip", "pool": "REQUEST_WEIGHT:60000", "used": used, "limit": 1200}
    assert probe.detail["pools"][0] == expected | {"used_pct": pct}


def test_rate_budget_is_down_while_the_exchange_bans_us(status_runtime: Runtime) -> None:
    status_runtime.redis.set(
        status_runtime.limiter._block_key("futures"), str(status_runtime.timesync.now_ms() + 30_000)
    )
    probe = run_probe(exchange.probe_rate_budget)
    assert probe.state == "down"
    assert "futures" in probe.message


# ---------------------------------------------------------------- clock
def _cached_probe(rt: Runtime, market: str, offset: int | None) -> None:
    probe = exchange.ExchangeProbe(market, "ok", "answered", "3.0", offset, 0)
    rt.redis.set(exchange._key(rt, market), json.dumps(probe.__dict__), px=10_000)


@pytest.mark.parametrize(
    ("spot", "futures", "state"),
    [(12, -40, "ok"), (12, -501, "degraded"), (5001, 0, "down"), (None, None, "degraded")],
)
def test_the_clock_is_judged_by_the_largest_offset(
    status_runtime: Runtime, spot: int | None, futures: int | None, state: str
) -> None:
    _cached_probe(status_runtime, "spot", spot)
    _cached_probe(status_runtime, "futures", futures)
    probe = run_probe(exchange.probe_clock)
    assert probe.state == state
    assert probe.detail["offset_ms"] == {"spot": spot, "futures": futures}


# ---------------------------------------------------------------- exchange reachability
@pytest.mark.django_db
def test_the_exchange_answers_with_latency_and_clock_offset(
    local_exchange: LocalExchange, status_runtime: Runtime
) -> None:
    set_runtime(build_runtime(prefix=status_runtime.prefix, sim_url=local_exchange.url))
    probe = exchange.probe_exchange("futures")
    assert probe.state == "ok", probe.message
    assert float(probe.detail["latency_ms"]) > 0
    assert abs(probe.detail["clock_offset_ms"]) < 1000
    # Reused while fresh: a second look costs the exchange nothing.
    assert exchange.probe_exchange("futures").detail["checked_at"] == probe.detail["checked_at"]


@pytest.mark.django_db
def test_an_unreachable_exchange_is_down(status_runtime: Runtime) -> None:
    set_runtime(build_runtime(prefix=status_runtime.prefix, sim_url=f"http://127.0.0.1:{_closed_port()}"))
    probe = exchange.probe_exchange("spot")
    assert probe.state == "down"
    assert "Connection" in probe.message


# ---------------------------------------------------------------- streams
def test_user_streams_not_running_connected_and_down(status_runtime: Runtime) -> None:
    from apps.streams.domain.health import StreamHealth
    from apps.streams.health import health_write, now_ms

    assert run_probe(platform.probe_streams).state == "degraded"
    live = StreamHealth(name="spot", market="SPOT", state="live")
    live.mark_connected(now_ms())
    health_write(status_runtime.redis, status_runtime.prefix, process={"pid": 1}, streams=[live], ttl_s=30)
    assert run_probe(platform.probe_streams).state == "ok"
    dead = StreamHealth(name="futures", market="USDM", state="backoff")
    dead.mark_down(now_ms() - 120_000, "listenKey expired")
    health_write(
        status_runtime.redis, status_runtime.prefix, process={"pid": 1}, streams=[live, dead], ttl_s=30
    )
    probe = run_probe(platform.probe_streams)
    assert probe.state == "down"
    assert "futures user stream down" in probe.message


def test_component_down_carries_its_detail() -> None:
    def probe() -> Probe:
        raise ComponentDown("gone", {"k": 1})

    assert run_probe(probe) == Probe("down", "gone", {"k": 1})
