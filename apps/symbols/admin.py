"""Symbols in the back office: searchable and filterable, read-only (exchangeInfo is their only source).

Admins can refresh them from the exchange on demand; otherwise beat does it hourly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages

from apps.exchange.domain.errors import ExchangeError
from apps.symbols.domain.exchange_info import ExchangeInfoError
from apps.symbols.models import Symbol, SymbolEvent
from apps.symbols.services import symbol_refresh
from apps.users.roles import has_role

if TYPE_CHECKING:
    from django.db.models import QuerySet
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
    actions = ("refresh_from_exchange",)

    def has_refresh_permission(self, request: HttpRequest) -> bool:
        # Reading exchangeInfo costs request weight shared by every process: admins only.
        return has_role(request.user, "admin")

    @admin.action(description="Refresh from the exchange now", permissions=["refresh"])
    def refresh_from_exchange(self, request: HttpRequest, queryset: QuerySet[Symbol]) -> None:
        """Refresh the markets of the selected symbols, audited under the admin who asked."""
        markets = sorted(set(queryset.values_list("market", flat=True)))
        for market in markets:
            try:
                result = symbol_refresh(market=market, actor=request.user)  # type: ignore[arg-type]
            except (ExchangeError, ExchangeInfoError) as exc:
                self.message_user(request, f"{market}: could not refresh: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"Refreshed from the exchange. {result.summary()}", messages.SUCCESS)


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
