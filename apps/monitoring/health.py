"""Readiness checks. Each app registers its own; /readyz runs them all and reports each one.

A check returns None when healthy or raises with a short reason; the runner times it and turns any
exception into a failed entry, so one broken dependency never hides the state of the others.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import redis
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from celery import Celery

Check = Callable[[], None]
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
    register_check("database", check_database)
    register_check("redis", lambda: check_redis())
    register_check("channel_layer", lambda: check_channel_layer())
    register_check("celery", lambda: check_celery())


def _run_one(name: str, check: Check) -> CheckResult:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # every failure becomes a reported entry, never a 500
        error: str | None = f"{type(exc).__name__}: {exc}"[:300]
    else:
        error = None
    finally:
        if name == "database":
            # The check ran in a pool thread; give its connection back instead of leaking it.
            connection.close()
    elapsed = Decimal(str(round((time.perf_counter() - started) * 1000, 1)))
    return CheckResult(name=name, ok=error is None, latency_ms=elapsed, error=error)


def run_checks(checks: dict[str, Check] | None = None) -> list[CheckResult]:
    """Run the checks in parallel, each bounded by CHECK_TIMEOUT_S."""
    checks = registered_checks() if checks is None else checks
    results: list[CheckResult] = []
    with ThreadPoolExecutor(max_workers=max(1, len(checks))) as pool:
        futures = {name: pool.submit(_run_one, name, fn) for name, fn in checks.items()}
        for name, future in futures.items():
            try:
                results.append(future.result(timeout=CHECK_TIMEOUT_S))
            except FutureTimeout:
                results.append(
                    CheckResult(
                        name, ok=False, latency_ms=Decimal(int(CHECK_TIMEOUT_S * 1000)), error="timed out"
                    )
                )
    return results
