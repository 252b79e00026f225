"""Serializers of the positions API. Decimals are strings (plain, no exponent), never JSON numbers."""

from __future__ import annotations

from typing import Any, Final

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.orders.api.fields import plain_decimal
from apps.positions.selectors import STEPS
from apps.symbols.selectors import market_normalize

_SYMBOL: Final = r"^[A-Za-z0-9]{2,32}$"


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "0.001"})
class DecimalOut(serializers.Field):
    """Read-only plain decimal string (or null)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return plain_decimal(value)


class _MarketInput(serializers.Serializer):
    market = serializers.CharField(required=False)

    def validate_market(self, value: str) -> str:
        market = market_normalize(value)
        if market is None:
            raise serializers.ValidationError("Use SPOT or USDM.")
        return market


class _Window(serializers.Serializer):
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since >= until:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


# ---------------------------------------------------------------- inputs


class BalanceListInputSerializer(_MarketInput):
    include_zero = serializers.BooleanField(required=False, default=False)


class PositionListInputSerializer(serializers.Serializer):
    symbol = serializers.RegexField(_SYMBOL, required=False)
    include_flat = serializers.BooleanField(required=False, default=False)


class TradeListInputSerializer(_MarketInput, _Window):
    symbol = serializers.RegexField(_SYMBOL, required=False)


class IncomeListInputSerializer(serializers.Serializer):
    type = serializers.RegexField(r"^[A-Za-z_]{2,32}$", required=False)
    since = serializers.DateTimeField(required=False)
    symbol = serializers.RegexField(_SYMBOL, required=False)

    def validate_type(self, value: str) -> str:
        return value.upper()


class EquityInputSerializer(_Window):
    step = serializers.ChoiceField(choices=list(STEPS), required=False, default="5m")
    market = serializers.ChoiceField(choices=["TOTAL", "SPOT", "USDM"], required=False, default="TOTAL")


class HistoryImportInputSerializer(_MarketInput):
    since = serializers.DateTimeField(required=False)


# ---------------------------------------------------------------- outputs


class BalanceOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    asset = serializers.CharField()
    free = DecimalOut()
    locked = DecimalOut()
    total = DecimalOut()
    wallet_balance = DecimalOut()
    cross_wallet_balance = DecimalOut()
    available_balance = DecimalOut()
    unrealized_pnl = DecimalOut()
    usdt_price = DecimalOut()
    usdt_value = DecimalOut()
    updated_at = serializers.DateTimeField()


class PositionOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField(source="position.symbol.symbol")
    position_side = serializers.CharField(source="position.position_side")
    quantity = DecimalOut(source="position.quantity")
    entry_price = DecimalOut(source="position.entry_price")
    break_even_price = DecimalOut(source="position.break_even_price")
    mark_price = DecimalOut(source="position.mark_price")
    unrealized_pnl = DecimalOut(source="position.unrealized_pnl")
    notional = DecimalOut(source="position.notional")
    leverage = serializers.IntegerField(source="position.leverage", allow_null=True)
    margin_type = serializers.CharField(source="position.margin_type")
    isolated_margin = DecimalOut(source="position.isolated_margin")
    initial_margin = DecimalOut(source="position.initial_margin")
    maint_margin = DecimalOut(source="position.maint_margin")
    liquidation_price = DecimalOut(source="position.liquidation_price")
    margin_ratio = DecimalOut()
    updated_at = serializers.DateTimeField(source="position.updated_at")
    exchange_update_time = serializers.DateTimeField(source="position.exchange_update_time", allow_null=True)


class TradeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    market = serializers.CharField()
    symbol = serializers.CharField(source="symbol.symbol")
    side = serializers.CharField(source="trade_side", allow_null=True)
    exchange_trade_id = serializers.IntegerField()
    exchange_order_id = serializers.IntegerField(allow_null=True)
    order_id = serializers.IntegerField(allow_null=True)
    external = serializers.BooleanField(source="is_external")
    price = DecimalOut()
    quantity = DecimalOut()
    quote_quantity = DecimalOut()
    commission = DecimalOut()
    commission_asset = serializers.CharField()
    is_maker = serializers.BooleanField()
    realized_pnl = DecimalOut()
    trade_time = serializers.DateTimeField()


class IncomeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    market = serializers.CharField()
    type = serializers.CharField(source="income_type")
    asset = serializers.CharField()
    amount = DecimalOut()
    symbol = serializers.CharField()
    time = serializers.DateTimeField()
    exchange_tran_id = serializers.IntegerField()
    trade_id = serializers.CharField()
    info = serializers.CharField()


class EquityPointOutputSerializer(serializers.Serializer):
    time = serializers.DateTimeField(help_text="Start of the bucket (UTC)")
    taken_at = serializers.DateTimeField(help_text="Time of the snapshot shown: the bucket's last")
    equity = DecimalOut()
    wallet = DecimalOut()
    unrealized = DecimalOut()


class EquityOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    step = serializers.CharField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    points = EquityPointOutputSerializer(many=True)


class _PnlSerializer(serializers.Serializer):
    realized = DecimalOut()
    spot_realized = DecimalOut()
    futures_realized = DecimalOut()
    commission = DecimalOut()
    funding = DecimalOut()
    net = DecimalOut()


class _PnlPeriodsSerializer(serializers.Serializer):
    """P&L of today (since 00:00 UTC), the last 7 days, and all imported history."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # "7d" is not a Python name, so the fields are built here rather than declared.
        return {name: _PnlSerializer() for name in ("today", "7d", "all")}


class _MarketTotalSerializer(serializers.Serializer):
    market = serializers.CharField()
    wallet = DecimalOut()
    unrealized = DecimalOut()
    equity = DecimalOut()


class _UnrealizedSerializer(serializers.Serializer):
    spot = DecimalOut()
    futures = DecimalOut()
    total = DecimalOut()


class _ExposureSerializer(serializers.Serializer):
    market = serializers.CharField()
    name = serializers.CharField(help_text="Futures symbol, or spot asset")
    position_side = serializers.CharField()
    quantity = DecimalOut()
    notional_usdt = DecimalOut()


class PortfolioOutputSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    balances_synced = serializers.BooleanField()
    total_equity = DecimalOut()
    markets = _MarketTotalSerializer(many=True)
    balances = BalanceOutputSerializer(many=True)
    pnl = _PnlPeriodsSerializer()
    unrealized = _UnrealizedSerializer()
    exposure = _ExposureSerializer(many=True)
    unpriced = serializers.ListField(child=serializers.CharField())


class PositionsReconcileOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    fixed = serializers.ListField(child=serializers.DictField(), help_text="Each fix: key, before, after")
    refreshed = serializers.IntegerField(help_text="Rows whose market-driven figures (mark, P&L) moved")


class HistoryImportOutputSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    markets = serializers.ListField(child=serializers.CharField())
    since = serializers.DateTimeField(allow_null=True)
