"""Futures settings API: GET /api/futures/settings/ (viewer); POST leverage/, margin-type/, position-mode/.

Every answer is read back from the exchange. Refusals are HTTP 400: our validation names the field at
fault; an exchange rejection carries Binance's `code`, its message and the gateway's plain `explanation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.orders.futures_settings import (
    MARGIN_TYPES,
    POSITION_MODES,
    SettingRefused,
    SettingRejected,
    futures_leverage_set,
    futures_margin_type_set,
    futures_position_mode_set,
    futures_settings_get,
)
from apps.users.permissions import IsTrader, IsViewer

if TYPE_CHECKING:
    from collections.abc import Callable

    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request


class SymbolInputSerializer(serializers.Serializer):
    symbol = serializers.CharField(max_length=32)


class LeverageInputSerializer(SymbolInputSerializer):
    # The upper bound depends on the symbol's brackets: the service checks it against the exchange.
    leverage = serializers.IntegerField(min_value=1)


class MarginTypeInputSerializer(SymbolInputSerializer):
    margin_type = serializers.ChoiceField(choices=MARGIN_TYPES)


class PositionModeInputSerializer(serializers.Serializer):
    position_mode = serializers.ChoiceField(choices=POSITION_MODES)


class FuturesSettingsOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    leverage = serializers.IntegerField()
    max_leverage = serializers.IntegerField()
    margin_type = serializers.CharField()
    position_mode = serializers.CharField()


class PositionModeOutputSerializer(serializers.Serializer):
    position_mode = serializers.CharField()


class RejectionOutputSerializer(serializers.Serializer):
    code = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()
    explanation = serializers.CharField()


def _run(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except SettingRefused as refused:
        raise ValidationError(refused.errors) from refused
    except SettingRejected as rejected:
        body = {"code": rejected.code, "detail": rejected.message, "explanation": rejected.explanation}
        raise _Rejected(body) from rejected


class _Rejected(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.body = body


class _SettingApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Rejected):
            return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


class FuturesSettingsApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="A USD-M symbol's leverage, margin type and the account's position mode, from the exchange",
        parameters=[OpenApiParameter("symbol", str, required=True)],
        responses=FuturesSettingsOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        data = SymbolInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        settings = _run(lambda: futures_settings_get(symbol=data.validated_data["symbol"]))
        return Response(FuturesSettingsOutputSerializer(settings).data)


class LeverageApi(_SettingApi):
    @extend_schema(
        summary="Change a symbol's leverage (1..the symbol's maximum)",
        request=LeverageInputSerializer,
        responses={200: FuturesSettingsOutputSerializer, 400: RejectionOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = LeverageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = _run(lambda: futures_leverage_set(actor=request.user, **data.validated_data))
        return Response(FuturesSettingsOutputSerializer(settings).data)


class MarginTypeApi(_SettingApi):
    @extend_schema(
        summary="Switch a symbol between ISOLATED and CROSSED margin",
        request=MarginTypeInputSerializer,
        responses={200: FuturesSettingsOutputSerializer, 400: RejectionOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = MarginTypeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = _run(lambda: futures_margin_type_set(actor=request.user, **data.validated_data))
        return Response(FuturesSettingsOutputSerializer(settings).data)


class PositionModeApi(_SettingApi):
    @extend_schema(
        summary="Switch the futures account between one-way and hedge position mode",
        request=PositionModeInputSerializer,
        responses={200: PositionModeOutputSerializer, 400: RejectionOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = PositionModeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mode = _run(
            lambda: futures_position_mode_set(actor=request.user, mode=data.validated_data["position_mode"])
        )
        return Response({"position_mode": mode})
