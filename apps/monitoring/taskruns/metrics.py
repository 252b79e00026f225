"""Prometheus metrics of Celery tasks, observed by the worker's signal receivers (signals.py).

Labels are bounded: task names come from the registered tasks, exception labels from exception classes.
"""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Histogram

_WAIT_BUCKETS: Final = (0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900)
_RUN_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

TASK_QUEUE_WAIT = Histogram(
    "trader_celery_task_queue_wait_seconds",
    "Publish (or ETA) to the start of the task in a worker",
    ["task"],
    buckets=_WAIT_BUCKETS,
)
TASK_RUN_TIME = Histogram(
    "trader_celery_task_run_seconds",
    "Run time of a task attempt in the worker, whatever its outcome",
    ["task"],
    buckets=_RUN_BUCKETS,
)
TASK_FAILURES = Counter(
    "trader_celery_task_failures",
    "Tasks that failed (raised with no retry left), by task and exception class",
    ["task", "exception"],
)
