"""Input and output serializers of the risk API. Amounts in reports and alert values are strings."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.risk.domain.state import ScopeError, TradingStateValue, parse_scope


def _scope(value: str) -> str:
    try:
        return parse_scope(value).label
    except ScopeError as exc:
        raise serializers.ValidationError(str(exc)) from None


class TradingStateInputSerializer(serializers.Serializer):
    scope = serializers.CharField(default="all", help_text='"all", "spot", "usdm" or "<MARKET>:<SYMBOL>"')
    state = serializers.ChoiceField(choices=[s.value for s in TradingStateValue])
    # Checked by the service after the role rule, so a refused role answers 403 before a missing reason.
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def validate_scope(self, value: str) -> str:
        return _scope(value)


class TradingStateRowSerializer(serializers.Serializer):
    scope = serializers.CharField(source="scope.label")
    level = serializers.CharField(source="scope.level")
    state = serializers.CharField()
    reason = serializers.CharField()
    source = serializers.CharField()
    actor = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_actor(self, row: Any) -> str | None:
        return row.actor.get_username() if row.actor_id else None


class KillSwitchInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["engage", "release"])
    scope = serializers.CharField(default="all", help_text='"all", "spot", "usdm" or "<MARKET>:<SYMBOL>"')
    close_positions = serializers.BooleanField(default=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def validate_scope(self, value: str) -> str:
        return _scope(value)


class KillSwitchStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    market = serializers.CharField()
    symbol = serializers.CharField()
    status = serializers.CharField()
    detail = serializers.JSONField()
    result = serializers.JSONField()
    error = serializers.CharField()
    attempts = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class KillSwitchRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    close_positions = serializers.BooleanField()
    reason = serializers.CharField()
    status = serializers.CharField()
    engaged_by = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    report = serializers.JSONField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    steps = KillSwitchStepSerializer(many=True, source="steps.all")

    def get_engaged_by(self, run: Any) -> str | None:
        return run.engaged_by.get_username() if run.engaged_by_id else None


class RiskAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trigger = serializers.CharField()
    scope = serializers.CharField()
    severity = serializers.CharField()
    action = serializers.CharField()
    message = serializers.CharField()
    values = serializers.JSONField()
    fire_count = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    last_fired_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class DeadmanSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    countdown_ms = serializers.IntegerField()
    symbols = serializers.ListField(child=serializers.CharField())
    last_run_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    last_error_at = serializers.DateTimeField(allow_null=True)
    healthy = serializers.BooleanField()
    problem = serializers.CharField(allow_blank=True)
