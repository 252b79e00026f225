"""Notification channels (`/api/notification-channels/`: CRUD, send a test) and their deliveries
(`/api/deliveries/`). Any role reads; admin changes and tests channels. Secrets are write-only: answers
carry `has_secret` and a masked `secret_hint`, never the value. Bad input is a 400 with field messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.monitoring.delivery.channels import (
    ChannelInvalid,
    channel_create,
    channel_delete,
    channel_update,
)
from apps.monitoring.delivery.selectors import channel_list, delivery_list
from apps.monitoring.delivery.services import channel_test
from apps.monitoring.models import ChannelKind, ChannelSeverity, Delivery, DeliveryStatus, NotificationChannel
from apps.users.permissions import IsAdminRole, IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request

NOT_FOUND = {"detail": "No such notification channel."}


class DeliveryPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# ---------------------------------------------------------------- serializers


class ChannelInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=ChannelKind.choices)
    enabled = serializers.BooleanField(required=False, default=True)
    min_severity = serializers.ChoiceField(choices=ChannelSeverity.choices, required=False, default="warning")
    events = serializers.ListField(child=serializers.CharField(), required=False)
    config = serializers.DictField(required=False, default=dict)
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        max_length=512,
        help_text="Webhook signing secret or Telegram bot token. Write-only; left out keeps the stored one, "
        '"" removes it.',
    )


class ChannelOutputSerializer(serializers.ModelSerializer):
    has_secret = serializers.BooleanField(read_only=True)

    class Meta:
        model = NotificationChannel
        fields = (
            "id",
            "name",
            "kind",
            "enabled",
            "min_severity",
            "events",
            "config",
            "has_secret",
            "secret_hint",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class DeliveryOutputSerializer(serializers.ModelSerializer):
    channel_name = serializers.CharField(source="channel.name", read_only=True)
    channel_kind = serializers.CharField(source="channel.kind", read_only=True)

    class Meta:
        model = Delivery
        fields = (
            "id",
            "alert",
            "channel",
            "channel_name",
            "channel_kind",
            "event",
            "status",
            "attempts",
            "max_attempts",
            "next_attempt_at",
            "last_error",
            "response_code",
            "created_at",
            "sent_at",
            "payload",
            "attempt_log",
        )
        read_only_fields = fields


class DeliveryFilterSerializer(serializers.Serializer):
    alert = serializers.IntegerField(required=False, min_value=1)
    channel = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)


# ---------------------------------------------------------------- views


class _ReadViewerWriteAdmin(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [IsViewer()] if self.request.method in ("GET", "HEAD", "OPTIONS") else [IsAdminRole()]


def _split(validated: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    data = dict(validated)
    return data, data.pop("secret", None)


class ChannelListApi(_ReadViewerWriteAdmin):
    @extend_schema(
        summary="Every notification channel (secrets never shown)",
        responses=ChannelOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(ChannelOutputSerializer(channel_list(), many=True).data)

    @extend_schema(
        summary="Create a notification channel (admin)",
        description="config per kind: email {recipients: [..]}; webhook {url, headers?} + secret (signing "
        "secret, 16+ chars); telegram {chat_id, api_base?} + secret (bot token); inapp {}.",
        request=ChannelInputSerializer,
        responses={201: ChannelOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        body = ChannelInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data, secret = _split(body.validated_data)
        try:
            channel = channel_create(actor=request.user, data=data, secret=secret)
        except ChannelInvalid as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ChannelOutputSerializer(channel).data, status=status.HTTP_201_CREATED)


class ChannelDetailApi(_ReadViewerWriteAdmin):
    @extend_schema(summary="One notification channel", responses=ChannelOutputSerializer)
    def get(self, request: Request, channel_id: int) -> Response:
        channel = NotificationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(ChannelOutputSerializer(channel).data)

    def _update(self, request: Request, channel_id: int, *, partial: bool) -> Response:
        channel = NotificationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        body = ChannelInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data, secret = _split(body.validated_data)
        try:
            channel = channel_update(actor=request.user, channel=channel, data=data, secret=secret)
        except ChannelInvalid as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ChannelOutputSerializer(channel).data)

    @extend_schema(
        summary="Replace a notification channel (admin)",
        request=ChannelInputSerializer,
        responses=ChannelOutputSerializer,
    )
    def put(self, request: Request, channel_id: int) -> Response:
        return self._update(request, channel_id, partial=False)

    @extend_schema(
        summary="Change a notification channel (admin)",
        request=ChannelInputSerializer,
        responses=ChannelOutputSerializer,
    )
    def patch(self, request: Request, channel_id: int) -> Response:
        return self._update(request, channel_id, partial=True)

    @extend_schema(summary="Delete a notification channel and its deliveries (admin)", responses={204: None})
    def delete(self, request: Request, channel_id: int) -> Response:
        channel = NotificationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        channel_delete(actor=request.user, channel=channel)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChannelTestApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsAdminRole]

    @extend_schema(
        summary="Send a test message through a channel now (admin)",
        description="One attempt, no retries, even when the channel is disabled; answers with the delivery "
        "record (status sent or failed, with the error).",
        request=None,
        responses=DeliveryOutputSerializer,
    )
    def post(self, request: Request, channel_id: int) -> Response:
        channel = NotificationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        delivery = channel_test(actor=request.user, channel=channel)
        return Response(DeliveryOutputSerializer(delivery).data)


class DeliveryListApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="Alert deliveries, newest first",
        parameters=[
            OpenApiParameter("alert", int, description="Only this alert's deliveries"),
            OpenApiParameter("channel", int, description="Only this channel's deliveries"),
            OpenApiParameter("status", str, enum=DeliveryStatus.values),
        ],
        responses=DeliveryOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = DeliveryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = delivery_list(**filters.validated_data)
        paginator = DeliveryPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(DeliveryOutputSerializer(page, many=True).data)


class DeliveryDetailApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(summary="One delivery with its attempts", responses=DeliveryOutputSerializer)
    def get(self, request: Request, delivery_id: int) -> Response:
        delivery = Delivery.objects.select_related("channel").filter(pk=delivery_id).first()
        if delivery is None:
            return Response({"detail": "No such delivery."}, status=status.HTTP_404_NOT_FOUND)
        return Response(DeliveryOutputSerializer(delivery).data)


channel_urlpatterns = [
    path("notification-channels/", ChannelListApi.as_view(), name="notification-channels"),
    path("notification-channels/<int:channel_id>/", ChannelDetailApi.as_view(), name="notification-channel"),
    path(
        "notification-channels/<int:channel_id>/test/",
        ChannelTestApi.as_view(),
        name="notification-channel-test",
    ),
    path("deliveries/", DeliveryListApi.as_view(), name="deliveries"),
    path("deliveries/<int:delivery_id>/", DeliveryDetailApi.as_view(), name="delivery"),
]
