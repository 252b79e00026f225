"""`GET /api/status/` (every component, its state and last change) and `GET /api/status/exchange-errors/`
(recent failed exchange calls), readable by any role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.monitoring.selectors import exchange_errors_recent
from apps.monitoring.status.service import system_status_snapshot
from apps.users.permissions import IsViewer

if TYPE_CHECKING:
    from rest_framework.request import Request


class ComponentOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["ok", "degraded", "down"])
    message = serializers.CharField()
    detail = serializers.DictField()
    since = serializers.DateTimeField()


class StatusOutputSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    overall = serializers.ChoiceField(choices=["ok", "degraded", "down"])
    environment = serializers.CharField()
    components = ComponentOutputSerializer(many=True)


class SystemStatusApi(APIView):
    permission_classes = (IsViewer,)

    @extend_schema(responses=StatusOutputSerializer)
    def get(self, request: Request) -> Response:
        status = system_status_snapshot()
        data = {
            "generated_at": status.generated_at,
            "overall": status.overall,
            "environment": settings.TRADER_EXCHANGE,
            "components": status.components,
        }
        return Response(StatusOutputSerializer(data).data)


class ExchangeErrorsInputSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=500, default=50)


class ExchangeErrorOutputSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    endpoint = serializers.CharField()
    market = serializers.CharField()
    http_status = serializers.IntegerField(allow_null=True)
    binance_code = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    message = serializers.CharField()
    latency_ms = serializers.DecimalField(max_digits=10, decimal_places=2)


class ExchangeErrorsApi(APIView):
    permission_classes = (IsViewer,)

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="1 to 500, default 50")],
        responses=ExchangeErrorOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = ExchangeErrorsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = exchange_errors_recent(limit=params.validated_data["limit"])
        return Response({"results": ExchangeErrorOutputSerializer(rows, many=True).data})


status_urlpatterns = [
    path("status/", SystemStatusApi.as_view(), name="system-status"),
    path("status/exchange-errors/", ExchangeErrorsApi.as_view(), name="system-status-exchange-errors"),
]
