"""The WebSocket route through the real ASGI application: anonymous refused, session and token accepted."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.monitoring.consumers import CLOSE_UNAUTHENTICATED
from conftest import PASSWORD
from trader.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def test_an_anonymous_socket_is_closed_with_4401() -> None:
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[ORIGIN, (b"host", b"127.0.0.1:8000")]
    )
    connected, code = await communicator.connect()
    assert connected is False
    assert code == CLOSE_UNAUTHENTICATED


async def test_a_token_opens_the_socket_and_ping_gets_pong(trader_user) -> None:
    token = await database_sync_to_async(Token.objects.create)(user=trader_user)
    headers = [ORIGIN, (b"host", b"127.0.0.1:8000"), (b"authorization", f"Token {token.key}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.send_json_to({"type": "nonsense"})
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.disconnect()


async def test_a_session_cookie_opens_the_socket(trader_user) -> None:
    client = Client()
    logged_in = await database_sync_to_async(client.login)(username="tom-trader", password=PASSWORD)
    assert logged_in
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[ORIGIN, (b"host", b"127.0.0.1:8000"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_a_foreign_origin_is_refused(trader_user) -> None:
    token = await database_sync_to_async(Token.objects.create)(user=trader_user)
    headers = [(b"origin", b"http://evil.example"), (b"authorization", f"Token {token.key}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected is False
