"""Reads of task runs for the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.monitoring.models import TaskRun

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet


def taskrun_list(
    *, name: str | None = None, state: str | None = None, since: datetime | None = None
) -> QuerySet[TaskRun]:
    """Newest first; `name` matches exactly, `since` keeps runs that finished at or after it."""
    rows = TaskRun.objects.order_by("-finished_at", "-id")
    if name:
        rows = rows.filter(name=name)
    if state:
        rows = rows.filter(state=state)
    if since is not None:
        rows = rows.filter(finished_at__gte=since)
    return rows
