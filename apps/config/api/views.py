"""Config API: risk limits and trading config (viewer reads, admin activates a new version), their version
history, the limits' current usage, and each user's own preferences. Views validate shapes, call one
selector or service, and render; the rules are the domain's (400 with field messages when one fails)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.config.api.serializers import (
    PreferenceSerializer,
    RiskLimitsInputSerializer,
    RiskLimitsOutputSerializer,
    RiskUsageSerializer,
    TradingConfigInputSerializer,
    TradingConfigOutputSerializer,
)
from apps.config.selectors import (
    active_risk_limits,
    active_trading_config,
    preference_get,
    risk_limits_versions,
    trading_config_versions,
)
from apps.config.services import (
    ConfigInvalid,
    preference_save,
    risk_limits_activate,
    trading_config_activate,
)
from apps.config.usage import risk_usage
from apps.orders.api.fields import plain_decimal
from apps.users.permissions import IsAdminRole, IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request


class VersionPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _invalid(error: ConfigInvalid) -> Response:
    return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)


class _ReadViewerWriteAdmin(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [IsViewer()] if self.request.method in ("GET", "HEAD", "OPTIONS") else [IsAdminRole()]


class RiskLimitsApi(_ReadViewerWriteAdmin):
    @extend_schema(
        summary="The active risk limits and their per-symbol overrides", responses=RiskLimitsOutputSerializer
    )
    def get(self, request: Request) -> Response:
        return Response(RiskLimitsOutputSerializer(active_risk_limits()).data)

    @extend_schema(
        summary="Activate a new version of the risk limits (admin)",
        description="Fields left out keep the active value; `overrides` left out keeps the active overrides, "
        "`[]` removes them. The active version is never edited: this creates and activates a new one.",
        request=RiskLimitsInputSerializer,
        responses={200: RiskLimitsOutputSerializer},
    )
    def put(self, request: Request) -> Response:
        serializer = RiskLimitsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        comment = data.pop("comment", "")
        overrides = data.pop("overrides", None)
        try:
            row = risk_limits_activate(actor=request.user, changes=data, overrides=overrides, comment=comment)
        except ConfigInvalid as error:
            return _invalid(error)
        return Response(RiskLimitsOutputSerializer(row).data)


class RiskLimitsVersionsApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="Every version of the risk limits, newest first",
        responses=RiskLimitsOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        paginator = VersionPagination()
        page = paginator.paginate_queryset(risk_limits_versions(), request, view=self)
        return paginator.get_paginated_response(RiskLimitsOutputSerializer(page, many=True).data)


class TradingConfigApi(_ReadViewerWriteAdmin):
    @extend_schema(summary="The active trading config", responses=TradingConfigOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(TradingConfigOutputSerializer(active_trading_config()).data)

    @extend_schema(
        summary="Activate a new version of the trading config (admin)",
        description="Fields left out keep the active value.",
        request=TradingConfigInputSerializer,
        responses={200: TradingConfigOutputSerializer},
    )
    def put(self, request: Request) -> Response:
        serializer = TradingConfigInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        comment = data.pop("comment", "")
        try:
            row = trading_config_activate(actor=request.user, changes=data, comment=comment)
        except ConfigInvalid as error:
            return _invalid(error)
        return Response(TradingConfigOutputSerializer(row).data)


class TradingConfigVersionsApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="Every version of the trading config, newest first",
        responses=TradingConfigOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        paginator = VersionPagination()
        page = paginator.paginate_queryset(trading_config_versions(), request, view=self)
        return paginator.get_paginated_response(TradingConfigOutputSerializer(page, many=True).data)


class RiskUsageApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="Each risk limit with the account's current use of it", responses=RiskUsageSerializer
    )
    def get(self, request: Request) -> Response:
        version, rows = risk_usage()
        body = {
            "version": version,
            "limits": [
                {
                    "limit": u.limit,
                    "label": u.label,
                    "unit": u.unit,
                    "limit_value": plain_decimal(u.limit_value),
                    "current": None if u.current is None else plain_decimal(u.current),
                    "used_pct": None if u.used_pct is None else plain_decimal(u.used_pct),
                    "detail": u.detail,
                }
                for u in rows
            ],
        }
        return Response(RiskUsageSerializer(body).data)


class PreferenceApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(summary="My dashboard preferences", responses=PreferenceSerializer)
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(preference_get(user=request.user)).data)

    @extend_schema(
        summary="Change my dashboard preferences",
        description="Fields left out stay as they are.",
        request=PreferenceSerializer,
        responses=PreferenceSerializer,
    )
    def put(self, request: Request) -> Response:
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            row = preference_save(user=request.user, changes=dict(serializer.validated_data))
        except ConfigInvalid as error:
            return _invalid(error)
        return Response(PreferenceSerializer(row).data)
