"""The request id travels with Celery tasks, and Celery logs through settings.LOGGING.

Publishing (`before_task_publish`, in the process that enqueues) copies the current request id and the
publish time into the message headers. In the worker, `task_prerun` restores that id into the request
context (or takes a fresh one when the task came without one: beat, or a producer outside any request) and
names the running task for log lines; `task_postrun` puts the worker's context back.

`setup_logging` has a receiver so Celery leaves logging to Django's dictConfig instead of replacing the root
handlers with its own: worker and beat lines get the same JSON/plain format and the same redaction.
"""

from __future__ import annotations

import logging
import logging.config
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from celery import signals

from apps.common.logging import TaskContext, task_context_var
from apps.common.request_context import current_request_id, request_id_var

if TYPE_CHECKING:
    from contextvars import Token

REQUEST_ID_HEADER = "trader_request_id"
PUBLISHED_AT_HEADER = "trader_published_at"

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# task id → the context tokens to reset when the task ends (solo/prefork: prerun and postrun share a thread).
_tokens: dict[str, tuple[Token[str], Token[TaskContext | None]]] = {}

logger = logging.getLogger(__name__)


def on_before_task_publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is None:
        return
    request_id = current_request_id()
    if request_id != "-" and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id
    # Wall-clock seconds: the worker is another process, maybe another host (NTP-synced in production).
    # Set on every publish, a retry's too: each is a new wait in the queue.
    headers[PUBLISHED_AT_HEADER] = time.time()


def task_request_id(request: Any) -> str:
    """The id a task runs under: its header, else the caller's (eager runs), else a fresh one."""
    carried = getattr(request, REQUEST_ID_HEADER, None)
    if isinstance(carried, str) and _VALID_ID.match(carried):
        return carried
    current = current_request_id()
    return current if current != "-" else uuid.uuid4().hex


def on_task_prerun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id is None or task is None:
        return
    request_id = task_request_id(task.request)
    # Kept on the request too, so other receivers (TaskRun) read it whatever order they run in.
    task.request.trader_request_id = request_id
    _tokens[task_id] = (
        request_id_var.set(request_id),
        task_context_var.set(TaskContext(task_id=task_id, task_name=task.name or "")),
    )


def on_task_postrun(task_id: str | None = None, **_: Any) -> None:
    tokens = _tokens.pop(task_id or "", None)
    if tokens is None:
        return
    try:
        request_id_var.reset(tokens[0])
        task_context_var.reset(tokens[1])
    except ValueError:  # reset from another context (a pool we do not use): clear instead
        request_id_var.set("-")
        task_context_var.set(None)


def on_setup_logging(**_: Any) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def connect() -> None:
    """Called from CommonConfig.ready(); dispatch_uid keeps repeated calls from connecting twice."""
    signals.before_task_publish.connect(on_before_task_publish, weak=False, dispatch_uid="trader-rid-publish")
    signals.task_prerun.connect(on_task_prerun, weak=False, dispatch_uid="trader-rid-prerun")
    signals.task_postrun.connect(on_task_postrun, weak=False, dispatch_uid="trader-rid-postrun")
    signals.setup_logging.connect(on_setup_logging, weak=False, dispatch_uid="trader-setup-logging")
