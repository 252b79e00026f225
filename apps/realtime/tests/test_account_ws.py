"""`/ws/account/` through the real ASGI app: owners receive their numbered events, others are refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from apps.realtime.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from apps.realtime.publish import publish_account_event, sequence_key
from trader.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

HOST = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


@pytest.fixture(autouse=True)
def _own_sequences(settings: Any) -> Iterator[None]:
    import redis

    prefix = f"test:realtime:{uuid.uuid4().hex[:12]}"
    settings.TRADER_REALTIME_REDIS_PREFIX = prefix
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


async def connect(user: Any | None) -> tuple[WebsocketCommunicator, bool, Any]:
    headers = list(HOST)
    if user is not None:
        token = await database_sync_to_async(Token.objects.create)(user=user)
        headers.append((b"authorization", f"Token {token.key}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/account/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


publish = sync_to_async(publish_account_event)


async def test_an_anonymous_socket_is_closed_with_4401() -> None:
    _, connected, code = await connect(None)
    assert not connected and code == CLOSE_UNAUTHENTICATED


async def test_a_user_without_a_role_is_closed_with_4403(outsider_user: Any) -> None:
    _, connected, code = await connect(outsider_user)
    assert not connected and code == CLOSE_FORBIDDEN


async def test_a_viewer_receives_numbered_events_with_decimals_as_strings(viewer_user: Any) -> None:
    socket, connected, _ = await connect(viewer_user)
    assert connected
    hello = await socket.receive_json_from()
    assert hello == {"type": "hello", "seq": 0}
    await publish("order", {"id": 1, "status": "FILLED", "executed_qty": Decimal("0.00100")})
    await publish("fill", {"trade_id": 7, "price": Decimal("50000.1")})
    first, second = await socket.receive_json_from(), await socket.receive_json_from()
    assert first == {
        "type": "event",
        "kind": "order",
        "seq": 1,
        "payload": {"id": 1, "status": "FILLED", "executed_qty": "0.00100"},
    }
    assert (second["kind"], second["seq"], second["payload"]["price"]) == ("fill", 2, "50000.1")
    await socket.send_json_to({"action": "resync"})
    assert await socket.receive_json_from() == {"type": "resync", "seq": 2}
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.send_json_to({"action": "dance"})
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.disconnect()


async def test_each_owner_has_an_independent_sequence_and_outsiders_get_nothing(
    viewer_user: Any, trader_user: Any, outsider_user: Any
) -> None:
    viewer, _, _ = await connect(viewer_user)
    await viewer.receive_json_from()
    await publish("balance", {"asset": "USDT"})  # the trader has an account stream too, not connected
    await publish("balance", {"asset": "BTC"})
    assert [(await viewer.receive_json_from())["seq"] for _ in range(2)] == [1, 2]
    trader, _, _ = await connect(trader_user)
    assert await trader.receive_json_from() == {"type": "hello", "seq": 2}
    # The outsider got no numbers: it is no owner of the account stream.
    from apps.realtime.publish import current_sequence

    assert await sync_to_async(current_sequence)(outsider_user.pk) == 0
    # A new owner starts its own numbering: the outsider gets a role, then one more event goes out.
    group = await database_sync_to_async(Group.objects.get_or_create)(name="viewer")
    await database_sync_to_async(outsider_user.groups.add)(group[0])
    await publish("position", {"symbol": "BTCUSDT"})
    assert (await viewer.receive_json_from())["seq"] == 3
    assert (await trader.receive_json_from())["seq"] == 3
    assert await sync_to_async(current_sequence)(outsider_user.pk) == 1
    assert await viewer.receive_nothing()
    await viewer.disconnect()
    await trader.disconnect()


async def test_a_role_removed_while_connected_closes_the_socket(viewer_user: Any) -> None:
    socket, _, _ = await connect(viewer_user)
    await socket.receive_json_from()
    await database_sync_to_async(viewer_user.groups.clear)()
    await publish("order", {"id": 2})  # no longer an owner: not sent to it
    assert await socket.receive_nothing()
    await socket.send_json_to({"action": "resync"})
    output = await socket.receive_output()
    assert output == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown account event kind"):
        publish_account_event("gossip", {})
    assert sequence_key(5).endswith(":seq:5")


async def test_a_session_cookie_opens_the_socket_of_a_role_holder(trader_user: Any) -> None:
    from django.test import Client

    from conftest import PASSWORD

    client = Client()
    assert await database_sync_to_async(client.login)(username="tom-trader", password=PASSWORD)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(application, "/ws/account/", headers=[*HOST, (b"cookie", cookie)])
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    await socket.disconnect()
