"""Fault injection: latency, errors before/after execution, 429 storms, maintenance, clearing."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from simulator.errors import json_response
from simulator.tests.conftest import Sim, small_config, start_sim

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

EXECUTED: list[int] = []


async def _place(request: web.Request) -> web.Response:
    EXECUTED.append(1)
    return json_response({"orderId": len(EXECUTED)})


@pytest.fixture
async def fsim() -> AsyncIterator[Sim]:
    EXECUTED.clear()
    s = await start_sim(small_config(), lambda app: app.router.add_post("/api/v3/_place", _place))
    try:
        yield s
    finally:
        await s.client.close()


async def test_latency(fsim: Sim) -> None:
    await fsim.client.post("/_sim/faults", json={"latency_ms": 150})
    started = time.perf_counter()
    assert (await fsim.client.get("/api/v3/ping")).status == 200
    assert time.perf_counter() - started >= 0.14
    started = time.perf_counter()
    assert (await fsim.client.get("/_sim/health")).status == 200
    assert time.perf_counter() - started < 0.1


async def test_error_without_executing(fsim: Sim) -> None:
    await fsim.client.post("/_sim/faults", json={"error_rate": 1.0, "error_status": 500})
    resp = await fsim.client.post("/api/v3/_place")
    assert resp.status == 500 and (await resp.json())["code"] == -1001
    assert EXECUTED == []


async def test_5xx_after_executing_is_unknown_outcome(fsim: Sim) -> None:
    await fsim.client.post(
        "/_sim/faults",
        json={
            "error_rate": 1.0,
            "error_status": 503,
            "error_after_execute": True,
            "paths": ["/api/v3/_place"],
        },
    )
    resp = await fsim.client.post("/api/v3/_place")
    body = await resp.json()
    assert resp.status == 503 and body["code"] == -1007 and "execution status unknown" in body["msg"]
    assert EXECUTED == [1]
    # Paths outside the filter are untouched.
    assert (await fsim.client.get("/api/v3/ping")).status == 200


async def test_error_rate_is_partial_and_seeded(fsim: Sim) -> None:
    await fsim.client.post("/_sim/faults", json={"error_rate": 0.5, "seed": 7})
    statuses = [(await fsim.client.get("/api/v3/ping")).status for _ in range(40)]
    assert 5 < statuses.count(503) < 35 and statuses.count(200) > 5


async def test_429_storm_escalates_to_418(fsim: Sim) -> None:
    fsim.exchange.config.rate_limits.ban_after_429s = 3
    await fsim.client.post("/_sim/faults", json={"storm_429": True})
    statuses = [(await fsim.client.get("/api/v3/ping")).status for _ in range(5)]
    assert statuses[:3] == [429, 429, 429] and statuses[3:] == [418, 418]
    resp = await fsim.client.get("/api/v3/ping")
    assert "Retry-After" in resp.headers


async def test_maintenance_and_clear(fsim: Sim) -> None:
    await fsim.client.post("/_sim/faults", json={"maintenance": True})
    resp = await fsim.client.get("/fapi/v1/ping")
    assert resp.status == 503 and (await resp.json())["msg"] == "Service Unavailable."
    assert (await fsim.client.delete("/_sim/faults")).status == 200
    assert (await fsim.client.get("/fapi/v1/ping")).status == 200
    await fsim.client.post("/_sim/faults", json={"maintenance": True})
    await fsim.client.post("/_sim/faults", json={"clear": True})
    assert (await fsim.client.get("/fapi/v1/ping")).status == 200
    assert (await fsim.client.get("/_sim/faults")).status == 200


async def test_bad_fault_requests(fsim: Sim) -> None:
    for body in ({"error_rate": 2}, {"bogus": 1}, [1, 2]):
        resp = await fsim.client.post("/_sim/faults", json=body)
        assert resp.status == 400 and "code" in await resp.json()
    resp = await fsim.client.post("/_sim/faults", data="{not json")
    assert resp.status == 400
