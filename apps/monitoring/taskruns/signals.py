"""Celery signal receivers that time each task attempt and record it as a TaskRun when it ends.

prerun notes when the attempt started and how long it queued; failure and retry note the error; postrun
(which Celery sends after both) observes the metrics and writes the row. Revoked tasks never start: their
row is written from `task_revoked`. Every receiver swallows its own errors: a task must never fail because
its bookkeeping did.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from celery import signals
from django.conf import settings

from apps.common.celery_context import PUBLISHED_AT_HEADER, REQUEST_ID_HEADER
from apps.monitoring.models import TaskState
from apps.monitoring.taskruns import metrics
from apps.monitoring.taskruns.services import RunRecord, taskrun_record

logger = logging.getLogger(__name__)


@dataclass
class _Attempt:
    started_at: datetime
    started_mono: float
    queued_at: datetime | None
    queue_wait_ms: Decimal | None
    error_type: str = ""
    error_message: str = ""
    traceback: str = ""


# task id → the attempt running under it (one per task id at a time in solo and prefork children).
_attempts: dict[str, _Attempt] = {}
_CELERY_TO_STATE = {"SUCCESS": TaskState.SUCCESS, "FAILURE": TaskState.FAILURE, "RETRY": TaskState.RETRY}


def _header(request: Any, name: str) -> Any:
    # A task's Context exposes message headers as attributes; the worker's Request (revoked) keeps them
    # in request_dict.
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "request_dict", None) or {}).get(name)
    return value


def _ms(seconds: float) -> Decimal:
    return Decimal(int(seconds * 100_000)) / 100


def _eta_seconds(eta: Any) -> float | None:
    if isinstance(eta, datetime):
        return eta.timestamp()
    if isinstance(eta, str) and eta:
        try:
            return datetime.fromisoformat(eta).timestamp()
        except ValueError:
            return None
    return None


def on_prerun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    try:
        if task_id is None or task is None:
            return
        now = time.time()
        published = _header(task.request, PUBLISHED_AT_HEADER)
        queued_at = wait_ms = None
        if isinstance(published, (int, float)):
            queued_at = datetime.fromtimestamp(published, tz=UTC)
            # A countdown/ETA task waits on purpose until its ETA: only the time after it is queueing.
            ready_at = max(published, _eta_seconds(getattr(task.request, "eta", None)) or 0.0)
            wait_s = max(0.0, now - ready_at)
            wait_ms = _ms(wait_s)
            metrics.TASK_QUEUE_WAIT.labels(task.name).observe(wait_s)
        _attempts[task_id] = _Attempt(
            started_at=datetime.fromtimestamp(now, tz=UTC),
            started_mono=time.monotonic(),
            queued_at=queued_at,
            queue_wait_ms=wait_ms,
        )
    except Exception:
        logger.warning("task run bookkeeping failed at start of %s", task_id, exc_info=True)


def on_failure(
    task_id: str | None = None,
    exception: BaseException | None = None,
    einfo: Any = None,
    sender: Any = None,
    **_: Any,
) -> None:
    try:
        error_type = type(exception).__name__ if exception is not None else "Exception"
        metrics.TASK_FAILURES.labels(getattr(sender, "name", "") or "", error_type).inc()
        attempt = _attempts.get(task_id or "")
        if attempt is not None:
            attempt.error_type = error_type
            attempt.error_message = str(exception) if exception is not None else ""
            attempt.traceback = str(getattr(einfo, "traceback", "") or "")
    except Exception:
        logger.warning("task run bookkeeping failed on failure of %s", task_id, exc_info=True)


def on_retry(request: Any = None, reason: Any = None, einfo: Any = None, **_: Any) -> None:
    try:
        attempt = _attempts.get(getattr(request, "id", None) or "")
        if attempt is None:
            return
        cause = getattr(reason, "exc", None)
        attempt.error_type = type(cause).__name__ if cause is not None else type(reason).__name__
        attempt.error_message = str(reason) if reason is not None else ""
        attempt.traceback = str(getattr(einfo, "traceback", "") or "")
    except Exception:
        logger.warning("task run bookkeeping failed on retry", exc_info=True)


def on_postrun(
    task_id: str | None = None,
    task: Any = None,
    args: Any = None,
    kwargs: Any = None,
    state: str | None = None,
    **_: Any,
) -> None:
    try:
        attempt = _attempts.pop(task_id or "", None)
        if task_id is None or task is None or attempt is None:
            return
        run_s = time.monotonic() - attempt.started_mono
        metrics.TASK_RUN_TIME.labels(task.name).observe(run_s)
        # Ignore/Reject end an attempt on purpose without a result: recorded as revoked, named by the error.
        recorded = _CELERY_TO_STATE.get(state or "", TaskState.REVOKED)
        if recorded == TaskState.SUCCESS and task.name in settings.TRADER_TASKRUN_SKIP_SUCCESS:
            return
        request = task.request
        taskrun_record(
            RunRecord(
                task_id=task_id,
                name=task.name,
                state=recorded,
                finished_at=datetime.now(tz=UTC),
                args=args if args is not None else (),
                kwargs=kwargs,
                queued_at=attempt.queued_at,
                started_at=attempt.started_at,
                duration_ms=_ms(run_s),
                queue_wait_ms=attempt.queue_wait_ms,
                worker=getattr(request, "hostname", "") or "",
                request_id=str(_header(request, REQUEST_ID_HEADER) or ""),
                # Retries so far: the attempt that asks for a retry counts the one it scheduled.
                retries=int(getattr(request, "retries", 0) or 0) + (recorded == TaskState.RETRY),
                error_type=attempt.error_type or ("" if recorded != TaskState.REVOKED else str(state)),
                error_message=attempt.error_message,
                traceback=attempt.traceback,
            )
        )
    except Exception:
        logger.warning("task run bookkeeping failed at end of %s", task_id, exc_info=True)


def on_revoked(request: Any = None, *, terminated: bool = False, expired: bool = False, **_: Any) -> None:
    try:
        task_id = getattr(request, "id", None)
        if not task_id:
            return
        attempt = _attempts.pop(task_id, None)
        why = "expired" if expired else "terminated" if terminated else "revoked"
        taskrun_record(
            RunRecord(
                task_id=task_id,
                name=getattr(request, "name", None) or getattr(request, "task", "") or "",
                state=TaskState.REVOKED,
                finished_at=datetime.now(tz=UTC),
                args=getattr(request, "args", None) or (),
                kwargs=getattr(request, "kwargs", None),
                started_at=attempt.started_at if attempt else None,
                queued_at=attempt.queued_at if attempt else None,
                worker=getattr(request, "hostname", "") or "",
                request_id=str(_header(request, REQUEST_ID_HEADER) or ""),
                error_type="Revoked",
                error_message=why,
            )
        )
    except Exception:
        logger.warning("task run bookkeeping failed on revoke", exc_info=True)


def connect() -> None:
    """Called from MonitoringConfig.ready(); dispatch_uid keeps repeated calls from connecting twice."""
    signals.task_prerun.connect(on_prerun, weak=False, dispatch_uid="trader-taskrun-prerun")
    signals.task_failure.connect(on_failure, weak=False, dispatch_uid="trader-taskrun-failure")
    signals.task_retry.connect(on_retry, weak=False, dispatch_uid="trader-taskrun-retry")
    signals.task_postrun.connect(on_postrun, weak=False, dispatch_uid="trader-taskrun-postrun")
    signals.task_revoked.connect(on_revoked, weak=False, dispatch_uid="trader-taskrun-revoked")
