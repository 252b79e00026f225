"""listenKey lifecycle and every user-stream URL form, over real WebSockets."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import requests

from simulator.futures.tests.server import LiveServer, signed


def listen_key(live: LiveServer, key: str, method: str = "POST", **params: str) -> requests.Response:
    return requests.request(
        method, f"{live.base}/fapi/v1/listenKey", params=params, headers={"X-MBX-APIKEY": key}, timeout=10
    )


async def next_json(ws: aiohttp.ClientWebSocketResponse, timeout: float = 5) -> Any:
    msg = await asyncio.wait_for(ws.receive(), timeout)
    assert msg.type == aiohttp.WSMsgType.TEXT, msg
    return json.loads(msg.data)


async def market_buy(live: LiveServer, key: str, secret: str) -> None:
    r = await asyncio.to_thread(
        signed,
        live,
        "POST",
        "/fapi/v1/order",
        key,
        secret,
        symbol="BTCUSDT",
        side="BUY",
        type="MARKET",
        quantity="0.010",
    )
    assert r.status_code == 200, r.text


async def test_listen_key_rest_lifecycle(live: LiveServer) -> None:
    _, key, _ = live.new_account()
    first = listen_key(live, key).json()["listenKey"]
    assert listen_key(live, key).json()["listenKey"] == first
    assert listen_key(live, key, "PUT", listenKey=first).json() == {"listenKey": first}
    assert listen_key(live, key, "DELETE", listenKey=first).json() == {}
    gone = listen_key(live, key, "PUT", listenKey=first)
    assert (gone.status_code, gone.json()["code"]) == (400, -1125)
    assert listen_key(live, "x" * 64).json()["code"] == -2008


async def test_combined_private_stream_wraps_and_filters(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    lk = listen_key(live, key).json()["listenKey"]
    url = f"ws://127.0.0.1:{live.port}/fstream/private/stream?listenKey={lk}&events=ORDER_TRADE_UPDATE"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await market_buy(live, key, secret)
        first, second = await next_json(ws), await next_json(ws)
    assert first["stream"] == lk
    assert [first["data"]["o"]["X"], second["data"]["o"]["X"]] == ["NEW", "FILLED"]


async def test_legacy_root_path_delivers_raw_events(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    lk = listen_key(live, key).json()["listenKey"]
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"ws://127.0.0.1:{live.port}/fstream/ws/{lk}") as ws,
    ):
        await market_buy(live, key, secret)
        kinds = [(await next_json(ws))["e"] for _ in range(4)]
    assert kinds == ["TRADE_LITE", "ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "ORDER_TRADE_UPDATE"]


async def test_expiry_sends_listen_key_expired_then_closes(live: LiveServer) -> None:
    _, key, _ = live.new_account()
    lk = listen_key(live, key).json()["listenKey"]
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"ws://127.0.0.1:{live.port}/fstream/private/ws/{lk}") as ws,
    ):
        live.call(lambda: setattr(live.rt.streams.keys[lk], "expires_ms", 0))
        live.tick()
        event = await next_json(ws)
        closing = await asyncio.wait_for(ws.receive(), 5)
    assert event["e"] == "listenKeyExpired" and event["listenKey"] == lk
    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert listen_key(live, key, "PUT", listenKey=lk).json()["code"] == -1125


async def test_unknown_listen_key_is_closed(live: LiveServer) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"ws://127.0.0.1:{live.port}/fstream/private/ws?listenKey=nope") as ws,
    ):
        msg = await asyncio.wait_for(ws.receive(), 5)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_mark_price_stream_reaches_core_market_streams(live: LiveServer) -> None:
    url = f"ws://127.0.0.1:{live.port}/fstream/market/stream?streams=btcusdt@markPrice@1s/!markPrice@arr"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await asyncio.sleep(0.1)
        live.call(lambda: setattr(live.rt.engine, "_last_mark_publish", 0))
        live.tick()
        got = {}
        while len(got) < 2:
            frame = await next_json(ws)
            got[frame["stream"]] = frame["data"]
    single = got["btcusdt@markPrice@1s"]
    assert single["e"] == "markPriceUpdate" and single["s"] == "BTCUSDT"
    assert set(single) == {"e", "E", "s", "p", "ap", "P", "i", "r", "T"}
    assert any(row["s"] == "BTCUSDT" for row in got["!markPrice@arr"])
