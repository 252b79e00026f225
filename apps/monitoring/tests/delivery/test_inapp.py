"""In-app delivery end to end: an alert transition reaches role holders' `/ws/account/` sockets as `alert`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from apps.monitoring.alerts.services import alert_acknowledge, alert_raise
from apps.monitoring.models import Delivery, NotificationChannel
from apps.realtime.publish import recipients_changed
from trader.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

HOST = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


@pytest.fixture(autouse=True)
def _own_sequences(settings: Any) -> Iterator[None]:
    import redis

    prefix = f"test:delivery:{uuid.uuid4().hex[:12]}"
    settings.TRADER_REALTIME_REDIS_PREFIX = prefix
    recipients_changed()
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


async def connect(user: Any) -> WebsocketCommunicator:
    token = await database_sync_to_async(Token.objects.create)(user=user)
    socket = WebsocketCommunicator(
        application, "/ws/account/", headers=[*HOST, (b"authorization", f"Token {token.key}".encode())]
    )
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


def _only_inapp_channel() -> None:
    NotificationChannel.objects.all().delete()
    NotificationChannel.objects.create(name="Dashboard", kind="inapp", min_severity="warning")


async def test_alert_transitions_reach_every_role_holder_socket(
    viewer_user: Any, trader_user: Any, outsider_user: Any, eager_celery: None
) -> None:
    await database_sync_to_async(_only_inapp_channel)()
    viewer, trader = await connect(viewer_user), await connect(trader_user)

    alert = await sync_to_async(alert_raise)(
        key="kill_switch:test",
        title="Kill switch engaged",
        message="Trading halted by admin.",
        severity="critical",
        labels={"scope": "global"},
    )
    for socket in (viewer, trader):
        message = await socket.receive_json_from(timeout=5)
        assert (message["type"], message["kind"], message["seq"]) == ("event", "alert", 1)
        assert message["payload"]["event"] == "opened"
        sent = message["payload"]["alert"]
        assert (sent["id"], sent["key"], sent["title"], sent["severity"], sent["state"]) == (
            alert.pk,
            "kill_switch:test",
            "Kill switch engaged",
            "critical",
            "open",
        )
        assert sent["labels"] == {"scope": "global"} and sent["opened_at"].endswith("Z")
        assert set(sent) == {
            "id",
            "rule",
            "rule_name",
            "rule_type",
            "key",
            "title",
            "message",
            "severity",
            "state",
            "opened_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "last_value",
            "labels",
        }

    await sync_to_async(alert_acknowledge)(alert_id=alert.pk, actor=trader_user, note="on it")
    message = await viewer.receive_json_from(timeout=5)
    assert (message["kind"], message["seq"], message["payload"]["event"]) == ("alert", 2, "acknowledged")
    assert message["payload"]["alert"]["state"] == "acknowledged"
    assert message["payload"]["alert"]["acknowledged_by"] == trader_user.username
    assert (await trader.receive_json_from(timeout=5))["payload"]["event"] == "acknowledged"

    rows = await database_sync_to_async(
        lambda: list(Delivery.objects.filter(alert_id=alert.pk).order_by("id"))
    )()
    assert [(d.event, d.status, d.attempts) for d in rows] == [
        ("opened", "sent", 1),
        ("acknowledged", "sent", 1),
    ]
    assert await viewer.receive_nothing()
    await viewer.disconnect()
    await trader.disconnect()


async def test_an_alert_below_the_channel_severity_is_not_pushed(
    viewer_user: Any, eager_celery: None
) -> None:
    await database_sync_to_async(_only_inapp_channel)()
    viewer = await connect(viewer_user)
    await sync_to_async(alert_raise)(key="info:x", title="FYI", message="", severity="info")
    assert await viewer.receive_nothing(timeout=0.5)
    assert not await database_sync_to_async(Delivery.objects.exists)()
    await viewer.disconnect()
