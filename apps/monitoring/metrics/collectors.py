"""Scrape-time collectors: state that lives in Redis or the database, read when /metrics is scraped.

Each reads shared state (not this process's memory), so whichever web process answers the scrape shows the
whole platform. A collector whose source fails yields nothing plus `trader_metrics_collector_up 0` for
its name: a scrape never fails because Redis or the database blinked, and the gap is visible.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.core import Metric

    from apps.streams.health import StreamsStatus

logger = logging.getLogger(__name__)

TRADING_STATE_CODES: Final = {"ACTIVE": 0, "REDUCE_ONLY": 1, "HALTED": 2}
# Kombu's Redis transport keeps priorities 3, 6 and 9 in lists of their own next to the queue's.
_PRIORITY_SUFFIXES: Final = ("", "\x06\x163", "\x06\x166", "\x06\x169")
_ALWAYS_SCOPES: Final = ("all", "spot", "usdm")


class _Guarded(Collector):
    """Runs `families()`; on failure logs once per failure streak and reports the collector down."""

    name = "base"

    def __init__(self) -> None:
        self.failing = False

    def families(self) -> list[Metric]:
        raise NotImplementedError

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "trader_metrics_collector_up",
            "1 when the scrape-time collector could read its source",
            labels=["collector"],
        )
        try:
            found = self.families()
        except Exception as error:  # see module docstring
            if not self.failing:
                logger.warning("metrics collector %s failed: %s", self.name, error)
            self.failing = True
            up.add_metric([self.name], 0)
            yield up
            return
        self.failing = False
        up.add_metric([self.name], 1)
        yield up
        yield from found


class CeleryQueueCollector(_Guarded):
    """Messages waiting per Celery queue (LLEN on the broker's Redis) and messages reserved by workers."""

    name = "celery"

    def __init__(self, broker_url: str, queues: Callable[[], list[str]]) -> None:
        super().__init__()
        self.broker_url = broker_url
        self.queues = queues
        self._client: Any = None

    def _redis(self) -> Any:
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(self.broker_url, socket_timeout=2, socket_connect_timeout=2)
        return self._client

    def families(self) -> list[Metric]:
        if not self.broker_url.startswith(("redis://", "rediss://", "unix://")):
            return []
        names = self.queues()
        pipe = self._redis().pipeline(transaction=False)
        for queue in names:
            for suffix in _PRIORITY_SUFFIXES:
                pipe.llen(f"{queue}{suffix}")
        pipe.hlen("unacked")
        lengths = pipe.execute()
        depth = GaugeMetricFamily(
            "trader_celery_queue_length", "Tasks waiting in the broker, per queue", labels=["queue"]
        )
        step = len(_PRIORITY_SUFFIXES)
        for index, queue in enumerate(names):
            depth.add_metric([queue], sum(lengths[index * step : (index + 1) * step]))
        unacked = GaugeMetricFamily(
            "trader_celery_unacked", "Tasks handed to a worker and not yet acknowledged (whole broker DB)"
        )
        unacked.add_metric([], lengths[-1])
        return [depth, unacked]


def celery_queues() -> list[str]:
    """The default queue plus any queue named by task routes or TRADER_METRICS_CELERY_QUEUES."""
    from django.conf import settings

    names = {settings.CELERY_TASK_DEFAULT_QUEUE, *getattr(settings, "TRADER_METRICS_CELERY_QUEUES", [])}
    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    if isinstance(routes, dict):
        names.update(r["queue"] for r in routes.values() if isinstance(r, dict) and r.get("queue"))
    return sorted(n for n in names if n)


class TradingStateCollector(_Guarded):
    """Trading state per scope (0 ACTIVE, 1 REDUCE_ONLY, 2 HALTED) and the kill switch, from the database.

    The global and market scopes are always reported; symbol scopes only while not ACTIVE (bounded by
    what an operator halted, not by the symbol list).
    """

    name = "trading_state"

    def families(self) -> list[Metric]:
        from apps.risk.selectors import kill_switch_runs_running, trading_state_rows

        states = {scope.label.lower(): row.state for scope, row in trading_state_rows().items()}
        state = GaugeMetricFamily(
            "trader_trading_state", "Trading state: 0 ACTIVE, 1 REDUCE_ONLY, 2 HALTED", labels=["scope"]
        )
        for scope in _ALWAYS_SCOPES:
            state.add_metric([scope], TRADING_STATE_CODES.get(states.get(scope, "ACTIVE"), 0))
        for scope, value in sorted(states.items()):
            if scope not in _ALWAYS_SCOPES and value != "ACTIVE":
                state.add_metric([scope], TRADING_STATE_CODES.get(value, 0))
        running = list(kill_switch_runs_running().values_list("scope", flat=True))
        engaged = GaugeMetricFamily(
            "trader_kill_switch_engaged", "1 while a kill switch run is working off its steps"
        )
        engaged.add_metric([], 1 if running else 0)
        runs = GaugeMetricFamily("trader_kill_switch_runs_running", "Kill switch runs in progress")
        runs.add_metric([], len(running))
        return [state, engaged, runs]


class UserStreamCollector(_Guarded):
    """What the streams process last published to Redis: running, per-stream up, stale, ages."""

    name = "user_streams"

    def __init__(self, read: Callable[[], StreamsStatus] | None = None) -> None:
        super().__init__()
        self.read = read

    def families(self) -> list[Metric]:
        from apps.streams.conf import streams_config
        from apps.streams.domain.health import down_for_s, last_event_age_s, problem
        from apps.streams.health import streams_status

        status = (self.read or streams_status)()
        down_after_s = streams_config().down_after_s
        running = GaugeMetricFamily(
            "trader_user_streams_process_up", "1 while a streams process (run_streams) reports in"
        )
        running.add_metric([], 1 if status.running else 0)
        labels = ["stream"]
        up = GaugeMetricFamily("trader_user_stream_up", "1 while the user stream is connected", labels=labels)
        down = GaugeMetricFamily(
            "trader_user_stream_down",
            "1 when the stream has been disconnected beyond TRADER_STREAMS_DOWN_AFTER_S",
            labels=labels,
        )
        down_for = GaugeMetricFamily(
            "trader_user_stream_down_seconds", "Seconds since the stream was last connected", labels=labels
        )
        age = GaugeMetricFamily(
            "trader_user_stream_last_event_age_seconds",
            "Seconds since the last event (quiet accounts are normal; not a health signal alone)",
            labels=labels,
        )
        for health in status.streams:
            up.add_metric([health.name], 1 if health.connected else 0)
            down.add_metric(
                [health.name], 1 if problem(health, status.now_ms, down_after_s=down_after_s) else 0
            )
            down_for.add_metric([health.name], down_for_s(health, status.now_ms) or 0)
            seconds = last_event_age_s(health, status.now_ms)
            if seconds is not None:
                age.add_metric([health.name], seconds)
        return [running, up, down, down_for, age]


class ExchangeStateCollector(_Guarded):
    """Rate-limit pools (used vs limit) and breaker states, shared by every process through Redis."""

    name = "exchange"

    def families(self) -> list[Metric]:
        from apps.exchange import selectors
        from apps.exchange.metrics import SharedStateCollector

        def snapshot() -> tuple[list[tuple[str, str, str, int, int]], list[tuple[str, str, str]]]:
            state = selectors.exchange_status()
            pools = [(p.market, p.scope, p.pool, p.used, p.limit) for p in state.pools]
            return pools, [(b.market, b.group, b.state) for b in state.breakers]

        found = list(SharedStateCollector(snapshot).collect())
        if not found:
            raise RuntimeError("exchange limiter and breaker state could not be read")
        return found
