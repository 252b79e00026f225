"""Input and output serializers. Secrets are write-only: no output serializer has a field for them."""

from __future__ import annotations

from rest_framework import serializers

from apps.exchange.models import ApiCredential, Environment, KeyTypeChoice, MarketChoice


class CredentialInputSerializer(serializers.Serializer):
    environment = serializers.ChoiceField(choices=Environment.choices)
    market = serializers.ChoiceField(choices=MarketChoice.choices)
    key_type = serializers.ChoiceField(choices=KeyTypeChoice.choices)
    api_key = serializers.CharField(write_only=True, trim_whitespace=True, max_length=200)
    secret = serializers.CharField(write_only=True, trim_whitespace=True, max_length=4000)
    label = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class CredentialOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiCredential
        fields = (
            "id",
            "environment",
            "market",
            "version",
            "label",
            "key_type",
            "status",
            "api_key_hint",
            "permissions",
            "warnings",
            "created_at",
            "verified_at",
            "activated_at",
            "retired_at",
        )
        read_only_fields = fields


class BreakerOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    group = serializers.CharField()
    state = serializers.CharField()
    failures = serializers.IntegerField()
    changed_at_ms = serializers.IntegerField(allow_null=True)
    open_until_ms = serializers.IntegerField(allow_null=True)


class PoolOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    scope = serializers.CharField()
    pool = serializers.CharField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField()


class ExchangeStatusOutputSerializer(serializers.Serializer):
    environment = serializers.CharField()
    breakers = BreakerOutputSerializer(many=True)
    pools = PoolOutputSerializer(many=True)
    blocked_for_s = serializers.DictField(child=serializers.FloatField())
    time_offset_ms = serializers.IntegerField()
