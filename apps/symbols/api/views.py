"""GET /api/symbols/ (paged search for the pair selector) and GET /api/symbols/{market}/{symbol}/."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.symbols.api.serializers import (
    SymbolDetailOutputSerializer,
    SymbolListInputSerializer,
    SymbolListOutputSerializer,
)
from apps.symbols.domain.describe import plain_filters
from apps.symbols.domain.exchange_info import parse_symbol
from apps.symbols.domain.status import blocked_reason
from apps.symbols.models import Symbol
from apps.symbols.selectors import market_normalize, symbol_events_recent, symbol_get, symbol_list
from apps.users.permissions import IsViewer

if TYPE_CHECKING:
    from rest_framework.request import Request

_LIST_COLUMNS = ("market", "symbol", "status", "is_listed", "base_asset", "quote_asset", "margin_asset")


class SymbolPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class SymbolListApi(APIView):
    permission_classes = [IsViewer]

    @extend_schema(
        summary="Listed symbols, searchable by symbol, base or quote asset prefix",
        parameters=[
            OpenApiParameter("market", str, enum=["SPOT", "USDM"]),
            OpenApiParameter("search", str, description="Prefix of the symbol, base or quote asset"),
            OpenApiParameter("status", str, description="Exchange status, e.g. TRADING or HALT"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=SymbolListOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = SymbolListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        rows = symbol_list(
            market=data.get("market") or None,
            search=data.get("search", ""),
            status=data.get("status") or None,
        ).only(*_LIST_COLUMNS)
        paginator = SymbolPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(SymbolListOutputSerializer(page, many=True).data)


def _detail(row: Symbol) -> dict[str, Any]:
    info = parse_symbol(row.market, row.raw)  # type: ignore[arg-type]
    fields = SymbolDetailOutputSerializer().fields
    out: dict[str, Any] = {name: getattr(row, name) for name in fields if hasattr(row, name)}
    out["filters"] = plain_filters(info)
    out["blocked_reason"] = blocked_reason(
        market=row.market, symbol=row.symbol, status=row.status, is_listed=row.is_listed
    )
    out["events"] = list(symbol_events_recent(symbol=row))
    return out


class SymbolDetailApi(APIView):
    permission_classes = [IsViewer]

    @extend_schema(
        summary="One symbol with its trading rules in plain form", responses=SymbolDetailOutputSerializer
    )
    def get(self, request: Request, market: str, symbol: str) -> Response:
        normalized = market_normalize(market)
        if normalized is None:
            raise Http404(f"Unknown market {market!r}.")
        try:
            row = symbol_get(market=normalized, symbol=symbol)
        except Symbol.DoesNotExist:
            raise Http404(f"No {normalized} symbol {symbol.upper()}.") from None
        return Response(SymbolDetailOutputSerializer(_detail(row)).data)
