"""The daily prune of task runs (scheduled by migration 0003_taskrun)."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.monitoring.taskruns.services import taskruns_prune as prune_rows

logger = logging.getLogger(__name__)


@shared_task(name="monitoring.taskruns_prune")
def taskruns_prune() -> int:
    deleted = prune_rows()
    logger.info("pruned %d task runs", deleted)
    return deleted
