"""Thin API views: exchange status (viewer) and credential lifecycle (admin). Each calls one service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.exchange import selectors, services
from apps.exchange.api.serializers import (
    CredentialInputSerializer,
    CredentialOutputSerializer,
    ExchangeStatusOutputSerializer,
)
from apps.exchange.domain.errors import ExchangeError
from apps.exchange.models import ApiCredential
from apps.users.permissions import IsAdminRole, IsViewer

if TYPE_CHECKING:
    from rest_framework.request import Request


class ExchangeStatusApi(APIView):
    permission_classes = (IsViewer,)

    @extend_schema(responses=ExchangeStatusOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(ExchangeStatusOutputSerializer(selectors.exchange_status()).data)


class CredentialListCreateApi(APIView):
    permission_classes = (IsAdminRole,)

    @extend_schema(responses=CredentialOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(CredentialOutputSerializer(selectors.credential_list(), many=True).data)

    @extend_schema(request=CredentialInputSerializer, responses={201: CredentialOutputSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(request)
        try:
            credential = services.credential_add(actor=request.user, **data)
        except services.CredentialError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CredentialOutputSerializer(credential).data, status=status.HTTP_201_CREATED)


class CredentialRotateApi(APIView):
    """Add, verify and activate a new version in one request (hot rotation)."""

    permission_classes = (IsAdminRole,)

    @extend_schema(request=CredentialInputSerializer, responses={200: CredentialOutputSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(request)
        try:
            credential, _ = services.credential_rotate(actor=request.user, **data)
        except (services.CredentialError, ExchangeError) as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CredentialOutputSerializer(credential).data)


class CredentialActionApi(APIView):
    """POST /credentials/<id>/<verify|activate|retire>/."""

    permission_classes = (IsAdminRole,)
    action_name = ""

    @extend_schema(request=None, responses=CredentialOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        credential = get_object_or_404(ApiCredential, pk=pk)
        try:
            if self.action_name == "verify":
                result = services.credential_verify(actor=request.user, credential=credential)
                if not result.ok:
                    return Response({"detail": result.problem}, status=status.HTTP_400_BAD_REQUEST)
            elif self.action_name == "activate":
                services.credential_activate(actor=request.user, credential=credential)
            else:
                services.credential_retire(actor=request.user, credential=credential)
        except (services.CredentialError, ExchangeError) as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        credential.refresh_from_db()
        return Response(CredentialOutputSerializer(credential).data)


def _valid(request: Request) -> dict[str, Any]:
    serializer = CredentialInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
