"""Session login for the SPA (CSRF-protected) and token issue for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.users.api.serializers import LoginInputSerializer, SessionOutputSerializer, TokenOutputSerializer
from apps.users.roles import user_roles
from apps.users.services import login_failed, session_login, session_logout, token_issue

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from rest_framework.request import Request

INVALID_CREDENTIALS = "Invalid username or password."


def _session_payload(user: AbstractBaseUser | AnonymousUser) -> dict[str, Any]:
    if not user.is_authenticated:
        return {"authenticated": False, "user": None}
    return {
        "authenticated": True,
        "user": {
            "id": user.pk,
            "username": user.get_username(),
            "roles": user_roles(user),
            "is_superuser": bool(getattr(user, "is_superuser", False)),
        },
    }


def _check_credentials(request: Request) -> AbstractBaseUser | Response:
    serializer = LoginInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    user = authenticate(request._request, username=data["username"], password=data["password"])
    if user is None:
        login_failed(username=data["username"])
        return Response({"detail": INVALID_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
    return user


@method_decorator(ensure_csrf_cookie, name="dispatch")
class SessionApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=SessionOutputSerializer, summary="Who is logged in (sets the CSRF cookie)")
    def get(self, request: Request) -> Response:
        return Response(_session_payload(request.user))


@method_decorator(csrf_protect, name="dispatch")
class LoginApi(APIView):
    # DRF only enforces CSRF for authenticated sessions; login runs anonymous, hence csrf_protect.
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginInputSerializer, responses=SessionOutputSerializer, summary="Session login")
    def post(self, request: Request) -> Response:
        result = _check_credentials(request)
        if isinstance(result, Response):
            return result
        session_login(request=request._request, user=result)
        return Response(_session_payload(result))


class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="End the session")
    def post(self, request: Request) -> Response:
        session_logout(request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenApi(APIView):
    """Scripts trade the username and password for a token sent as `Authorization: Token <key>`."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=LoginInputSerializer, responses=TokenOutputSerializer, summary="Issue an API token"
    )
    def post(self, request: Request) -> Response:
        result = _check_credentials(request)
        if isinstance(result, Response):
            return result
        return Response({"token": token_issue(user=result).key})
