"""The audit trail in the back office: searchable, filterable, and read-only for everyone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from apps.monitoring.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "actor_label", "action", "target_type", "target_id", "request_id")
    list_filter = ("action", "target_type", "actor_label", ("created_at", admin.DateFieldListFilter))
    search_fields = ("action", "actor_label", "target_id", "request_id", "hash")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    list_per_page = 100
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
