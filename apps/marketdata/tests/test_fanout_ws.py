"""`/ws/market/` through the real ASGI app with the in-memory channel layer and the test Redis."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from apps.marketdata.consumers import CLOSE_FORBIDDEN, CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED
from apps.marketdata.fanout.symbols import symbols_changed
from trader.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

HOST = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


@pytest.fixture(autouse=True)
def md(settings: Any) -> Iterator[dict[str, Any]]:
    """A Redis key prefix of this test's own, two listed symbols, fast timeouts."""
    from apps.symbols.models import Symbol

    prefix = f"test:md:{uuid.uuid4().hex[:10]}"
    settings.TRADER_MARKETDATA_KEY_PREFIX = prefix
    settings.TRADER_MARKETDATA_WS_SEND_TIMEOUT_S = 0.5
    settings.TRADER_MARKETDATA_WS_MAX_STREAMS = 5
    common = {
        "status": "TRADING",
        "base_precision": 8,
        "quote_precision": 8,
        "quote_asset": "USDT",
        "raw": {},
    }
    Symbol.objects.create(market="SPOT", symbol="BTCUSDT", base_asset="BTC", **common)
    Symbol.objects.create(market="USDM", symbol="ETHUSDT", base_asset="ETH", **common)
    symbols_changed()
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield {"prefix": prefix, "redis": client}
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    symbols_changed()


async def connect(user: Any | None) -> tuple[WebsocketCommunicator, bool, Any]:
    headers = list(HOST)
    if user is not None:
        token = await database_sync_to_async(Token.objects.create)(user=user)
        headers.append((b"authorization", f"Token {token.key}".encode()))
    socket = WebsocketCommunicator(application, "/ws/market/", headers=headers)
    connected, code = await socket.connect()
    if connected:
        assert (await socket.receive_json_from())["type"] == "hello"
    return socket, connected, code


def message(stream: str, event_ms: int, **data: Any) -> dict[str, Any]:
    return {"stream": stream, "E": event_ms, "data": data}


async def publish(stream: str, body: dict[str, Any]) -> None:
    await get_channel_layer().group_send("md." + stream, {"type": "md.update", "message": body})


async def frames(socket: WebsocketCommunicator, timeout: float = 0.3) -> list[dict[str, Any]]:
    """Everything the socket has received until it stays quiet for `timeout`."""
    out: list[dict[str, Any]] = []
    # receive_nothing, not a receive timeout: a timed-out receive cancels the application.
    while not await socket.receive_nothing(timeout=timeout):
        out.append(await socket.receive_json_from())
    return out


BTC_TICKER = "spot.btcusdt.ticker"
BTC_KLINE = "spot.btcusdt.kline_1m"


async def test_an_anonymous_socket_is_closed_with_4401() -> None:
    _, connected, code = await connect(None)
    assert not connected and code == CLOSE_UNAUTHENTICATED


async def test_a_user_without_a_role_is_closed_with_4403(outsider_user: Any) -> None:
    _, connected, code = await connect(outsider_user)
    assert not connected and code == CLOSE_FORBIDDEN


async def test_a_subscriber_gets_the_cached_snapshot_first_then_updates(viewer_user: Any, md: Any) -> None:
    cached = message(BTC_TICKER, 1000, c="50000.10")
    md["redis"].set(f"{md['prefix']}:last:{BTC_TICKER}", json.dumps(cached))
    socket, _, _ = await connect(viewer_user)
    await socket.send_json_to({"action": "subscribe", "streams": [BTC_TICKER, "usdm.ethusdt.markprice"]})
    first = await frames(socket)
    assert {"type": "snapshot", "stream": BTC_TICKER, "message": cached} in first
    assert {"type": "snapshot", "stream": "usdm.ethusdt.markprice", "message": None} in first
    assert len(first) == 2
    update = message(BTC_TICKER, 2000, c="50001.20")
    await publish(BTC_TICKER, update)
    assert await socket.receive_json_from() == {"type": "update", "stream": BTC_TICKER, "message": update}
    await socket.disconnect()


async def test_unsubscribe_stops_updates(viewer_user: Any) -> None:
    socket, _, _ = await connect(viewer_user)
    await socket.send_json_to({"action": "subscribe", "streams": [BTC_TICKER]})
    assert (await socket.receive_json_from())["type"] == "snapshot"
    await socket.send_json_to({"action": "unsubscribe", "streams": [BTC_TICKER]})
    assert await socket.receive_json_from() == {"type": "unsubscribed", "streams": [BTC_TICKER]}
    await publish(BTC_TICKER, message(BTC_TICKER, 3000, c="1"))
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_json_to({"action": "list"})
    listed = await socket.receive_json_from()
    assert (listed["type"], listed["streams"]) == ("list", [])
    await socket.send_json_to({"type": "ping"})  # the dashboard's heartbeat
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.parametrize(
    ("stream", "code"),
    [
        ("spot.BTCUSDT.ticker", "invalid_stream"),
        ("spot.btcusdt.kline_2m", "unknown_kind"),
        ("spot.btcusdt.markprice", "unknown_kind"),  # USD-M only
        ("spot.dogeusdt.ticker", "unknown_symbol"),
        ("usdm.btcusdt.ticker", "unknown_symbol"),  # listed on spot only
        (42, "invalid_stream"),
    ],
)
async def test_an_invalid_stream_gets_an_error_frame_and_the_socket_stays_open(
    viewer_user: Any, stream: Any, code: str
) -> None:
    socket, _, _ = await connect(viewer_user)
    await socket.send_json_to({"action": "subscribe", "streams": [stream, BTC_TICKER]})
    got = await frames(socket)
    errors = [f for f in got if f["type"] == "error"]
    assert [e["code"] for e in errors] == [code]
    assert errors[0]["stream"] == (stream if isinstance(stream, str) else None)
    assert [f["stream"] for f in got if f["type"] == "snapshot"] == [BTC_TICKER]
    await socket.send_json_to({"action": "dance"})
    assert (await socket.receive_json_from())["code"] == "invalid_request"
    await socket.disconnect()


async def test_subscriptions_beyond_the_cap_are_refused_one_by_one(viewer_user: Any) -> None:
    socket, _, _ = await connect(viewer_user)
    streams = [f"spot.btcusdt.kline_{i}" for i in ("1m", "3m", "5m", "15m", "30m", "1h", "2h")]
    await socket.send_json_to({"action": "subscribe", "streams": streams})
    got = await frames(socket)
    assert [f["stream"] for f in got if f["type"] == "snapshot"] == streams[:5]
    assert [(f["code"], f["stream"]) for f in got if f["type"] == "error"] == [
        ("too_many_streams", s) for s in streams[5:]
    ]
    await socket.disconnect()


async def test_demand_is_recorded_in_redis_with_an_expiry(viewer_user: Any, md: Any) -> None:
    socket, _, _ = await connect(viewer_user)
    await socket.send_json_to({"action": "subscribe", "streams": [BTC_TICKER, "usdm.ethusdt.depth"]})
    await frames(socket)
    demand = dict(md["redis"].zrange(f"{md['prefix']}:demand", 0, -1, withscores=True))
    assert set(demand) == {BTC_TICKER.encode(), b"usdm.ethusdt.depth"}
    assert all(time.time() + 50 < expiry <= time.time() + 61 for expiry in demand.values())
    await socket.disconnect()
    # Removed only by expiry: another client (another process) may still want it.
    assert md["redis"].zscore(f"{md['prefix']}:demand", BTC_TICKER) is not None


def kline(stream: str, event_ms: int, open_ms: int, close: str, *, closed: bool) -> dict[str, Any]:
    return message(stream, event_ms, t=open_ms, c=close, x=closed)


async def test_a_client_that_does_not_read_gets_the_latest_values_and_every_closed_candle(
    viewer_user: Any, settings: Any
) -> None:
    settings.TRADER_MARKETDATA_WS_HIGH_WATER_FRAMES = 0  # congested as soon as one frame is unread
    settings.TRADER_MARKETDATA_WS_SEND_TIMEOUT_S = 5
    socket, _, _ = await connect(viewer_user)
    await socket.send_json_to({"action": "subscribe", "streams": [BTC_TICKER, BTC_KLINE]})
    await asyncio.sleep(0.1)  # snapshots are queued at the socket, unread: the client is now congested
    for i in range(50):
        await publish(BTC_TICKER, message(BTC_TICKER, 10_000 + i, c=f"{50000 + i}"))
    bodies = [kline(BTC_KLINE, 20_000 + i, 60_000 * (i // 3), str(i), closed=i % 3 == 2) for i in range(12)]
    for body in bodies:
        await publish(BTC_KLINE, body)
    await asyncio.sleep(0.1)
    got = await frames(socket)
    updates = [f for f in got if f["type"] == "update"]
    tickers = [f["message"]["data"]["c"] for f in updates if f["stream"] == BTC_TICKER]
    assert tickers == ["50049"]  # conflated: only the latest
    candles = [f["message"] for f in updates if f["stream"] == BTC_KLINE]
    assert [c for c in candles if c["data"]["x"]] == [b for b in bodies if b["data"]["x"]]
    assert candles[-1] == bodies[-1]  # the open candle that followed the last closed one: latest only
    await socket.send_json_to({"action": "list"})
    listed = await socket.receive_json_from()
    assert listed["dropped"] >= 49 + 8
    await socket.disconnect()


async def test_a_slow_client_does_not_delay_a_fast_one_and_is_closed_with_4408(
    viewer_user: Any, trader_user: Any, settings: Any
) -> None:
    settings.TRADER_MARKETDATA_WS_HIGH_WATER_FRAMES = 20
    fast, _, _ = await connect(viewer_user)
    slow, _, _ = await connect(trader_user)
    for socket in (fast, slow):
        await socket.send_json_to({"action": "subscribe", "streams": [BTC_TICKER, BTC_KLINE]})
    assert len(await frames(fast, 0.2)) == 2
    started = time.monotonic()
    for i in range(200):
        stream = BTC_TICKER if i % 2 else BTC_KLINE
        await publish(stream, message(stream, 1_000_000 + i, seq=i))
        got = await fast.receive_json_from(timeout=1)  # every update, promptly
        assert got["message"]["data"]["seq"] == i
    assert time.monotonic() - started < 5
    # The slow one never read: its socket backed up beyond the high-water mark, updates conflated, and
    # after the send timeout (0.5 s here) it was closed with 4408.
    await asyncio.sleep(1.0)
    await publish(BTC_TICKER, message(BTC_TICKER, 2_000_000, seq=-1))
    outputs: list[dict[str, Any]] = []
    while not outputs or outputs[-1]["type"] != "websocket.close":
        outputs.append(await slow.receive_output(timeout=1))
    assert outputs[-1] == {"type": "websocket.close", "code": CLOSE_TOO_SLOW}
    assert len(outputs) < 200 + 3
    # The fast one is unaffected.
    assert (await fast.receive_json_from(timeout=1))["message"]["data"]["seq"] == -1
    await publish(BTC_TICKER, message(BTC_TICKER, 3_000_000, seq=-2))
    assert (await fast.receive_json_from(timeout=1))["message"]["data"]["seq"] == -2
    await fast.disconnect()
