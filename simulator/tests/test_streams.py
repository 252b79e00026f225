"""Market streams: paths, envelopes, live control messages, limits, and book-keeping with U/u/pu."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from simulator.config import WsConfig
from simulator.tests.conftest import PAYLOADS, Sim, load_payload, shape, small_config, start_sim

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


async def recv_json(ws: aiohttp.ClientWebSocketResponse, timeout: float = 2.0) -> Any:
    msg = await asyncio.wait_for(ws.receive(), timeout)
    assert msg.type == aiohttp.WSMsgType.TEXT, msg
    return json.loads(msg.data)


async def drain(ws: aiohttp.ClientWebSocketResponse, pause: float = 0.05) -> list[Any]:
    out: list[Any] = []
    while True:
        try:
            msg = await asyncio.wait_for(ws.receive(), pause)
        except TimeoutError:
            return out
        if msg.type != aiohttp.WSMsgType.TEXT:
            return out
        out.append(json.loads(msg.data))


async def tick_until(
    sim: Sim, ws: aiohttp.ClientWebSocketResponse, want: int = 1, max_ticks: int = 200
) -> list[Any]:
    got: list[Any] = []
    for _ in range(max_ticks):
        sim.ticks(1)
        got += await drain(ws, 0.01)
        if len(got) >= want:
            return got
    raise AssertionError(f"only {len(got)} messages after {max_ticks} ticks")


def jsonl(name: str) -> list[Any]:
    return [json.loads(line) for line in (PAYLOADS / name).read_text().splitlines() if line.strip()]


async def test_raw_trade_and_kline_shapes(sim: Sim) -> None:
    trade_rec, kline_rec = jsonl("ws_spot_trade_and_kline_2025-09.jsonl")
    async with sim.client.ws_connect("/ws/btcusdt@trade") as ws:
        event = (await tick_until(sim, ws))[0]
        assert shape(event) == shape(trade_rec)
    async with sim.client.ws_connect("/ws/btcusdt@kline_5m") as ws:
        event = (await tick_until(sim, ws))[0]
        assert shape(event) == shape(kline_rec) == shape(load_payload("ws_kline_spot.json"))
        assert event["k"]["i"] == "5m" and event["k"]["x"] is False


async def test_combined_stream_envelopes_and_ticker_shape(sim: Sim) -> None:
    url = "/stream?streams=btcusdt@ticker/btcusdt@aggTrade/btcusdt@miniTicker/btcusdt@bookTicker"
    async with sim.client.ws_connect(url) as ws:
        got = await tick_until(sim, ws, want=12, max_ticks=60)
        by_stream = {m["stream"]: m["data"] for m in got}
        expected = {"btcusdt@ticker", "btcusdt@aggTrade", "btcusdt@miniTicker", "btcusdt@bookTicker"}
        assert set(by_stream) == expected
        assert shape(by_stream["btcusdt@ticker"]) == shape(load_payload("ws_24hrTicker.json")["data"])
        assert set(by_stream["btcusdt@aggTrade"]) == {"e", "E", "s", "a", "p", "q", "f", "l", "T", "m", "M"}
        assert set(by_stream["btcusdt@bookTicker"]) == {"u", "s", "b", "B", "a", "A"}
        assert set(by_stream["btcusdt@miniTicker"]) == {"e", "E", "s", "c", "o", "h", "l", "v", "q"}


async def test_futures_paths_and_shapes(sim: Sim) -> None:
    mixed = jsonl("ws_futures_2026_mixed.jsonl")
    rec = {m["stream"].split("@", 1)[1]: m["data"] for m in mixed if "stream" in m}
    for prefix in ("/fstream/market", "/fstream/public", "/fstream"):
        url = f"{prefix}/stream?streams=btcusdt@trade/btcusdt@aggTrade/btcusdt@kline_1m"
        async with sim.client.ws_connect(url) as ws:
            got = await tick_until(sim, ws, want=8, max_ticks=80)
            by_kind = {m["stream"].split("@", 1)[1]: m["data"] for m in got}
            assert shape(by_kind["trade"]) == shape(rec["trade"])
            assert shape(by_kind["aggTrade"]) == shape(rec["aggTrade"])
            assert shape(by_kind["kline_1m"]) == shape(load_payload("ws_kline_futures.json")["data"])
    async with sim.client.ws_connect("/fstream/public/ws/btcusdt@bookTicker") as ws:
        event = (await tick_until(sim, ws))[0]
        assert set(event) == {"e", "u", "s", "b", "B", "a", "A", "E", "T"}


async def test_live_control_messages(sim: Sim) -> None:
    async with sim.client.ws_connect("/ws") as ws:
        await ws.send_json({"method": "SUBSCRIBE", "params": ["btcusdt@trade", "ethusdt@depth5"], "id": 1})
        assert await recv_json(ws) == {"result": None, "id": 1}
        await ws.send_json({"method": "LIST_SUBSCRIPTIONS", "id": "a1"})
        assert await recv_json(ws) == {"result": ["btcusdt@trade", "ethusdt@depth5"], "id": "a1"}
        await ws.send_json({"method": "UNSUBSCRIBE", "params": ["btcusdt@trade"], "id": 2})
        assert await recv_json(ws) == {"result": None, "id": 2}
        await ws.send_json({"method": "GET_PROPERTY", "params": ["combined"], "id": 3})
        assert await recv_json(ws) == {"result": False, "id": 3}
        await asyncio.sleep(1.01)  # stay under 5 incoming messages per second
        await ws.send_json({"method": "SET_PROPERTY", "params": ["combined", True], "id": 4})
        assert await recv_json(ws) == {"result": None, "id": 4}
        await ws.send_json({"method": "SET_PROPERTY", "params": ["combined", "yes"], "id": 5})
        assert (await recv_json(ws))["error"]["code"] == 1
        await ws.send_json({"method": "SET_PROPERTY", "params": ["colour", True], "id": 6})
        assert (await recv_json(ws))["error"]["code"] == 0
        await ws.send_str("{not json")
        assert (await recv_json(ws))["error"]["code"] == 3
        await asyncio.sleep(1.01)
        await ws.send_json({"method": "FLY", "id": 7})
        assert (await recv_json(ws))["error"]["code"] == 2
        await ws.send_json({"method": "SUBSCRIBE", "params": ["x"], "id": -1})
        assert (await recv_json(ws))["error"]["code"] == 2
        events = await tick_until(sim, ws, want=1, max_ticks=30)
        assert events[0]["stream"] == "ethusdt@depth5"
        assert set(events[0]["data"]) == {"lastUpdateId", "bids", "asks"}
        assert len(events[0]["data"]["bids"]) == 5


@pytest.fixture
async def strict_sim() -> AsyncIterator[Sim]:
    ws = WsConfig(spot_max_streams=3, futures_max_streams=2, max_lifetime_s=0.6, spot_ping_interval_s=0.1)
    s = await start_sim(small_config(ws=ws))
    try:
        yield s
    finally:
        await s.client.close()


async def test_message_rate_limit_disconnects(sim: Sim) -> None:
    async with sim.client.ws_connect("/ws") as ws:
        for i in range(6):
            await ws.send_json({"method": "LIST_SUBSCRIPTIONS", "id": i})
        kinds = []
        for _ in range(7):
            msg = await asyncio.wait_for(ws.receive(), 2)
            kinds.append(msg.type)
            if msg.type == aiohttp.WSMsgType.CLOSE:
                break
        assert kinds[-1] == aiohttp.WSMsgType.CLOSE and ws.close_code == 1008


async def test_stream_count_limits(strict_sim: Sim) -> None:
    async with strict_sim.client.ws_connect("/ws/btcusdt@trade/ethusdt@trade") as ws:
        await ws.send_json({"method": "SUBSCRIBE", "params": ["bnbusdt@trade", "solusdt@trade"], "id": 1})
        reply = await recv_json(ws)
        assert reply["error"]["code"] == 2 and "too many" in reply["error"]["msg"]
    async with strict_sim.client.ws_connect("/fstream/market/stream?streams=a@trade/b@trade/c@trade") as ws:
        msg = await asyncio.wait_for(ws.receive(), 2)
        assert msg.type == aiohttp.WSMsgType.CLOSE and ws.close_code == 1008


async def test_server_ping_and_lifetime(strict_sim: Sim) -> None:
    async with strict_sim.client.ws_connect("/ws/btcusdt@trade", autoping=False) as ws:
        msg = await asyncio.wait_for(ws.receive(), 2)
        assert msg.type == aiohttp.WSMsgType.PING
        await ws.pong(msg.data)
        while msg.type != aiohttp.WSMsgType.CLOSE:
            msg = await asyncio.wait_for(ws.receive(), 2)
        assert ws.close_code == 1001


async def test_fault_disconnect_every_n_seconds(sim: Sim) -> None:
    resp = await sim.client.post("/_sim/faults", json={"ws_disconnect_every_s": 0.2})
    assert resp.status == 200
    async with sim.client.ws_connect("/ws/btcusdt@trade") as ws:
        msg = await asyncio.wait_for(ws.receive(), 2)
        while msg.type == aiohttp.WSMsgType.TEXT:
            msg = await asyncio.wait_for(ws.receive(), 2)
        assert msg.type == aiohttp.WSMsgType.CLOSE


def _apply(book: dict[Decimal, Decimal], levels: list[list[str]]) -> None:
    for price, qty in levels:
        if Decimal(qty) == 0:
            book.pop(Decimal(price), None)
        else:
            book[Decimal(price)] = Decimal(qty)


async def _rest_book(sim: Sim, path: str) -> tuple[int, dict[Decimal, Decimal], dict[Decimal, Decimal]]:
    body = await (await sim.client.get(path)).json()
    return (
        body["lastUpdateId"],
        {Decimal(p): Decimal(q) for p, q in body["bids"]},
        {Decimal(p): Decimal(q) for p, q in body["asks"]},
    )


async def test_spot_local_book_by_binance_algorithm(sim: Sim) -> None:
    async with sim.client.ws_connect("/ws/btcusdt@depth@100ms") as ws:
        buffered = await tick_until(sim, ws, want=3)
        last_id, bids, asks = await _rest_book(sim, "/api/v3/depth?symbol=BTCUSDT&limit=5000")
        assert buffered[0]["U"] <= last_id + 1
        buffered += await tick_until(sim, ws, want=5)
        events = [e for e in buffered if e["u"] > last_id]
        assert events[0]["U"] <= last_id + 1 <= events[0]["u"]
        book_id = last_id
        for event in events:
            assert event["U"] == book_id + 1  # no gaps
            _apply(bids, event["b"])
            _apply(asks, event["a"])
            book_id = event["u"]
        final_id, rest_bids, rest_asks = await _rest_book(sim, "/api/v3/depth?symbol=BTCUSDT&limit=5000")
        assert final_id == book_id and bids == rest_bids and asks == rest_asks


async def test_futures_local_book_with_pu_chain(sim: Sim) -> None:
    async with sim.client.ws_connect("/fstream/public/stream?streams=ethusdt@depth@100ms") as ws:
        buffered = [m["data"] for m in await tick_until(sim, ws, want=3)]
        last_id, bids, asks = await _rest_book(sim, "/fapi/v1/depth?symbol=ETHUSDT&limit=1000")
        buffered += [m["data"] for m in await tick_until(sim, ws, want=5)]
        events = [e for e in buffered if e["u"] >= last_id]
        assert events[0]["U"] <= last_id <= events[0]["u"] or events[0]["pu"] == last_id
        previous_u = None
        for event in events:
            assert set(event) == {"e", "E", "T", "s", "U", "u", "pu", "b", "a"}
            if previous_u is not None:
                assert event["pu"] == previous_u
            _apply(bids, event["b"])
            _apply(asks, event["a"])
            previous_u = event["u"]
        final_id, rest_bids, rest_asks = await _rest_book(sim, "/fapi/v1/depth?symbol=ETHUSDT&limit=1000")
        assert final_id == previous_u and bids == rest_bids and asks == rest_asks


async def test_all_market_arrays(sim: Sim) -> None:
    async with sim.client.ws_connect("/ws/!miniTicker@arr") as ws:
        rows = (await tick_until(sim, ws, want=1, max_ticks=30))[0]
        assert isinstance(rows, list) and len(rows) == 8 and rows[0]["e"] == "24hrMiniTicker"


async def test_publish_hook_for_extensions(sim: Sim) -> None:
    async with sim.client.ws_connect("/fstream/market/stream?streams=!markPrice@arr@1s") as ws:
        await asyncio.sleep(0.05)
        sim.exchange.streams.publish("futures", "!markPrice@arr@1s", [{"e": "markPriceUpdate"}])
        assert await recv_json(ws) == {"stream": "!markPrice@arr@1s", "data": [{"e": "markPriceUpdate"}]}


async def test_spot_extra_streams_and_shutdown_notice(sim: Sim) -> None:
    async with sim.client.ws_connect("/stream?streams=btcusdt@avgPrice/btcusdt@ticker_1h") as ws:
        got = await tick_until(sim, ws, want=2, max_ticks=30)
        by_stream = {m["stream"]: m["data"] for m in got}
        assert set(by_stream["btcusdt@avgPrice"]) == {"e", "E", "s", "i", "w", "T"}
        assert by_stream["btcusdt@ticker_1h"]["e"] == "1hTicker"
        await sim.exchange.stop_background()
        notice = await recv_json(ws)
        assert notice["stream"] == "!serverShutdown" and notice["data"]["e"] == "serverShutdown"


async def test_fault_disconnect_reaches_open_connections(sim: Sim) -> None:
    async with sim.client.ws_connect("/ws/btcusdt@trade") as ws:
        await asyncio.sleep(0.1)
        await sim.client.post("/_sim/faults", json={"ws_disconnect_every_s": 0.3})
        msg = await asyncio.wait_for(ws.receive(), 3)
        while msg.type == aiohttp.WSMsgType.TEXT:
            msg = await asyncio.wait_for(ws.receive(), 3)
        assert msg.type == aiohttp.WSMsgType.CLOSE and ws.close_code == 1001


async def test_listen_key_paths_delegate_to_extensions() -> None:
    from aiohttp import web

    seen: list[str] = []

    async def user_stream(request: web.Request, name: str) -> web.StreamResponse:
        seen.append(f"{request.path}|{name}")
        return web.json_response({"user": name})

    s = await start_sim(small_config())
    try:
        s.exchange.register_user_stream("futures", lambda name: name.startswith("lk"), user_stream)
        s.exchange.register_user_stream("spot", lambda name: name.startswith("sk"), user_stream)
        assert await (await s.client.get("/fstream/ws/lk123")).json() == {"user": "lk123"}
        assert await (await s.client.get("/ws/sk9")).json() == {"user": "sk9"}
        # Stream names never reach the user-stream handler.
        async with s.client.ws_connect("/fstream/ws/btcusdt@aggTrade") as ws:
            assert not ws.closed
        assert seen == ["/fstream/ws/lk123|lk123", "/ws/sk9|sk9"]
    finally:
        await s.client.close()


async def test_diff_depth_shape_matches_recording(sim: Sim) -> None:
    recorded = load_payload("ws_depthUpdate_2020-12.json")
    async with sim.client.ws_connect("/ws/ethusdt@depth@100ms") as ws:
        event = (await tick_until(sim, ws))[0]
        assert set(event) == set(recorded)
        assert {type(v) for k, v in event.items() if k in ("E", "U", "u")} == {int}
        assert all(isinstance(x, str) for level in event["b"] + event["a"] for x in level)
