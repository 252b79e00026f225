"""POST /api/orders/reconcile/ (trader): one reconciliation run now, for a market and symbol; its report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.exchange.domain.errors import ExchangeError
from apps.orders.reconcile import MARKETS, orders_reconcile
from apps.symbols.selectors import market_normalize
from apps.users.permissions import IsTrader

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request


class ReconcileInputSerializer(serializers.Serializer):
    market = serializers.CharField(required=False)
    symbol = serializers.RegexField(r"^[A-Za-z0-9]{2,32}$", required=False)

    def validate_market(self, value: str) -> str:
        market = market_normalize(value)
        if market is None:
            raise serializers.ValidationError("Use SPOT or USDM.")
        return market


class ReconcileOutputSerializer(serializers.Serializer):
    market = serializers.CharField()
    symbol = serializers.CharField(allow_null=True)
    exchange_open = serializers.IntegerField()
    ours_open = serializers.IntegerField()
    adopted = serializers.ListField(child=serializers.IntegerField())
    finished = serializers.ListField(child=serializers.IntegerField())
    updated = serializers.ListField(child=serializers.IntegerField())
    unknown = serializers.ListField(child=serializers.IntegerField())
    errors = serializers.ListField(child=serializers.CharField())


class OrderReconcileApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]

    @extend_schema(
        summary="Reconcile open orders with the exchange now (one market, or both), and report each fix",
        request=ReconcileInputSerializer,
        responses=ReconcileOutputSerializer(many=True),
    )
    def post(self, request: Request) -> Response:
        data = ReconcileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        markets = [data.validated_data["market"]] if "market" in data.validated_data else list(MARKETS)
        reports: list[dict[str, Any]] = []
        try:
            for market in markets:
                report = orders_reconcile(market=market, symbol=data.validated_data.get("symbol"))
                reports.append(report.as_dict())
        except ExchangeError as exc:
            # The open orders could not be read: nothing was changed for this market.
            return Response(
                {"detail": f"The exchange could not be read: {exc}", "reports": reports},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(ReconcileOutputSerializer(reports, many=True).data)
