"""Whatever a client sends, the answer is Binance-shaped JSON with a 4XX, never a 500 or a traceback."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.tests.conftest import Sim, small_config, start_sim

if TYPE_CHECKING:
    from collections.abc import Iterator

ENDPOINTS = [
    "/api/v3/ping",
    "/api/v3/time",
    "/api/v3/exchangeInfo",
    "/api/v3/depth",
    "/api/v3/trades",
    "/api/v3/historicalTrades",
    "/api/v3/aggTrades",
    "/api/v3/klines",
    "/api/v3/uiKlines",
    "/api/v3/avgPrice",
    "/api/v3/ticker/24hr",
    "/api/v3/ticker/price",
    "/api/v3/ticker/bookTicker",
    "/api/v3/ticker",
    "/fapi/v1/ping",
    "/fapi/v1/time",
    "/fapi/v1/depth",
    "/fapi/v1/trades",
    "/fapi/v1/aggTrades",
    "/fapi/v1/klines",
    "/fapi/v1/ticker/24hr",
    "/fapi/v1/ticker/price",
    "/fapi/v1/ticker/bookTicker",
]
NAMES = [
    "symbol",
    "symbols",
    "limit",
    "fromId",
    "startTime",
    "endTime",
    "interval",
    "type",
    "windowSize",
    "timeZone",
    "permissions",
    "symbolStatus",
    "showPermissionSets",
    "x",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "BTCUSDT",
            "btcusdt",
            '["BTCUSDT"]',
            '["NOPE"]',
            "[]",
            "1m",
            "1d",
            "7m",
            "FULL",
            "MINI",
            "5",
            "0",
            "-1",
            "5000",
            "99999999999999999999999",
            "1.5",
            "1e3",
            "",
            "true",
            "null",
            "+08:00",
            "25:00",
            "1h",
            "8d",
            "SPOT",
            "TRADING",
        ]
    ),
    st.text(max_size=12),
)


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[asyncio.AbstractEventLoop, Sim]]:
    """One server on a private loop for every example: starting one per example would dominate the run."""
    loop = asyncio.new_event_loop()
    sim = loop.run_until_complete(start_sim(small_config(backfill_candles=5, book_levels=5)))
    sim.ticks(2)
    try:
        yield loop, sim
    finally:
        loop.run_until_complete(sim.client.close())
        loop.close()


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_requests_never_500(
    shared: tuple[asyncio.AbstractEventLoop, Sim], data: st.DataObject
) -> None:
    loop, sim = shared
    path = data.draw(st.sampled_from(ENDPOINTS))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=4))
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)

    async def run() -> None:
        resp = await sim.client.get(f"{path}?{query}")
        assert resp.status < 500, (path, query, await resp.text())
        body = await resp.json()
        if resp.status >= 400:
            assert set(body) == {"code", "msg"} and isinstance(body["code"], int)

    loop.run_until_complete(run())


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
CONTROL_KEYS = [
    "balances",
    "futures_balances",
    "key_type",
    "public_key",
    "permissions",
    "account_id",
    "market",
    "status",
    "filters",
    "latency_ms",
    "error_rate",
    "error_status",
    "storm_429",
    "clear",
    "paths",
    "action",
    "ms",
    "speed",
    "ticks",
    "ws_disconnect_every_s",
    "spot_weight_per_min",
    "maintenance",
]
CONTROL_PATHS = ["/_sim/accounts", "/_sim/faults", "/_sim/symbols/BTCUSDT", "/_sim/clock", "/_sim/ratelimits"]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_control_bodies_never_500(
    shared: tuple[asyncio.AbstractEventLoop, Sim], data: st.DataObject
) -> None:
    loop, sim = shared
    path = data.draw(st.sampled_from(CONTROL_PATHS))
    body = data.draw(st.dictionaries(st.sampled_from(CONTROL_KEYS), JSON, max_size=4) | JSON)

    async def run() -> None:
        resp = await sim.client.post(path, json=body)
        assert resp.status < 500, (path, body, await resp.text())
        # Whatever was accepted, Binance paths must keep answering.
        await sim.client.post("/_sim/faults", json={"clear": True})
        await sim.client.post("/_sim/ratelimits", json={"spot_weight_per_min": 6000})
        await sim.client.post("/_sim/clock", json={"speed": 1, "resume": True})
        check = await sim.client.get("/api/v3/ticker/price?symbol=BTCUSDT")
        assert check.status == 200, await check.text()

    loop.run_until_complete(run())


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(messages=st.lists(JSON, min_size=1, max_size=4))
def test_random_stream_messages_are_answered_not_crashed(
    shared: tuple[asyncio.AbstractEventLoop, Sim], messages: list[object]
) -> None:
    loop, sim = shared

    async def run() -> None:
        async with sim.client.ws_connect("/ws/btcusdt@trade") as ws:
            for message in messages:
                await ws.send_json(message)
            for _ in messages:
                reply = await asyncio.wait_for(ws.receive_json(), 2)
                assert "id" in reply and ("result" in reply or "error" in reply)

    loop.run_until_complete(run())
