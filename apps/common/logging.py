"""Logging helpers wired from settings.LOGGING: context, redaction, and the JSON and plain formats.

Every handler carries two filters, in this order: `RequestIdFilter` stamps the record with the request id,
the process role (web, worker, beat, streams, ...) and the Celery task being run; `RedactingFilter` masks
secrets in the message, its %-args, `extra` fields and the exception text (apps/common/redaction.py).
`JsonFormatter` writes one JSON object per line (production); `PlainFormatter` a readable line (development).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apps.common.redaction import MASK, is_secret_name, redact, redact_text
from apps.common.request_context import current_request_id


@dataclass(frozen=True)
class TaskContext:
    task_id: str
    task_name: str


# The Celery task this thread is running (set by apps/common/celery_context.py around each task).
task_context_var: contextvars.ContextVar[TaskContext | None] = contextvars.ContextVar(
    "task_context", default=None
)

# ---------------------------------------------------------------- process role
# Long-running background processes tag lines logged outside any request or task with their role, so a
# streams or beat line never reads "-".
_ROLE_AS_REQUEST_ID = frozenset({"worker", "beat", "streams"})
_COMMAND_ROLES = {"run_streams": "streams", "runserver": "web"}
_role: str | None = None


def _detect_role(argv: list[str]) -> str:
    program = os.path.basename(argv[0]) if argv else ""
    words = set(argv[1:])
    if program in ("daphne", "uvicorn", "gunicorn"):
        return "web"
    if program == "celery" or "celery" in program or (argv[:1] and "celery" in argv[0]):
        return "beat" if "beat" in words else "worker" if "worker" in words else "celery"
    if program in ("manage.py", "django-admin") and len(argv) > 1:
        return _COMMAND_ROLES.get(argv[1], argv[1])
    if "pytest" in program or "py.test" in program:
        return "pytest"
    return program.removesuffix(".py") or "python"


def process_role() -> str:
    """This process's role: TRADER_PROCESS_ROLE if set, else read from the command line."""
    global _role
    if _role is None:
        _role = os.environ.get("TRADER_PROCESS_ROLE") or _detect_role(sys.argv)
    return _role


def set_process_role(role: str) -> None:
    global _role
    _role = role


def log_request_id() -> str:
    """The request id a log line (or a record written on its behalf) should carry."""
    request_id = current_request_id()
    if request_id == "-" and task_context_var.get() is None and process_role() in _ROLE_AS_REQUEST_ID:
        return process_role()
    return request_id


# ---------------------------------------------------------------- filters
class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = log_request_id()
        if not hasattr(record, "process_role"):
            record.process_role = process_role()
        task = task_context_var.get()
        if task is not None and not hasattr(record, "task_id"):
            record.task_id = task.task_id
            record.task_name = task.task_name
        return True


# The attributes every LogRecord has, plus the ones formatters and our filters add: anything else on a
# record came from `extra=`.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "process_role",
    "task_id",
    "task_name",
    "taskName",
    "task",
    "_redacted",
}
_JSON_NATIVE = (str, int, float, bool, type(None), dict, list, tuple)


class RedactingFilter(logging.Filter):
    """Masks secrets in place; runs once per record even when several handlers carry it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        record._redacted = True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep both parts, redacted, rather than drop the line
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact_text(message)
        record.args = None
        for key in [k for k in record.__dict__ if k not in _STANDARD_ATTRS]:
            value = record.__dict__[key]
            record.__dict__[key] = MASK if is_secret_name(key) and value not in (None, "") else redact(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


# ---------------------------------------------------------------- formatters
def _defaults(record: logging.LogRecord) -> None:
    # A formatter may meet records that skipped our filters (a handler added by a library): no KeyError.
    if not hasattr(record, "request_id"):
        record.request_id = log_request_id()
    if not hasattr(record, "process_role"):
        record.process_role = process_role()


class PlainFormatter(logging.Formatter):
    """`2026-11-25 14:00:00,123 INFO apps.orders [worker abc123 orders.submit:1a2b3c4d] message`."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(
            fmt or "%(asctime)s %(levelname)s %(name)s [%(process_role)s %(request_id)s%(task)s] %(message)s",
            datefmt,
        )

    def format(self, record: logging.LogRecord) -> str:
        _defaults(record)
        task_id = getattr(record, "task_id", None)
        record.task = f" {getattr(record, 'task_name', '')}:{str(task_id)[:8]}" if task_id else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (ISO 8601 UTC), level, logger, message, request_id, process, pid,
    task_id/task_name inside a task, exc (the traceback) when there is one, then `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        _defaults(record)
        ts = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        entry: dict[str, Any] = {
            "ts": ts.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": record.request_id,
            "process": record.process_role,
            "pid": record.process,
        }
        if getattr(record, "task_id", None):
            entry["task_id"] = record.task_id
            entry["task_name"] = getattr(record, "task_name", "")
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in entry:
                # Objects (a Django request, say) print through str(): redact what that shows.
                entry[key] = value if isinstance(value, _JSON_NATIVE) else redact_text(str(value))
        return json.dumps(entry, default=str, ensure_ascii=False)
