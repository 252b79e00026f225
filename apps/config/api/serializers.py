"""Input and output serializers of the config API. Decimals travel as plain strings.

Input serializers check types and shapes only; the rules (positive, consistent, known symbols) are the
domain's, applied by the service, so the API, the admin and any script share them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.config.domain.values import ACTIONS, INTERVALS, MARKETS, THEMES
from apps.orders.api.fields import plain_decimal

_SIGNED: Final = re.compile(r"^-?[0-9]{1,18}(\.[0-9]{1,18})?$")


@extend_schema_field({"type": "string", "format": "decimal", "example": "1000000"})
class LimitDecimalField(serializers.Field):
    """A decimal sent as a string ("1000000", "2.5"); the sign is accepted here and judged by the rules."""

    default_error_messages = {
        "not_string": 'Send decimals as strings, e.g. "1000000", not as JSON numbers.',
        "invalid": 'Not a plain decimal number: digits with one optional point, e.g. "2.5".',
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_string")
        text = data.strip()
        if not _SIGNED.match(text):
            self.fail("invalid")
        return Decimal(text)

    def to_representation(self, value: Decimal) -> str:
        return plain_decimal(value)


def _amount(**kwargs: Any) -> LimitDecimalField:
    return LimitDecimalField(required=False, **kwargs)


class _VersionOutput(serializers.Serializer):
    version = serializers.IntegerField()
    is_active = serializers.BooleanField()
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    comment = serializers.CharField()


class OverrideSerializer(serializers.Serializer):
    market = serializers.ChoiceField(choices=MARKETS)
    symbol = serializers.CharField(max_length=32)
    max_order_notional = LimitDecimalField(required=False, allow_null=True)
    max_position_notional = LimitDecimalField(required=False, allow_null=True)
    max_leverage = serializers.IntegerField(required=False, allow_null=True)
    max_open_orders = serializers.IntegerField(required=False, allow_null=True)
    price_band_pct = LimitDecimalField(required=False, allow_null=True)


class OverrideOutputSerializer(OverrideSerializer):
    market = serializers.CharField(source="symbol.market")  # type: ignore[assignment]
    symbol = serializers.CharField(source="symbol.symbol")  # type: ignore[assignment]


class _RiskLimitFields(serializers.Serializer):
    max_order_notional = _amount()
    max_position_notional = _amount()
    max_gross_exposure = _amount()
    max_leverage = serializers.IntegerField(required=False)
    max_open_orders_per_symbol = serializers.IntegerField(required=False)
    max_open_orders_total = serializers.IntegerField(required=False)
    price_band_pct = _amount()
    max_orders_per_minute = serializers.IntegerField(required=False)
    daily_loss_limit = _amount()
    max_drawdown_pct = _amount()
    correlation_interval = serializers.ChoiceField(choices=INTERVALS, required=False)
    correlation_window = serializers.IntegerField(required=False)
    correlation_threshold = _amount()
    max_correlated_exposure = _amount()


class RiskLimitsInputSerializer(_RiskLimitFields):
    """Fields left out keep the active version's value; `overrides` left out keeps its overrides."""

    overrides = OverrideSerializer(many=True, required=False)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RiskLimitsOutputSerializer(_VersionOutput, _RiskLimitFields):
    overrides = serializers.SerializerMethodField()

    @extend_schema_field(OverrideOutputSerializer(many=True))
    def get_overrides(self, row: Any) -> list[dict[str, Any]]:
        return list(OverrideOutputSerializer(row.override_list(), many=True).data)


class _TradingFields(serializers.Serializer):
    daily_loss_action = serializers.ChoiceField(choices=ACTIONS, required=False)
    drawdown_action = serializers.ChoiceField(choices=ACTIONS, required=False)
    user_stream_down_action = serializers.ChoiceField(choices=ACTIONS, required=False)
    market_data_stale_action = serializers.ChoiceField(choices=ACTIONS, required=False)
    reconcile_drift_action = serializers.ChoiceField(choices=ACTIONS, required=False)
    user_stream_down_seconds = serializers.IntegerField(required=False)
    market_data_stale_seconds = serializers.IntegerField(required=False)
    reconcile_drift_tolerance = serializers.IntegerField(required=False)
    risk_monitor_interval_seconds = serializers.IntegerField(required=False)
    deadman_enabled = serializers.BooleanField(required=False)
    deadman_countdown_ms = serializers.IntegerField(required=False)
    deadman_heartbeat_seconds = serializers.IntegerField(required=False)
    spot_close_keep = serializers.DictField(child=serializers.CharField(), required=False)
    spot_close_quote_asset = serializers.CharField(max_length=24, required=False)
    watch_symbols = serializers.ListField(child=serializers.CharField(max_length=41), required=False)


class TradingConfigInputSerializer(_TradingFields):
    """Fields left out keep the active version's value."""

    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TradingConfigOutputSerializer(_VersionOutput, _TradingFields):
    pass


class PreferenceSerializer(serializers.Serializer):
    """GET returns every field; PUT takes any of them (the others stay as they are)."""

    watched_symbols = serializers.ListField(child=serializers.CharField(max_length=41), required=False)
    default_market = serializers.ChoiceField(choices=MARKETS, required=False)
    chart_interval = serializers.ChoiceField(choices=INTERVALS, required=False)
    layout = serializers.DictField(required=False)
    theme = serializers.ChoiceField(choices=THEMES, required=False)
    order_ticket_defaults = serializers.DictField(required=False)
    updated_at = serializers.DateTimeField(read_only=True)


class LimitUsageSerializer(serializers.Serializer):
    limit = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    limit_value = serializers.CharField(help_text="Decimal string")
    current = serializers.CharField(allow_null=True, help_text="Decimal string; null when not known")
    used_pct = serializers.CharField(allow_null=True, help_text="current / limit x 100, decimal string")
    detail = serializers.CharField(allow_blank=True)


class RiskUsageSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    limits = LimitUsageSerializer(many=True)
