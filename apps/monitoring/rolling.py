"""Rolling windows of call outcomes and latency, shared by every process through Redis.

Prometheus answers "what is the error rate" only to whoever scrapes it; alert rules evaluated by beat need
the answer themselves. Every process adds each call to a 10-second bucket (one hash per series and
bucket: count, errors, latency histogram) in one pipelined round trip; a reader sums the buckets of the
window. Buckets expire after TRADER_ROLLING_RETENTION_S, so memory stays bounded without a sweeper.

Recording is best effort and sits on the exchange and order paths: it never raises, and after a Redis
failure it logs once and drops records for a short pause instead of waiting on a dead server per call.

Series recorded: "exchange" and "exchange:<market>" (market "spot"/"futures") for every exchange call
(ok unless the outcome marks the exchange or our connection unhealthy: a business reject such as
insufficient balance counts as ok), and "order_submit" (submit -> ack latency; ok False on reject/unknown).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

import redis
from django.conf import settings

from apps.monitoring.domain.rolling import (
    BUCKET_S,
    RollingStats,
    bucket_fields,
    bucket_start,
    summarize,
    window_buckets,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["RollingStats", "rolling_record", "rolling_record_many", "rolling_window"]

logger = logging.getLogger(__name__)

# After a Redis failure, records are dropped for this long: a dead Redis must not add a connect
# timeout to every exchange call.
_PAUSE_AFTER_FAILURE_S = 5.0
_SOCKET_TIMEOUT_S = 0.5

_lock = threading.Lock()
_client: tuple[int, str, redis.Redis] | None = None
_paused_until = 0.0
_failure_logged = False


def _redis() -> redis.Redis:
    # One client per process and URL (rebuilt after a fork: Celery's pool and daphne fork).
    global _client
    url = settings.REDIS_URL
    with _lock:
        if _client is None or _client[0] != os.getpid() or _client[1] != url:
            client = redis.Redis.from_url(
                url, socket_timeout=_SOCKET_TIMEOUT_S, socket_connect_timeout=_SOCKET_TIMEOUT_S
            )
            _client = (os.getpid(), url, client)
        return _client[2]


def _key(series: str, start: int) -> str:
    return f"{settings.TRADER_ROLLING_REDIS_PREFIX}:{series}:{start}"


def rolling_record(series: str, *, ok: bool, latency_ms: float | None = None) -> None:
    """Add one call to `series`' current bucket. Never raises; drops the record when Redis fails."""
    rolling_record_many((series,), ok=ok, latency_ms=latency_ms)


def rolling_record_many(series: Sequence[str], *, ok: bool, latency_ms: float | None = None) -> None:
    """Add one call to several series (e.g. "exchange" and "exchange:spot") in one round trip."""
    global _paused_until, _failure_logged
    now = time.time()
    if now < _paused_until:
        return
    try:
        start = bucket_start(now)
        fields = bucket_fields(ok=ok, latency_ms=latency_ms)
        # Kept one bucket longer than retention so a window of exactly the retention is whole.
        ttl = int(settings.TRADER_ROLLING_RETENTION_S) + BUCKET_S
        pipe = _redis().pipeline(transaction=False)
        for name in series:
            key = _key(name, start)
            for field, amount in fields.items():
                pipe.hincrby(key, field, amount)
            pipe.expire(key, ttl)
        pipe.execute()
    except Exception as error:  # best effort by contract: the caller's call already happened
        _paused_until = now + _PAUSE_AFTER_FAILURE_S
        if not _failure_logged:
            _failure_logged = True
            logger.warning("rolling window records dropped: Redis failed (%s)", error)
        return
    if _failure_logged:
        _failure_logged = False
        logger.info("rolling window records resumed")


def rolling_window(series: str, *, seconds: int) -> RollingStats:
    """Count, errors, error rate and p95 latency of `series` over the last `seconds` (all processes).

    `seconds` is capped at TRADER_ROLLING_RETENTION_S (older buckets no longer exist). Raises
    redis.RedisError when Redis cannot be read: a reader (an alert rule) must tell "no traffic" from
    "cannot know".
    """
    seconds = min(int(seconds), int(settings.TRADER_ROLLING_RETENTION_S))
    starts = window_buckets(time.time(), seconds)
    if not starts:
        return summarize([])
    pipe = _redis().pipeline(transaction=False)
    for start in starts:
        pipe.hgetall(_key(series, start))
    rows = pipe.execute()
    return summarize({k.decode(): int(v) for k, v in row.items()} for row in rows)
