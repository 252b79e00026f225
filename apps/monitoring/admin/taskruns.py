"""Celery task runs in the back office: read-only, newest first, filterable and searchable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from apps.monitoring.models import TaskRun

if TYPE_CHECKING:
    from django.http import HttpRequest


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = (
        "finished_at",
        "name",
        "state",
        "duration_ms",
        "queue_wait_ms",
        "retries",
        "worker",
        "request_id",
        "error_type",
        "task_id",
    )
    list_filter = ("state", "name", "worker", ("finished_at", admin.DateFieldListFilter))
    search_fields = ("=task_id", "=request_id")
    date_hierarchy = "finished_at"
    ordering = ("-finished_at", "-id")
    list_per_page = 100
    readonly_fields = tuple(f.name for f in TaskRun._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
