"""Orders API: POST/GET /api/orders/ and GET /api/orders/{id}/. Views validate, call one service, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.orders.api.oto import place_oto_list
from apps.orders.api.serializers import (
    OcoPlaceInputSerializer,
    OrderCancelAllInputSerializer,
    OrderDetailOutputSerializer,
    OrderListInputSerializer,
    OrderListOutputSerializer,
    OrderModifyInputSerializer,
    OrderOutputSerializer,
    OrderPlaceInputSerializer,
)
from apps.orders.cancel import OrderNotCancelable, order_cancel_all_request, order_cancel_request
from apps.orders.lists import order_list_place
from apps.orders.models import Order
from apps.orders.modify import OrderNotModifiable, order_modify_request
from apps.orders.placement import OrderRefused, order_place
from apps.orders.selectors import order_get, order_list
from apps.users.permissions import IsTrader, IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class OrderPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class OrderListPlaceApi(APIView):
    """GET lists orders (viewer); POST places one (trader)."""

    def get_permissions(self) -> list[BasePermission]:
        return [IsTrader()] if self.request.method == "POST" else [IsViewer()]

    @extend_schema(
        summary="Orders, newest first",
        parameters=[
            OpenApiParameter("status", str, enum=["open", "closed"]),
            OpenApiParameter("market", str, enum=["SPOT", "USDM"]),
            OpenApiParameter("symbol", str),
            OpenApiParameter("since", str, description="ISO 8601 time; orders created from then on"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=OrderOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = OrderListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = order_list(**params.validated_data)
        paginator = OrderPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(OrderOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Place an order (recorded PENDING_NEW, sent to the exchange in the background)",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                description="The same key (or client_order_id) returns the order it first created",
            )
        ],
        description="A spot OCO list is placed with type OCO, one quantity, and `above`/`below` legs "
        "(OcoPlaceInputSerializer); it answers with both legs.",
        request=OrderPlaceInputSerializer,
        responses={202: OrderOutputSerializer, 200: OrderOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.data, dict) and request.data.get("type") == "OCO":
            return _place_oco(request)
        if isinstance(request.data, dict) and request.data.get("type") in ("OTO", "OTOCO"):
            return place_oto_list(request, _idempotency_key(request, None))
        data = OrderPlaceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = _idempotency_key(request, data.validated_data.get("client_order_id"))
        try:
            placed = order_place(
                actor=request.user,
                intent=data.intent(),
                post_only=data.validated_data["post_only"],
                idempotency_key=key,
            )
        except OrderRefused as refused:
            raise ValidationError(refused.errors) from refused
        # 202: accepted for submission; a replay answers 200 with the order the key already names.
        code = status.HTTP_202_ACCEPTED if placed.created else status.HTTP_200_OK
        return Response(OrderOutputSerializer(placed.order).data, status=code)


def _idempotency_key(request: Request, client_order_id: str | None) -> str:
    key = (request.headers.get("Idempotency-Key") or client_order_id or "").strip()
    if len(key) > 64:
        raise ValidationError({"Idempotency-Key": ["At most 64 characters."]})
    return key


def _place_oco(request: Request) -> Response:
    data = OcoPlaceInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    above, below = data.legs()
    try:
        placed = order_list_place(
            actor=request.user,
            above=above,
            below=below,
            idempotency_key=_idempotency_key(request, data.validated_data.get("client_order_id")),
        )
    except OrderRefused as refused:
        raise ValidationError(refused.errors) from refused
    first = placed.orders[0]
    body = {
        "list_client_order_id": first.list_client_order_id,
        "contingency_type": first.contingency_type,
        "orders": placed.orders,
    }
    code = status.HTTP_202_ACCEPTED if placed.created else status.HTTP_200_OK
    return Response(OrderListOutputSerializer(body).data, status=code)


class OrderDetailApi(APIView):
    """GET one order (viewer); PATCH its quantity/price (trader)."""

    def get_permissions(self) -> list[BasePermission]:
        return [IsTrader()] if self.request.method == "PATCH" else [IsViewer()]

    @extend_schema(summary="One order with its fills and events", responses=OrderDetailOutputSerializer)
    def get(self, request: Request, order_id: int) -> Response:
        try:
            order = order_get(order_id=order_id)
        except Order.DoesNotExist:
            raise Http404 from None
        return Response(OrderDetailOutputSerializer(order).data)

    @extend_schema(
        summary="Change a resting LIMIT order's quantity and/or price",
        description="Spot: a quantity decrease at the same price is amended in place (keeps queue priority); "
        "anything else cancels the order and places a replacement, which is the order returned. "
        "Futures: modified in place.",
        request=OrderModifyInputSerializer,
        responses={202: OrderOutputSerializer, 200: OrderOutputSerializer, 409: None},
    )
    def patch(self, request: Request, order_id: int) -> Response:
        data = OrderModifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            done = order_modify_request(actor=request.user, order_id=order_id, **data.validated_data)
        except Order.DoesNotExist:
            raise Http404 from None
        except OrderNotModifiable as error:
            raise Conflict(str(error)) from error
        except OrderRefused as refused:
            raise ValidationError(refused.errors) from refused
        code = status.HTTP_202_ACCEPTED if done.accepted else status.HTTP_200_OK
        return Response(OrderOutputSerializer(done.order).data, status=code)


class OrderCancelApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]

    @extend_schema(
        summary="Cancel one order (PENDING_CANCEL now, CANCELED once the exchange confirms)",
        request=None,
        responses={202: OrderOutputSerializer, 409: None},
    )
    def post(self, request: Request, order_id: int) -> Response:
        try:
            order = order_cancel_request(actor=request.user, order_id=order_id)
        except Order.DoesNotExist:
            raise Http404 from None
        except OrderNotCancelable as error:
            raise Conflict(str(error)) from error
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_202_ACCEPTED)


class OrderCancelAllApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]

    @extend_schema(
        summary="Cancel every open order of the platform, or those of one market and/or symbol",
        request=OrderCancelAllInputSerializer,
        responses={202: OrderOutputSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        data = OrderCancelAllInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        orders = order_cancel_all_request(actor=request.user, **data.validated_data)
        return Response(OrderOutputSerializer(orders, many=True).data, status=status.HTTP_202_ACCEPTED)
