"""Tasks the task-run tests send to a real worker (started with `--include` of this module)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from celery import shared_task

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("apps.monitoring.tests.taskruns")


@shared_task(name="taskruns_test.greet")
def greet(symbol: str, api_key: str, *, password: str = "") -> str:
    logger.info("greeting %s with api_key=%s", symbol, api_key)
    return f"hello {symbol}"


@shared_task(name="taskruns_test.boom")
def boom(order_id: int, listen_key: str) -> None:
    raise ValueError(f"order {order_id} failed; listenKey={listen_key}")


@shared_task(bind=True, name="taskruns_test.flaky", max_retries=3)
def flaky(self: Task, failures: int, countdown: float = 0) -> str:
    if self.request.retries < failures:
        raise self.retry(countdown=countdown, exc=ConnectionError("exchange unreachable"))
    return "recovered"
