"""Inputs and outputs of the market data API (numbers as strings, times in ms since the epoch)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.marketdata.fanout.names import INTERVALS, MARKETS, kinds_for


class _MarketSymbolSerializer(serializers.Serializer[Any]):
    market = serializers.ChoiceField(choices=sorted(MARKETS))
    symbol = serializers.RegexField(r"^[A-Za-z0-9]{2,30}$")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from apps.marketdata.fanout.symbols import known_symbols

        known = known_symbols(ttl_s=self.context.get("symbols_ttl_s", 60.0))
        if (attrs["market"], attrs["symbol"].lower()) not in known:
            raise serializers.ValidationError(
                {"symbol": f"{attrs['symbol'].upper()} is not a listed {attrs['market']} symbol."}
            )
        attrs["symbol"] = attrs["symbol"].upper()
        return attrs


class KlinesInputSerializer(_MarketSymbolSerializer):
    interval = serializers.ChoiceField(choices=list(INTERVALS))
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=500)
    end_time = serializers.IntegerField(min_value=0, required=False, help_text="ms since the epoch")


class KlineOutputSerializer(serializers.Serializer[Any]):
    open_time = serializers.IntegerField()
    open = serializers.CharField()
    high = serializers.CharField()
    low = serializers.CharField()
    close = serializers.CharField()
    volume = serializers.CharField()
    close_time = serializers.IntegerField()
    quote_volume = serializers.CharField()
    trades = serializers.IntegerField()


class SnapshotInputSerializer(_MarketSymbolSerializer):
    streams = serializers.CharField(default="ticker,bookticker,depth", help_text="Comma-separated kinds")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        kinds = [k.strip() for k in attrs["streams"].split(",") if k.strip()]
        unknown = [k for k in kinds if k not in kinds_for(attrs["market"])]
        if not kinds or unknown:
            raise serializers.ValidationError(
                {"streams": f"unknown {attrs['market']} stream kinds: {unknown or '(none)'}"}
            )
        attrs["kinds"] = list(dict.fromkeys(kinds))
        return attrs
