"""Celery tasks of the risk app: thin wrappers around one service each.

- `risk.kill_switch_run` (on engage; acks_late): works a run off; retries while a step waits for the
  exchange or the exchange is temporarily unreachable. Safe to run twice: the run's lease admits one.
- `risk.kill_switch_watchdog` (beat, 10 s): enqueues runs no live worker holds (a crashed worker's).
- `risk.monitor` (beat, 2 s; runs every `risk_monitor_interval_seconds`): the automatic triggers.
- `risk.deadman_heartbeat` (beat, 2 s; runs every `deadman_heartbeat_seconds`): the USD-M dead-man switch.
"""

from __future__ import annotations

import os
import random
from typing import Any, Final

import redis
from celery import Task, shared_task
from django.conf import settings

from apps.exchange.domain.errors import RateLimitedError, TemporaryError

KILL_SWITCH_RETRIES: Final = 200
_PREFIX: Final = "trader:risk:due"


def _due(name: str, every_s: float) -> bool:
    """True at most once per `every_s` across every worker (Redis SET NX with expiry); beat runs the task
    more often so a config change of the interval applies without touching the schedule."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.set(f"{_PREFIX}:{name}", "1", nx=True, px=max(1, int(every_s * 1000) - 250)))
    finally:
        client.close()


@shared_task(bind=True, name="risk.kill_switch_run", acks_late=True, max_retries=KILL_SWITCH_RETRIES)
def kill_switch_run(self: Task, run_id: int) -> str:
    from apps.risk.killswitch.runner import kill_switch_execute
    from apps.risk.killswitch.steps import RunBusy, RunPending

    worker = f"{self.request.hostname or 'local'}:{os.getpid()}:{self.request.id or 'eager'}"
    try:
        return kill_switch_execute(run_id=run_id, worker=worker)
    except RunBusy:
        return "busy"
    except RunPending as pending:
        raise self.retry(countdown=2) from pending
    except (TemporaryError, RateLimitedError) as error:
        raise self.retry(
            countdown=min(10.0, 2 ** min(self.request.retries, 3)) + random.uniform(0, 1)
        ) from error


@shared_task(name="risk.kill_switch_watchdog", acks_late=True, ignore_result=True)
def kill_switch_watchdog() -> list[int]:
    from apps.risk.killswitch.runner import kill_switch_watchdog as watchdog

    return watchdog()


@shared_task(name="risk.monitor", acks_late=True, ignore_result=True)
def risk_monitor() -> list[dict[str, Any]]:
    from apps.risk.conf import risk_settings
    from apps.risk.monitor import risk_monitor_run

    config = risk_settings()
    if not _due("monitor", config.risk_monitor_interval_seconds):
        return []
    return risk_monitor_run(settings=config)


@shared_task(name="risk.deadman_heartbeat", acks_late=True, ignore_result=True)
def deadman_heartbeat() -> dict[str, Any]:
    from apps.risk.conf import risk_settings
    from apps.risk.deadman import deadman_heartbeat as heartbeat

    config = risk_settings()
    if not _due("deadman", config.deadman_heartbeat_seconds):
        return {"skipped": True}
    return heartbeat(settings=config)
