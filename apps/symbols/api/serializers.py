"""Input and output shapes of the symbols API. Decimals are strings, as everywhere in the API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.symbols.models import Market, SymbolEvent


class SymbolListInputSerializer(serializers.Serializer):
    market = serializers.CharField(required=False, allow_blank=True)
    search = serializers.CharField(required=False, allow_blank=True, max_length=32)
    status = serializers.CharField(required=False, allow_blank=True, max_length=24)

    def validate_market(self, value: str) -> str:
        upper = value.strip().upper()
        if upper and upper not in Market.values:
            raise serializers.ValidationError(f"Unknown market; use one of {', '.join(Market.values)}.")
        return upper


class SymbolListOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    symbol = serializers.CharField()
    status = serializers.CharField()
    is_listed = serializers.BooleanField()
    base_asset = serializers.CharField()
    quote_asset = serializers.CharField()
    margin_asset = serializers.CharField()
    tradable = serializers.SerializerMethodField()

    def get_tradable(self, obj: Any) -> bool:
        # The list serializes model rows, the detail a dict built by the view.
        values = obj if isinstance(obj, dict) else {"is_listed": obj.is_listed, "status": obj.status}
        return bool(values.get("is_listed")) and values.get("status") == "TRADING"


class SymbolEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SymbolEvent
        fields = ("kind", "old_status", "new_status", "severity", "message", "created_at")


class PriceRangeSerializer(serializers.Serializer):
    min = serializers.CharField(allow_null=True)
    max = serializers.CharField(allow_null=True)
    tick = serializers.CharField(allow_null=True)


class QuantityRangeSerializer(serializers.Serializer):
    min = serializers.CharField(allow_null=True)
    max = serializers.CharField(allow_null=True)
    step = serializers.CharField(allow_null=True)


class NotionalSerializer(serializers.Serializer):
    min = serializers.CharField(allow_null=True)
    max = serializers.CharField(allow_null=True)
    min_applies_to_market = serializers.BooleanField(allow_null=True)
    max_applies_to_market = serializers.BooleanField(allow_null=True)


class PercentPriceSerializer(serializers.Serializer):
    bid_down = serializers.CharField(allow_null=True)
    bid_up = serializers.CharField(allow_null=True)
    ask_down = serializers.CharField(allow_null=True)
    ask_up = serializers.CharField(allow_null=True)
    reference = serializers.CharField()
    average_minutes = serializers.IntegerField(allow_null=True)


class TrailingDeltaSerializer(serializers.Serializer):
    min_above = serializers.IntegerField(allow_null=True)
    max_above = serializers.IntegerField(allow_null=True)
    min_below = serializers.IntegerField(allow_null=True)
    max_below = serializers.IntegerField(allow_null=True)


class PlainFiltersSerializer(serializers.Serializer):
    price = PriceRangeSerializer(allow_null=True)
    quantity = QuantityRangeSerializer(allow_null=True)
    market_quantity = QuantityRangeSerializer(allow_null=True)
    notional = NotionalSerializer(allow_null=True)
    percent_price = PercentPriceSerializer(allow_null=True)
    iceberg_parts = serializers.IntegerField(allow_null=True)
    max_open_orders = serializers.IntegerField(allow_null=True)
    max_open_algo_orders = serializers.IntegerField(allow_null=True)
    max_open_iceberg_orders = serializers.IntegerField(allow_null=True)
    trailing_delta = TrailingDeltaSerializer(allow_null=True)
    rules = serializers.ListField(child=serializers.CharField())


class SymbolDetailOutputSerializer(SymbolListOutputSerializer):
    contract_type = serializers.CharField()
    base_precision = serializers.IntegerField()
    quote_precision = serializers.IntegerField()
    price_precision = serializers.IntegerField(allow_null=True)
    quantity_precision = serializers.IntegerField(allow_null=True)
    order_types = serializers.ListField(child=serializers.CharField())
    time_in_force = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())
    iceberg_allowed = serializers.BooleanField()
    oco_allowed = serializers.BooleanField()
    quote_order_qty_market_allowed = serializers.BooleanField()
    allow_trailing_stop = serializers.BooleanField()
    blocked_reason = serializers.CharField(allow_null=True)
    filters = PlainFiltersSerializer()
    listed_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField(allow_null=True)
    delisted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    events = SymbolEventOutputSerializer(many=True)
