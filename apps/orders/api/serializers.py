"""Input and output serializers of the orders API. Decimals are strings both ways."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.orders.api.fields import DecimalStringField, plain_decimal
from apps.orders.domain.intent import OPTIONAL_FIELDS, PlacementIntent, field_errors
from apps.orders.models import Fill, Order, OrderEvent
from apps.symbols.selectors import market_normalize

# Binance's clientOrderId alphabet; a client's own id doubles as its idempotency key.
_CLIENT_ID: Final = re.compile(r"^[.A-Za-z:/0-9_-]{1,36}$")


class _OptionalDecimal(DecimalStringField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_null=True, **kwargs)


class OrderPlaceInputSerializer(serializers.Serializer):
    market = serializers.CharField()
    symbol = serializers.RegexField(r"^[A-Za-z0-9]{2,32}$")
    side = serializers.ChoiceField(choices=["BUY", "SELL"])
    type = serializers.CharField(max_length=32)
    quantity = _OptionalDecimal()
    quote_quantity = _OptionalDecimal()
    price = _OptionalDecimal()
    stop_price = _OptionalDecimal()
    trailing_delta = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=20000)
    callback_rate = _OptionalDecimal()
    activation_price = _OptionalDecimal()
    time_in_force = serializers.CharField(required=False, allow_blank=True, max_length=8)
    post_only = serializers.BooleanField(required=False, default=False)
    reduce_only = serializers.BooleanField(required=False, default=False)
    close_position = serializers.BooleanField(required=False, default=False)
    position_side = serializers.ChoiceField(
        choices=["BOTH", "LONG", "SHORT"], required=False, allow_blank=True
    )
    working_type = serializers.ChoiceField(
        choices=["MARK_PRICE", "CONTRACT_PRICE"], required=False, allow_blank=True
    )
    client_order_id = serializers.RegexField(_CLIENT_ID, required=False, allow_blank=True)

    def validate_market(self, value: str) -> str:
        market = market_normalize(value)
        if market is None:
            raise serializers.ValidationError("Use SPOT or USDM.")
        return market

    def validate_callback_rate(self, value: Decimal | None) -> Decimal | None:
        # Binance's range for a trailing stop's callback, in percent, in steps of 0.1.
        if value is not None and not (Decimal("0.1") <= value <= 10 and value % Decimal("0.1") == 0):
            raise serializers.ValidationError("Use 0.1 to 10 (percent), in steps of 0.1.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["symbol"] = attrs["symbol"].upper()
        attrs["type"] = attrs["type"].strip().upper()
        if attrs.get("time_in_force"):
            attrs["time_in_force"] = attrs["time_in_force"].strip().upper()
        # Only the fields the client actually set count as "given": a false flag or an empty string
        # is the same as leaving the field out.
        given = {name: attrs[name] for name in OPTIONAL_FIELDS if attrs.get(name) not in (None, "", False)}
        errors = field_errors(attrs["market"], attrs["type"], given)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def intent(self) -> PlacementIntent:
        data = self.validated_data
        return PlacementIntent(
            market=data["market"],
            symbol=data["symbol"],
            side=data["side"],
            type=data["type"],
            quantity=data.get("quantity"),
            quote_quantity=data.get("quote_quantity"),
            price=data.get("price"),
            stop_price=data.get("stop_price"),
            trailing_delta=data.get("trailing_delta"),
            callback_rate=data.get("callback_rate"),
            activation_price=data.get("activation_price"),
            time_in_force=data.get("time_in_force") or "",
            reduce_only=data.get("reduce_only", False),
            close_position=data.get("close_position", False),
            position_side=data.get("position_side") or "",
            working_type=data.get("working_type") or "",
        )


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "0.001"})
class _Decimal(serializers.Field):
    """Read-only plain decimal string (or null)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return plain_decimal(value)


class OrderOutputSerializer(serializers.ModelSerializer):
    symbol = serializers.CharField(source="symbol.symbol")
    type = serializers.CharField(source="order_type")
    quantity = _Decimal(source="requested_quantity")
    quote_quantity = _Decimal(source="requested_quote_quantity")
    price = _Decimal(source="requested_price")
    stop_price = _Decimal(source="requested_stop_price")
    callback_rate = _Decimal()
    activation_price = _Decimal()
    executed_quantity = _Decimal(source="exchange_executed_qty")
    cumulative_quote = _Decimal(source="exchange_cumulative_quote")
    average_price = _Decimal(source="exchange_avg_price")

    class Meta:
        model = Order
        fields = (
            "id",
            "client_order_id",
            "market",
            "symbol",
            "side",
            "type",
            "time_in_force",
            "quantity",
            "quote_quantity",
            "price",
            "stop_price",
            "trailing_delta",
            "callback_rate",
            "activation_price",
            "reduce_only",
            "close_position",
            "position_side",
            "working_type",
            "status",
            "reject_code",
            "reject_reason",
            "reject_explanation",
            "list_client_order_id",
            "contingency_type",
            "exchange_order_id",
            "exchange_algo_id",
            "exchange_status",
            "external",
            "executed_quantity",
            "cumulative_quote",
            "average_price",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class FillOutputSerializer(serializers.ModelSerializer):
    price = _Decimal()
    quantity = _Decimal()
    quote_quantity = _Decimal()
    commission = _Decimal()
    realized_pnl = _Decimal()

    class Meta:
        model = Fill
        fields = (
            "exchange_trade_id",
            "price",
            "quantity",
            "quote_quantity",
            "commission",
            "commission_asset",
            "is_maker",
            "realized_pnl",
            "trade_time",
        )
        read_only_fields = fields


class OrderEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ("from_status", "to_status", "event", "source", "payload", "created_at")
        read_only_fields = fields


class OrderDetailOutputSerializer(OrderOutputSerializer):
    fills = FillOutputSerializer(many=True, read_only=True)
    events = OrderEventOutputSerializer(many=True, read_only=True)

    class Meta(OrderOutputSerializer.Meta):
        fields = (*OrderOutputSerializer.Meta.fields, "fills", "events")
        read_only_fields = fields


class OrderListInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "closed"], required=False)
    market = serializers.CharField(required=False)
    symbol = serializers.CharField(required=False)
    since = serializers.DateTimeField(required=False)

    def validate_market(self, value: str) -> str:
        market = market_normalize(value)
        if market is None:
            raise serializers.ValidationError("Use SPOT or USDM.")
        return market


class OrderCancelAllInputSerializer(serializers.Serializer):
    market = serializers.CharField(required=False)
    symbol = serializers.RegexField(r"^[A-Za-z0-9]{2,32}$", required=False)

    def validate_market(self, value: str) -> str:
        market = market_normalize(value)
        if market is None:
            raise serializers.ValidationError("Use SPOT or USDM.")
        return market


class OrderModifyInputSerializer(serializers.Serializer):
    quantity = _OptionalDecimal()
    price = _OptionalDecimal()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("quantity") is None and attrs.get("price") is None:
            raise serializers.ValidationError({"quantity": ["Give a new quantity, a new price, or both."]})
        return attrs


OCO_LEG_TYPES: Final = ("LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")


class OcoLegInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=OCO_LEG_TYPES)
    price = _OptionalDecimal()
    stop_price = _OptionalDecimal()
    trailing_delta = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=20000)
    time_in_force = serializers.ChoiceField(choices=["GTC", "IOC", "FOK"], required=False, allow_blank=True)


class OcoPlaceInputSerializer(serializers.Serializer):
    """A spot OCO: one quantity and side, one leg above the market and one below."""

    market = serializers.ChoiceField(choices=["SPOT"])
    symbol = serializers.RegexField(r"^[A-Za-z0-9]{2,32}$")
    side = serializers.ChoiceField(choices=["BUY", "SELL"])
    type = serializers.ChoiceField(choices=["OCO"])
    quantity = DecimalStringField()
    above = OcoLegInputSerializer()
    below = OcoLegInputSerializer()
    client_order_id = serializers.RegexField(_CLIENT_ID, required=False, allow_blank=True)

    def validate_market(self, value: str) -> str:
        return value.upper()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for name in ("above", "below"):
            leg = attrs[name]
            given = {k: v for k, v in leg.items() if k != "type" and v not in (None, "")}
            given["quantity"] = attrs["quantity"]
            for field, messages in field_errors("SPOT", leg["type"], given).items():
                errors[f"{name}.{field}"] = messages
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def legs(self) -> tuple[PlacementIntent, PlacementIntent]:
        data = self.validated_data

        def leg(values: dict[str, Any]) -> PlacementIntent:
            return PlacementIntent(
                market="SPOT",
                symbol=data["symbol"].upper(),
                side=data["side"],
                type=values["type"],
                quantity=data["quantity"],
                price=values.get("price"),
                stop_price=values.get("stop_price"),
                trailing_delta=values.get("trailing_delta"),
                time_in_force=values.get("time_in_force")
                or ("GTC" if values["type"].endswith("_LIMIT") else ""),
            )

        return leg(data["above"]), leg(data["below"])


class OrderListOutputSerializer(serializers.Serializer):
    list_client_order_id = serializers.CharField()
    contingency_type = serializers.CharField()
    orders = OrderOutputSerializer(many=True)
