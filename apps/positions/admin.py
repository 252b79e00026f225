"""Balances, positions, equity, income and import cursors in the back office: read-only.

Every row is a copy of what the exchange reported; corrections come from reconciliation, never a form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from apps.positions.models import Balance, BracketTable, EquitySnapshot, ImportCursor, IncomeRecord, Position

if TYPE_CHECKING:
    from django.http import HttpRequest


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Balance)
class BalanceAdmin(_ReadOnly):
    list_display = (
        "market",
        "asset",
        "free",
        "locked",
        "wallet_balance",
        "available_balance",
        "unrealized_pnl",
        "usdt_price",
        "source",
        "updated_at",
    )
    list_filter = ("market", "source")
    search_fields = ("asset",)


@admin.register(Position)
class PositionAdmin(_ReadOnly):
    list_display = (
        "symbol",
        "position_side",
        "quantity",
        "entry_price",
        "mark_price",
        "unrealized_pnl",
        "liquidation_price",
        "leverage",
        "margin_type",
        "source",
        "updated_at",
    )
    list_filter = ("position_side", "margin_type", "source")
    search_fields = ("symbol__symbol",)
    list_select_related = ("symbol",)


@admin.register(EquitySnapshot)
class EquitySnapshotAdmin(_ReadOnly):
    list_display = ("time", "market", "equity", "wallet", "unrealized", "unpriced")
    list_filter = ("market",)
    date_hierarchy = "time"


@admin.register(IncomeRecord)
class IncomeRecordAdmin(_ReadOnly):
    list_display = ("time", "income_type", "symbol", "amount", "asset", "exchange_tran_id", "trade_id")
    list_filter = ("income_type", "asset")
    search_fields = ("symbol", "exchange_tran_id", "trade_id")
    date_hierarchy = "time"


@admin.register(ImportCursor)
class ImportCursorAdmin(_ReadOnly):
    list_display = ("what", "last_id", "last_time", "updated_at")
    search_fields = ("what",)


@admin.register(BracketTable)
class BracketTableAdmin(_ReadOnly):
    list_display = ("symbol", "fetched_at")
    search_fields = ("symbol",)
