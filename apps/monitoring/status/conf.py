"""The status page's knobs: a Django setting of the same name wins, else the environment, else a default.

- `TRADER_STATUS_CACHE_S` (3): how long a computed status is reused (across processes, in Redis).
- `TRADER_STATUS_EXCHANGE_CACHE_S` (10): how long one exchange reachability probe is reused, so scrapes
  and dashboards never hammer the exchange.
- `TRADER_STATUS_EXCHANGE_SLOW_MS` (1000): an exchange answering slower than this is "degraded".
- `TRADER_STATUS_WORKER_QUEUES` (the default Celery queue): queues some worker must consume; a worker
  that answers but consumes none of them cannot run the platform's tasks.
- `TRADER_STATUS_BEAT_MISSED` (3): heartbeat intervals without a send before beat counts as down.
- `TRADER_STATUS_RATE_BUDGET_PCT` (80): a request-weight or order pool used beyond this is "degraded".
- `TRADER_STATUS_CLOCK_DEGRADED_MS` (500) / `TRADER_STATUS_RECV_WINDOW_MS` (5000): clock offset to the
  exchange beyond which the clock is "degraded" / "down" (signed requests fail outside recvWindow).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Callable


def _setting(name: str, cast: Callable[[Any], Any], default: Any) -> Any:
    if hasattr(settings, name):
        return cast(getattr(settings, name))
    raw = os.environ.get(name)
    return cast(raw) if raw not in (None, "") else default


def _queues(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(q.strip() for q in items if q.strip())


@dataclass(frozen=True)
class StatusConfig:
    cache_s: float
    exchange_cache_s: float
    exchange_slow_ms: int
    worker_queues: tuple[str, ...]
    beat_missed: int
    rate_budget_pct: Decimal
    clock_degraded_ms: int
    recv_window_ms: int


def status_config() -> StatusConfig:
    from trader.celery import app

    return StatusConfig(
        cache_s=_setting("TRADER_STATUS_CACHE_S", float, 3.0),
        exchange_cache_s=_setting("TRADER_STATUS_EXCHANGE_CACHE_S", float, 10.0),
        exchange_slow_ms=_setting("TRADER_STATUS_EXCHANGE_SLOW_MS", int, 1000),
        worker_queues=_setting("TRADER_STATUS_WORKER_QUEUES", _queues, (app.conf.task_default_queue,)),
        beat_missed=_setting("TRADER_STATUS_BEAT_MISSED", int, 3),
        rate_budget_pct=_setting("TRADER_STATUS_RATE_BUDGET_PCT", Decimal, Decimal(80)),
        clock_degraded_ms=_setting("TRADER_STATUS_CLOCK_DEGRADED_MS", int, 500),
        recv_window_ms=_setting("TRADER_STATUS_RECV_WINDOW_MS", int, 5000),
    )
