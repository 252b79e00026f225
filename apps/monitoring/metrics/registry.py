"""The registry /metrics renders: every process's samples plus the scrape-time collectors.

With PROMETHEUS_MULTIPROC_DIR set, the samples come from the per-process files every process (web,
Celery worker and its children, beat, run_streams, run_marketdata) writes there; with
TRADER_METRICS_MULTIPROC_ROOT set as well (containers: one subdirectory per service, since process ids
repeat across containers), every `*.db` below that root is merged. Unset (tests, a single process), this
process's own default registry is rendered.
"""

from __future__ import annotations

import functools
import glob
import os
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from apps.monitoring.metrics.collectors import (
    CeleryQueueCollector,
    ExchangeStateCollector,
    TradingStateCollector,
    UserStreamCollector,
    celery_queues,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from prometheus_client.core import Metric


def _register_metric_modules() -> None:
    # Importing defines the metrics: in single-process mode a metric this process never imported would
    # otherwise be missing from the scrape instead of showing zero.
    import apps.exchange.metrics
    import apps.marketdata.fanout.metrics
    import apps.marketdata.metrics
    import apps.monitoring.metrics.definitions  # noqa: F401


class MultiProcessFiles(Collector):
    """Merges the per-process sample files below one or more directories."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = roots

    def files(self) -> list[str]:
        found: list[str] = []
        for root in self.roots:
            found += glob.glob(os.path.join(root, "**", "*.db"), recursive=True)
        return sorted(set(found))

    def collect(self) -> Iterator[Metric]:
        return iter(MultiProcessCollector.merge(self.files(), accumulate=True))


class _Forward(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def multiproc_roots() -> list[str]:
    root = os.environ.get("TRADER_METRICS_MULTIPROC_ROOT")
    own = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return [r for r in (root or own,) if r]


@functools.cache
def build_registry(roots: tuple[str, ...], broker_url: str) -> CollectorRegistry:
    """One registry per process and configuration: collectors keep their Redis clients between scrapes."""
    _register_metric_modules()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MultiProcessFiles(list(roots)) if roots else _Forward())
    registry.register(ExchangeStateCollector())
    registry.register(CeleryQueueCollector(broker_url, celery_queues))
    registry.register(TradingStateCollector())
    registry.register(UserStreamCollector())
    return registry


def render_metrics() -> bytes:
    """Prometheus text exposition of the whole platform."""
    from django.conf import settings

    return generate_latest(build_registry(tuple(multiproc_roots()), settings.CELERY_BROKER_URL))
