"""Orders in the back office: what was asked, what the exchange said, every transition and fill.

Everything is read-only: intent is fixed once recorded, exchange fields are only ever copied from
Binance's reports, and status changes go through the state table in services, never through a form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from apps.orders.models import Fill, Order, OrderEvent

if TYPE_CHECKING:
    from django.http import HttpRequest


class _NoWrites:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderEventInline(_NoWrites, admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "event", "source", "payload")
    readonly_fields = fields


class FillInline(_NoWrites, admin.TabularInline):
    model = Fill
    fk_name = "order"
    extra = 0
    fields = (
        "trade_time",
        "exchange_trade_id",
        "price",
        "quantity",
        "quote_quantity",
        "commission",
        "commission_asset",
        "is_maker",
        "realized_pnl",
    )
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(_NoWrites, admin.ModelAdmin):
    list_display = (
        "client_order_id",
        "created_at",
        "market",
        "symbol",
        "side",
        "order_type",
        "requested_quantity",
        "requested_price",
        "status",
        "exchange_executed_qty",
        "exchange_status",
    )
    list_filter = ("status", "market", "side", "order_type")
    search_fields = ("client_order_id", "exchange_order_id", "symbol__symbol")
    date_hierarchy = "created_at"
    list_select_related = ("symbol",)
    fieldsets = (
        (
            "Requested",
            {
                "fields": (
                    "client_order_id",
                    "created_by",
                    "market",
                    "symbol",
                    "side",
                    "order_type",
                    "time_in_force",
                    "requested_quantity",
                    "requested_quote_quantity",
                    "requested_price",
                    "requested_stop_price",
                    "reduce_only",
                    "position_side",
                )
            },
        ),
        ("State", {"fields": ("status", "reject_code", "reject_reason", "created_at", "updated_at")}),
        (
            "Reported by the exchange",
            {
                "fields": (
                    "exchange_order_id",
                    "exchange_status",
                    "exchange_executed_qty",
                    "exchange_cumulative_quote",
                    "exchange_avg_price",
                    "exchange_update_time",
                )
            },
        ),
    )
    readonly_fields = tuple(f.name for f in Order._meta.fields)
    inlines = (OrderEventInline, FillInline)


@admin.register(Fill)
class FillAdmin(_NoWrites, admin.ModelAdmin):
    list_display = (
        "trade_time",
        "market",
        "symbol",
        "exchange_trade_id",
        "order",
        "price",
        "quantity",
        "commission",
        "commission_asset",
        "is_maker",
        "realized_pnl",
    )
    list_filter = ("market", "is_maker")
    search_fields = ("exchange_trade_id", "order__client_order_id", "symbol__symbol")
    list_select_related = ("symbol", "order")
    readonly_fields = tuple(f.name for f in Fill._meta.fields)
