"""Readiness checks. Each app registers its own; /readyz runs them all and reports each one.

A check returns None when healthy or raises with a short reason; the runner times it and turns any
exception into a failed entry, so one broken dependency never hides the state of the others. The base
checks are the status page's components (apps/monitoring/status), and both run on `run_parallel`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import redis
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from celery import Celery

Check = Callable[[], None]
T = TypeVar("T")
_CHECKS: dict[str, Check] = {}
CHECK_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    latency_ms: Decimal
    error: str | None


def register_check(name: str, check: Check) -> None:
    _CHECKS[name] = check


def registered_checks() -> dict[str, Check]:
    return dict(_CHECKS)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis(url: str | None = None) -> None:
    client = redis.Redis.from_url(url or settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        if not client.ping():
            raise RuntimeError("PING was not answered")
    finally:
        client.close()


def check_channel_layer(alias: str = "default") -> None:
    """Send a message to a fresh channel and read it back through the configured layer.

    The check builds its own layer instance: the process-wide one belongs to the server's event loop,
    and channels_redis refuses a second loop receiving on it while consumers are connected.
    """
    from channels.layers import channel_layers

    if alias not in settings.CHANNEL_LAYERS:
        raise RuntimeError(f"no channel layer {alias!r} configured")
    layer = channel_layers.make_backend(alias)

    async def round_trip() -> None:
        try:
            channel = await layer.new_channel("readyz.")
            token = uuid.uuid4().hex
            await layer.send(channel, {"type": "readyz.probe", "token": token})
            message = await asyncio.wait_for(layer.receive(channel), timeout=2)
            if message.get("token") != token:
                raise RuntimeError("the channel layer returned a different message")
        finally:
            close = getattr(layer, "close_pools", None)
            if close is not None:
                await close()

    async_to_sync(round_trip)()


def check_celery(app: Celery | None = None) -> None:
    if app is None:
        from trader.celery import app

    # A busy worker can miss the first broadcast; one longer second try still fits CHECK_TIMEOUT_S.
    for timeout in (1.0, 1.5):
        if app.control.ping(timeout=timeout):
            return
    raise RuntimeError("no Celery worker answered a ping within 2.5 s")


def register_default_checks() -> None:
    """The base readiness checks, each the "down" verdict of the status component of the same concern,
    so /readyz and /api/status/ never disagree about them."""
    from apps.monitoring.status.components import readiness_check

    register_check("database", readiness_check("database"))
    register_check("redis", readiness_check("redis"))
    register_check("channel_layer", readiness_check("channel_layer"))
    register_check("celery", readiness_check("worker"))


def _close_thread_connections() -> None:
    # A pool thread opened its own database connections; give them back instead of leaking them.
    from django.db import connections

    connections.close_all()


def _call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    finally:
        _close_thread_connections()


class CheckTimedOut(TimeoutError):
    """A call that did not finish within its bound (it may still be running in its thread)."""


def run_parallel(
    calls: dict[str, Callable[[], T]], *, timeout_s: float | None = None
) -> dict[str, T | Exception]:
    """Run each call in its own thread; a call that raises or outlives `timeout_s` (default
    CHECK_TIMEOUT_S, counted from the start) yields its exception (CheckTimedOut) instead of a value."""
    timeout_s = CHECK_TIMEOUT_S if timeout_s is None else timeout_s
    out: dict[str, T | Exception] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, len(calls)), thread_name_prefix="health")
    try:
        futures = {name: pool.submit(_call, fn) for name, fn in calls.items()}
        deadline = time.monotonic() + timeout_s
        for name, future in futures.items():
            try:
                out[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                out[name] = CheckTimedOut("timed out")
            except Exception as exc:  # every failure becomes a reported entry, never a 500
                out[name] = exc
    finally:
        # A hung call keeps its thread; do not wait for it, the answer is already "timed out".
        pool.shutdown(wait=False, cancel_futures=True)
    return out


def _run_one(check: Check) -> CheckResult:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:
        error: str | None = describe_error(exc)
    else:
        error = None
    elapsed = Decimal(str(round((time.perf_counter() - started) * 1000, 1)))
    return CheckResult(name="", ok=error is None, latency_ms=elapsed, error=error)


def run_checks(checks: dict[str, Check] | None = None) -> list[CheckResult]:
    """Run the checks in parallel, each bounded by CHECK_TIMEOUT_S."""
    checks = registered_checks() if checks is None else checks
    outcomes = run_parallel({name: (lambda fn=fn: _run_one(fn)) for name, fn in checks.items()})
    results: list[CheckResult] = []
    for name, outcome in outcomes.items():
        if isinstance(outcome, CheckResult):
            results.append(replace(outcome, name=name))
        else:
            timed_out = isinstance(outcome, CheckTimedOut)
            latency = Decimal(int(CHECK_TIMEOUT_S * 1000)) if timed_out else Decimal(0)
            error = "timed out" if timed_out else describe_error(outcome)
            results.append(CheckResult(name, ok=False, latency_ms=latency, error=error))
    return results


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
