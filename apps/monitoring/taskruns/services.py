"""Writing and pruning TaskRun rows.

A row is written once, when an attempt ends, by one upsert keyed on the task id (a retry's next attempt
overwrites its row). The write happens after the task's own code has returned, outside any transaction it
opened; when the caller is itself inside a transaction (an eager run in a request or a test), it waits for
the commit. Recording is observability: an error here is logged and never reaches the task.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.common.redaction import redact, redact_text
from apps.monitoring.models import TaskRun

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

logger = logging.getLogger(__name__)

ARGS_MAX_CHARS = 4000
ERROR_MESSAGE_MAX = 2000
TRACEBACK_MAX = 16000
_TEXT_FIELDS = {"name": 200, "worker": 255, "request_id": 64, "error_type": 200}


@dataclass(frozen=True)
class RunRecord:
    task_id: str
    name: str
    state: str
    finished_at: datetime
    args: Any = ()
    kwargs: Any = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    duration_ms: Decimal | None = None
    queue_wait_ms: Decimal | None = None
    worker: str = ""
    request_id: str = ""
    retries: int = 0
    error_type: str = ""
    error_message: str = ""
    traceback: str = ""


def capped_json(value: Any, *, max_chars: int = ARGS_MAX_CHARS) -> Any:
    """`value` redacted and made JSON-safe; when its JSON is longer than `max_chars`, a marked preview."""
    safe = redact(value)
    text = json.dumps(safe, default=str, ensure_ascii=False)
    if len(text) <= max_chars:
        return json.loads(text)
    return {"truncated": True, "chars": len(text), "preview": text[:max_chars]}


def capped_text(value: str, max_chars: int) -> str:
    text = redact_text(value)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def _row(record: RunRecord) -> TaskRun:
    fields = asdict(record)
    fields["args"] = capped_json(list(record.args) if isinstance(record.args, tuple) else record.args or [])
    fields["kwargs"] = capped_json(record.kwargs or {})
    fields["error_message"] = capped_text(record.error_message, ERROR_MESSAGE_MAX)
    fields["traceback"] = capped_text(record.traceback, TRACEBACK_MAX)
    for name, limit in _TEXT_FIELDS.items():
        fields[name] = str(fields[name] or "")[:limit]
    return TaskRun(**fields)


_UPDATE_FIELDS = [f for f in RunRecord.__dataclass_fields__ if f != "task_id"]


def _write(row: TaskRun) -> None:
    try:
        TaskRun.objects.bulk_create(
            [row], update_conflicts=True, unique_fields=["task_id"], update_fields=_UPDATE_FIELDS
        )
    except Exception:
        # Never the task's problem: the database may be down, or this process may have none.
        logger.warning("could not record task run %s (%s)", row.task_id, row.name, exc_info=True)


def taskrun_record(record: RunRecord) -> None:
    """Store (or overwrite) the row of `record.task_id`; never raises."""
    try:
        row = _row(record)
        if connection.in_atomic_block:
            transaction.on_commit(lambda: _write(row))
        else:
            _write(row)
    except Exception:
        logger.warning("could not record task run %s", record.task_id, exc_info=True)


def taskruns_prune(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete rows that finished more than `days` (default TRADER_TASKRUN_RETENTION_DAYS) ago."""
    keep_days = settings.TRADER_TASKRUN_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _ = TaskRun.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
