"""Builds the per-process exchange machinery from settings, once per process (rebuilt after a fork)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import redis
from django.conf import settings

from apps.exchange.breaker import CircuitBreaker
from apps.exchange.calllog import CallLogBuffer
from apps.exchange.gateway.credentials import ActiveCredential, CredentialCache
from apps.exchange.gateway.pipeline import Pipeline
from apps.exchange.gateway.transport import AsyncBinanceTransport, BinanceTransport
from apps.exchange.gateway.urls import ExchangeUrls, urls_for
from apps.exchange.limiter import RateLimiter
from apps.exchange.timesync import TimeSync


@dataclass
class Runtime:
    environment: str
    prefix: str
    urls: ExchangeUrls
    redis: redis.Redis
    timesync: TimeSync
    limiter: RateLimiter
    breaker: CircuitBreaker
    credentials: CredentialCache
    calllog: CallLogBuffer
    pipeline: Pipeline


def build_runtime(
    *,
    environment: str | None = None,
    prefix: str | None = None,
    sim_url: str | None = None,
    credential: ActiveCredential | None = None,
) -> Runtime:
    """The machinery of one process. With `credential`, the runtime signs with it and never touches the
    database (no credential lookup, no call log): for load generators and benchmarks."""
    from apps.exchange.selectors import credential_load_active

    environment = environment or settings.TRADER_EXCHANGE
    prefix = prefix or settings.TRADER_EXCHANGE_REDIS_PREFIX
    urls = urls_for(environment, sim_url or settings.TRADER_SIM_URL)
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)
    timesync = TimeSync(client, prefix=prefix, interval_s=settings.TRADER_EXCHANGE_TIME_SYNC_S)
    limiter = RateLimiter(client, prefix=prefix, clock_ms=timesync.now_ms)
    breaker = CircuitBreaker(
        client,
        prefix=prefix,
        clock_ms=timesync.now_ms,
        failure_threshold=settings.TRADER_EXCHANGE_BREAKER_FAILURES,
        cooldown_s=settings.TRADER_EXCHANGE_BREAKER_COOLDOWN_S,
    )
    fixed = credential
    credentials = CredentialCache(
        environment, credential_load_active if fixed is None else (lambda env, market: fixed)
    )
    calllog = CallLogBuffer(
        sample=settings.TRADER_EXCHANGE_CALL_LOG_SAMPLE,
        cap=settings.TRADER_EXCHANGE_CALL_LOG_MAX,
        enabled=fixed is None,
    )
    pipeline = Pipeline(
        limiter=limiter,
        breaker=breaker,
        timesync=timesync,
        credentials=credentials,
        calllog=calllog,
        transport=BinanceTransport(urls),
        async_transport=AsyncBinanceTransport(urls),
        default_timeout_s=settings.TRADER_EXCHANGE_TIMEOUT_S,
    )
    return Runtime(
        environment, prefix, urls, client, timesync, limiter, breaker, credentials, calllog, pipeline
    )


_lock = threading.Lock()
_runtime: tuple[int, Runtime] | None = None


def runtime() -> Runtime:
    global _runtime
    with _lock:
        if _runtime is None or _runtime[0] != os.getpid():
            _runtime = (os.getpid(), build_runtime())
        return _runtime[1]


def flush_call_log(**_signal: object) -> None:
    """Write this process's buffered ApiCallLog rows now (after each Celery task).

    The buffer otherwise waits for a later call to find it full or old, so a quiet worker would keep the
    rows of its last failures out of the System page's recent errors until the next exchange call.
    """
    with _lock:
        current = _runtime[1] if _runtime is not None and _runtime[0] == os.getpid() else None
    if current is not None:
        current.calllog.flush()


def set_runtime(value: Runtime | None) -> None:
    """Tests install a runtime pointed at their own exchange and Redis prefix."""
    global _runtime
    with _lock:
        _runtime = (os.getpid(), value) if value is not None else None
