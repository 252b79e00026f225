"""Prometheus metrics of exchange calls, and a collector that reads shared limiter and breaker state.

Per-call counters and histograms live in each process (with PROMETHEUS_MULTIPROC_DIR set, prometheus_client
aggregates them across processes). Limiter usage and breaker state live in Redis, so the collector reads them
at scrape time and /metrics on any process shows the whole platform's view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.monitoring.rolling import rolling_record_many

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.core import Metric

REQUESTS = Counter(
    "trader_exchange_requests",
    "Exchange calls by endpoint, market and outcome class",
    ["endpoint", "market", "outcome", "status"],
)
LATENCY = Histogram(
    "trader_exchange_request_seconds",
    "Exchange call latency (network only, excluding limiter waits)",
    ["endpoint", "market"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LIMITER_WAIT = Histogram(
    "trader_exchange_limiter_wait_seconds",
    "Time callers waited for the shared rate budget",
    ["market"],
    buckets=(0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60),
)
WEIGHT = Counter("trader_exchange_weight", "Request weight charged by the limiter", ["market"])

BREAKER_CODES = {"closed": 0, "half_open": 1, "open": 2}

# Outcomes that count against the exchange's error rate: the exchange or our link to it misbehaved. A
# business reject ("rejected": insufficient balance, a filter) is the exchange working as it should.
ROLLING_ERRORS = frozenset({"temporary", "unknown", "operational", "rate_limited", "auth"})


_children: dict[tuple[str, str, str, int], tuple[Any, Any, Any]] = {}


def observe_call(
    *, endpoint: str, market: str, outcome: str, status: int | None, seconds: float, weight: int
) -> None:
    # labels() takes a lock and builds a key each time; the metric children are cached per label set.
    key = (endpoint, market, outcome, status or 0)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (
            REQUESTS.labels(endpoint, market, outcome, str(status or 0)),
            LATENCY.labels(endpoint, market),
            WEIGHT.labels(market),
        )
    children[0].inc()
    children[1].observe(seconds)
    if weight:
        children[2].inc(weight)
    # Alert rules read error rate and p95 from Redis windows shared by every process.
    rolling_record_many(
        ("exchange", f"exchange:{market}"), ok=outcome not in ROLLING_ERRORS, latency_ms=seconds * 1000
    )


class SharedStateCollector(Collector):
    """Reads limiter pools and breaker states from Redis when scraped."""

    def __init__(
        self, snapshot: Callable[[], tuple[list[tuple[str, str, str, int, int]], list[tuple[str, str, str]]]]
    ):
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        try:
            pools, breakers = self.snapshot()
        except Exception:  # a scrape must not fail because Redis blinked; the gauges are simply absent
            return
        used = GaugeMetricFamily(
            "trader_exchange_pool_used",
            "Units used in the current window",
            labels=["market", "scope", "pool"],
        )
        limit = GaugeMetricFamily(
            "trader_exchange_pool_limit",
            "Limit of the pool per exchangeInfo",
            labels=["market", "scope", "pool"],
        )
        for market, scope, pool, n, lim in pools:
            used.add_metric([market, scope, pool], n)
            limit.add_metric([market, scope, pool], lim)
        state = GaugeMetricFamily(
            "trader_exchange_breaker_state", "0 closed, 1 half-open, 2 open", labels=["market", "group"]
        )
        for market, group, value in breakers:
            state.add_metric([market, group], BREAKER_CODES.get(value, 0))
        yield used
        yield limit
        yield state
