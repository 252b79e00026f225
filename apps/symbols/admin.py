"""Symbols in the back office: searchable and filterable, read-only (exchangeInfo is their only source)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from apps.symbols.models import Symbol, SymbolEvent

if TYPE_CHECKING:
    from django.http import HttpRequest


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SymbolEventInline(admin.TabularInline):
    model = SymbolEvent
    extra = 0
    fields = (
        "created_at",
        "kind",
        "old_status",
        "new_status",
        "severity",
        "is_alert",
        "message",
        "notified_at",
    )
    readonly_fields = fields
    ordering = ("-created_at",)
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Symbol)
class SymbolAdmin(_ReadOnly):
    list_display = (
        "symbol",
        "market",
        "status",
        "is_listed",
        "base_asset",
        "quote_asset",
        "tick_size",
        "step_size",
        "min_notional",
        "updated_at",
    )
    list_filter = ("market", "status", "is_listed", "quote_asset")
    search_fields = ("symbol", "base_asset", "quote_asset")
    ordering = ("market", "symbol")
    list_per_page = 100
    readonly_fields = tuple(f.name for f in Symbol._meta.fields)
    inlines = (SymbolEventInline,)


@admin.register(SymbolEvent)
class SymbolEventAdmin(_ReadOnly):
    list_display = (
        "created_at",
        "symbol",
        "kind",
        "old_status",
        "new_status",
        "severity",
        "is_alert",
        "notified_at",
    )
    list_filter = ("kind", "severity", "is_alert", "symbol__market")
    search_fields = ("symbol__symbol", "message")
    date_hierarchy = "created_at"
    list_select_related = ("symbol",)
    readonly_fields = tuple(f.name for f in SymbolEvent._meta.fields)
