"""Positions API: portfolio, balances, positions, trades, equity, income (viewer); reconcile and history
import (trader). Views validate their input, call one selector or service, and render."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.exchange.domain.errors import ExchangeError
from apps.positions.api.serializers import (
    BalanceListInputSerializer,
    BalanceOutputSerializer,
    EquityInputSerializer,
    EquityOutputSerializer,
    HistoryImportInputSerializer,
    HistoryImportOutputSerializer,
    IncomeListInputSerializer,
    IncomeOutputSerializer,
    PortfolioOutputSerializer,
    PositionListInputSerializer,
    PositionOutputSerializer,
    PositionsReconcileOutputSerializer,
    TradeListInputSerializer,
    TradeOutputSerializer,
)
from apps.positions.portfolio import portfolio_overview
from apps.positions.selectors import (
    MAX_BUCKETS,
    balance_list,
    equity_bucket_count,
    equity_series,
    income_list,
    position_list,
    trade_list,
)
from apps.users.permissions import IsTrader, IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request

_MARKET = OpenApiParameter("market", str, enum=["SPOT", "USDM"])
_SINCE = OpenApiParameter("since", str, description="ISO 8601 time, e.g. 2026-01-31T00:00:00Z")
_UNTIL = OpenApiParameter("until", str, description="ISO 8601 time (exclusive)")
_PAGE = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]
# Without `since`, the equity series covers this much before `until`.
EQUITY_DEFAULT_SPAN = timedelta(hours=24)


class HistoryPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _ViewerApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]


class PortfolioApi(_ViewerApi):
    @extend_schema(
        summary="Equity, balances at their USDT value, P&L today / 7 days / all time, exposure",
        responses=PortfolioOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(PortfolioOutputSerializer(portfolio_overview()).data)


class BalanceListApi(_ViewerApi):
    @extend_schema(
        summary="Balances per market and asset (zero balances left out unless include_zero)",
        parameters=[_MARKET, OpenApiParameter("include_zero", bool)],
        responses=BalanceOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        data = _valid(BalanceListInputSerializer, request.query_params)
        rows = balance_list(market=data.get("market"), include_zero=data["include_zero"])
        return Response(BalanceOutputSerializer(rows, many=True).data)


class PositionListApi(_ViewerApi):
    @extend_schema(
        summary="USD-M positions with liquidation price and margin ratio (open ones unless include_flat)",
        parameters=[OpenApiParameter("symbol", str), OpenApiParameter("include_flat", bool)],
        responses=PositionOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        data = _valid(PositionListInputSerializer, request.query_params)
        rows = position_list(symbol=data.get("symbol"), include_flat=data["include_flat"])
        return Response(PositionOutputSerializer(rows, many=True).data)


class TradeListApi(_ViewerApi):
    @extend_schema(
        summary="Our trades (fills), newest first; `external` marks trades placed outside the platform",
        parameters=[_MARKET, OpenApiParameter("symbol", str), _SINCE, _UNTIL, *_PAGE],
        responses=TradeOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        data = _valid(TradeListInputSerializer, request.query_params)
        rows = trade_list(
            market=data.get("market"),
            symbol=data.get("symbol"),
            since=data.get("since"),
            until=data.get("until"),
        )
        paginator = HistoryPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(TradeOutputSerializer(page, many=True).data)


class IncomeListApi(_ViewerApi):
    @extend_schema(
        summary="USD-M income history (REALIZED_PNL, FUNDING_FEE, COMMISSION, TRANSFER...), newest first",
        parameters=[OpenApiParameter("type", str), _SINCE, OpenApiParameter("symbol", str), *_PAGE],
        responses=IncomeOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        data = _valid(IncomeListInputSerializer, request.query_params)
        rows = income_list(income_type=data.get("type"), since=data.get("since"), symbol=data.get("symbol"))
        paginator = HistoryPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(IncomeOutputSerializer(page, many=True).data)


class EquityApi(_ViewerApi):
    @extend_schema(
        summary="Equity over time: the last snapshot of each step (1m, 5m, 15m, 1h, 4h, 1d)",
        parameters=[
            _SINCE,
            _UNTIL,
            OpenApiParameter("step", str, enum=["1m", "5m", "15m", "1h", "4h", "1d"]),
            OpenApiParameter("market", str, enum=["TOTAL", "SPOT", "USDM"]),
        ],
        responses=EquityOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        data = _valid(EquityInputSerializer, request.query_params)
        until = data.get("until") or timezone.now()
        since = data.get("since") or until - EQUITY_DEFAULT_SPAN
        if since >= until:
            raise serializers.ValidationError({"since": ["Must be before until (default: now)."]})
        if equity_bucket_count(since=since, until=until, step=data["step"]) > MAX_BUCKETS:
            raise serializers.ValidationError(
                {"step": [f"More than {MAX_BUCKETS} points: use a larger step or a shorter span."]}
            )
        points = equity_series(since=since, until=until, step=data["step"], market=data["market"])
        body = {
            "market": data["market"],
            "step": data["step"],
            "since": since,
            "until": until,
            "points": points,
        }
        return Response(EquityOutputSerializer(body).data)


class PositionReconcileApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]

    @extend_schema(
        summary="Reconcile balances (both markets) and positions with the exchange now; each fix is audited",
        request=None,
        responses=PositionsReconcileOutputSerializer(many=True),
    )
    def post(self, request: Request) -> Response:
        from apps.positions.services import balances_reconcile, positions_reconcile

        reports: list[dict[str, Any]] = []
        try:
            for market in ("SPOT", "USDM"):
                reports.append(balances_reconcile(market=market).as_dict())
            reports.append({**positions_reconcile().as_dict(), "market": "USDM positions"})
        except ExchangeError as exc:
            return Response(
                {"detail": f"The exchange could not be read: {exc}", "reports": reports},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(PositionsReconcileOutputSerializer(reports, many=True).data)


class HistoryImportApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]

    @extend_schema(
        summary="Import trade and income history from the exchange (in the background); 202 with the task id",
        request=HistoryImportInputSerializer,
        responses={202: HistoryImportOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        from apps.positions.tasks import history_import_task

        data = _valid(HistoryImportInputSerializer, request.data)
        markets = [data["market"]] if "market" in data else ["SPOT", "USDM"]
        since = data.get("since")
        result = history_import_task.delay(markets=markets, since=since.isoformat() if since else None)
        body = {"task_id": str(result.id), "markets": markets, "since": since}
        return Response(HistoryImportOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)
