"""WebSocket authentication: the browser's session cookie, or `Authorization: Token <key>` for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

if TYPE_CHECKING:
    from channels.routing import URLRouter


@database_sync_to_async
def _user_for_token(key: str) -> Any:
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    """Replaces an anonymous scope user with the owner of a valid API token, if one was sent."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            headers = dict(scope.get("headers", []))
            auth = headers.get(b"authorization", b"").decode("latin-1")
            scheme, _, key = auth.partition(" ")
            if scheme.lower() == "token" and key.strip():
                scope["user"] = await _user_for_token(key.strip())
        return await super().__call__(scope, receive, send)


def TokenOrSessionAuthMiddlewareStack(inner: URLRouter) -> Any:
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
