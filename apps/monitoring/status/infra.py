"""Probes of the processes and services the platform runs on: web, worker, beat, database, Redis and the
channel layer. Each returns a Probe or raises (an exception means "down")."""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Final

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.monitoring import health
from apps.monitoring.status.base import ComponentDown, Probe
from apps.monitoring.status.conf import status_config

HEARTBEAT_NAME: Final = "monitoring: beat heartbeat"  # the PeriodicTask row of migration 0006
_STARTED_AT: Final = datetime.now(tz=UTC)


def _ms_since(started: float) -> str:
    return str(Decimal(str(round((time.perf_counter() - started) * 1000, 1))))


@cache
def platform_version() -> str:
    import tomllib

    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def probe_web() -> Probe:
    """This process answered, so it is up; the detail says which process and for how long."""
    uptime = (datetime.now(tz=UTC) - _STARTED_AT).total_seconds()
    return Probe(
        "ok",
        f"serving, up {int(uptime)} s",
        {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": _STARTED_AT.isoformat(),
            "uptime_s": int(uptime),
            "version": platform_version(),
        },
    )


def _heartbeat_key() -> str:
    from apps.exchange.runtime import runtime

    return f"{runtime().prefix}:status:heartbeat"


def heartbeat_record(*, worker: str) -> None:
    """Called by the heartbeat task, in a worker: the whole path beat → broker → worker works."""
    from apps.exchange.runtime import runtime

    payload = {"at": timezone.now().isoformat(), "worker": worker}
    runtime().redis.set(_heartbeat_key(), json.dumps(payload), ex=24 * 3600)


def heartbeat_last() -> dict[str, Any] | None:
    from apps.exchange.runtime import runtime

    raw = runtime().redis.get(_heartbeat_key())
    return json.loads(raw) if raw else None


def probe_worker() -> Probe:
    """Which Celery workers answer a broadcast, and whether one of them consumes our queues."""
    from trader.celery import app

    config = status_config()
    replies: dict[str, Any] = {}
    # A busy worker can miss the first broadcast; a second try, both within CHECK_TIMEOUT_S.
    for timeout in (1.0, 1.0):
        replies = app.control.inspect(timeout=timeout).active_queues() or {}
        if replies:
            break
    detail: dict[str, Any] = {"expected_queues": list(config.worker_queues)}
    try:
        detail["last_heartbeat"] = heartbeat_last()
    except Exception:  # the heartbeat is extra detail; Redis trouble shows in its own component
        detail["last_heartbeat"] = None
    if not replies:
        raise ComponentDown("no Celery worker answered a ping within 2 s", detail)
    workers = [
        {"name": name, "queues": sorted(q["name"] for q in queues or [])}
        for name, queues in sorted(replies.items())
    ]
    detail["workers"] = workers
    consumed = {q for w in workers for q in w["queues"]}
    missing = [q for q in config.worker_queues if q not in consumed]
    answered = f"{len(workers)} worker{'s' if len(workers) != 1 else ''} answered"
    if missing and len(missing) == len(config.worker_queues):
        return Probe("down", f"{answered}, but none consumes {', '.join(missing)}", detail)
    if missing:
        return Probe("degraded", f"{answered}; no worker consumes {', '.join(missing)}", detail)
    return Probe("ok", answered, detail)


def probe_beat() -> Probe:
    """Beat stamps the heartbeat job's last_run_at each time it SENDS it (CELERY_BEAT_SYNC_EVERY=1 writes
    it at once), so this tells whether beat is alive even while no worker runs the job."""
    from django_celery_beat.models import PeriodicTask

    config = status_config()
    task = PeriodicTask.objects.select_related("interval").filter(name=HEARTBEAT_NAME).first()
    if task is None or task.interval is None:
        raise ComponentDown(f"the beat heartbeat job {HEARTBEAT_NAME!r} is missing")
    interval_s = task.interval.schedule.run_every.total_seconds()
    detail: dict[str, Any] = {
        "interval_s": int(interval_s),
        "last_run_at": task.last_run_at.isoformat() if task.last_run_at else None,
        "total_run_count": task.total_run_count,
        "enabled": task.enabled,
    }
    if not task.enabled:
        raise ComponentDown("the beat heartbeat job is disabled", detail)
    if task.last_run_at is None:
        raise ComponentDown("beat has never sent the heartbeat job", detail)
    age = (timezone.now() - task.last_run_at).total_seconds()
    detail["age_s"] = int(age)
    limit = interval_s * config.beat_missed
    if age > limit:
        message = f"beat sent no heartbeat for {int(age)} s (expected every {int(interval_s)} s)"
        raise ComponentDown(message, detail)
    return Probe("ok", f"last heartbeat sent {int(age)} s ago", detail)


def probe_database() -> Probe:
    started = time.perf_counter()
    health.check_database()
    vendor = connection.vendor
    return Probe("ok", f"{vendor} answered", {"vendor": vendor, "latency_ms": _ms_since(started)})


def probe_redis() -> Probe:
    started = time.perf_counter()
    health.check_redis()
    return Probe("ok", "answered PING", {"latency_ms": _ms_since(started)})


def probe_channel_layer() -> Probe:
    started = time.perf_counter()
    health.check_channel_layer()
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    detail = {"backend": backend.rsplit(".", 1)[-1], "latency_ms": _ms_since(started)}
    return Probe("ok", "a message went round trip", detail)


def probe_from_check(check: health.Check) -> Probe:
    """A readiness check another app registered, shown as a component: it passes or it is down."""
    started = time.perf_counter()
    check()
    return Probe("ok", "passes", {"latency_ms": _ms_since(started)})
