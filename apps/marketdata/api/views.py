"""GET /api/market/{market}/{symbol}/klines/ and /snapshot/ (viewer)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.exchange.domain.errors import ExchangeError, RejectedError
from apps.marketdata.api.klines import klines_get
from apps.marketdata.api.serializers import (
    KlineOutputSerializer,
    KlinesInputSerializer,
    SnapshotInputSerializer,
)
from apps.marketdata.fanout import store
from apps.users.permissions import IsViewer

if TYPE_CHECKING:
    from rest_framework.request import Request


class KlinesApi(APIView):
    permission_classes = [IsViewer]

    @extend_schema(
        summary="Candles, oldest first (closed ones cached; the open one for 2 s)",
        parameters=[
            OpenApiParameter("interval", str, required=True),
            OpenApiParameter("limit", int, description="1..1000, default 500"),
            OpenApiParameter("end_time", int, description="Last open time, ms since the epoch (default now)"),
        ],
        responses=KlineOutputSerializer(many=True),
    )
    def get(self, request: Request, market: str, symbol: str) -> Response:
        params = KlinesInputSerializer(
            data={**request.query_params.dict(), "market": market, "symbol": symbol}
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            rows = klines_get(
                market=data["market"],
                symbol=data["symbol"],
                interval=data["interval"],
                limit=data["limit"],
                end_time=data.get("end_time"),
            )
        except RejectedError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        except ExchangeError as exc:  # rate budget, breaker open, exchange unreachable: try again later
            return Response(
                {"detail": f"exchange unavailable: {exc}"}, status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        return Response(KlineOutputSerializer(rows, many=True).data)


class SnapshotApi(APIView):
    permission_classes = [IsViewer]

    @extend_schema(
        summary="Latest cached message per stream kind (null when none yet)",
        parameters=[OpenApiParameter("streams", str, description="Comma-separated kinds, e.g. ticker,depth")],
    )
    def get(self, request: Request, market: str, symbol: str) -> Response:
        params = SnapshotInputSerializer(
            data={**request.query_params.dict(), "market": market, "symbol": symbol}
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        names = [f"{data['market']}.{data['symbol'].lower()}.{kind}" for kind in data["kinds"]]
        values = store.latest(names)
        streams = {
            kind: json.loads(raw) if raw else None for kind, raw in zip(data["kinds"], values, strict=True)
        }
        return Response({"market": data["market"], "symbol": data["symbol"], "streams": streams})
