"""REQUEST_WEIGHT headers, 429 with Retry-After, 418 bans that escalate, ORDERS counts per account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from simulator.config import RateLimitConfig
from simulator.errors import json_response
from simulator.tests.conftest import Sim, small_config, start_sim

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


async def _order(request: web.Request) -> web.Response:
    exchange = request.app["exchange"]
    market = "futures" if request.path.startswith("/fapi") else "spot"
    exchange.ratelimit.charge(request, market, 0)
    exchange.ratelimit.charge_order(request, request.query.get("acct", "dev"), market)
    return json_response({})


def _routes(app: web.Application) -> None:
    app.router.add_post("/api/v3/_order", _order)
    app.router.add_post("/fapi/v1/_order", _order)


@pytest.fixture
async def tight() -> AsyncIterator[Sim]:
    limits = RateLimitConfig(
        spot_weight_per_min=25,
        futures_weight_per_min=5,
        spot_orders_per_10s=3,
        futures_orders_per_10s=2,
        ban_after_429s=2,
        ban_initial_s=120,
    )
    s = await start_sim(small_config(rate_limits=limits), _routes)
    try:
        yield s
    finally:
        await s.client.close()


async def test_weight_header_accumulates_per_market(tight: Sim) -> None:
    r1 = await tight.client.get("/api/v3/ping")
    r2 = await tight.client.get("/api/v3/depth?symbol=BTCUSDT")
    assert r1.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert r2.headers["X-MBX-USED-WEIGHT-1M"] == "6"
    f1 = await tight.client.get("/fapi/v1/time")
    assert f1.headers["X-MBX-USED-WEIGHT-1M"] == "1"


async def test_429_then_418_ban_escalates(tight: Sim) -> None:
    statuses = []
    for _ in range(6):
        resp = await tight.client.get("/fapi/v1/depth?symbol=BTCUSDT&limit=5")
        statuses.append(resp.status)
        if resp.status == 429:
            assert int(resp.headers["Retry-After"]) >= 1
            body = await resp.json()
            assert body["code"] == -1003 and "current limit is 5 request weight per 1 MINUTE" in body["msg"]
    assert statuses[:2] == [200, 200] and statuses[2:4] == [429, 429] and statuses[4] == 418
    banned = await tight.client.get("/fapi/v1/ping")
    assert banned.status == 418 and 100 < int(banned.headers["Retry-After"]) <= 120
    # The ban is per IP, across markets.
    assert (await tight.client.get("/api/v3/ping")).status == 418
    # Next ban doubles.
    tight.exchange.clock.offset_ms += 121_000
    for _ in range(5):
        resp = await tight.client.get("/fapi/v1/depth?symbol=BTCUSDT&limit=5")
    assert resp.status == 418 and 200 < int(resp.headers["Retry-After"]) <= 240


async def test_order_count_headers_and_minus_1015(tight: Sim) -> None:
    for n in (1, 2, 3):
        resp = await tight.client.post("/api/v3/_order")
        assert resp.status == 200
        assert resp.headers["X-MBX-ORDER-COUNT-10S"] == str(n)
        assert resp.headers["X-MBX-ORDER-COUNT-1D"] == str(n)
    resp = await tight.client.post("/api/v3/_order")
    assert resp.status == 429 and (await resp.json())["code"] == -1015 and "Retry-After" in resp.headers
    # Other accounts and the futures market count separately.
    assert (await tight.client.post("/api/v3/_order?acct=other")).status == 200
    resp = await tight.client.post("/fapi/v1/_order")
    assert resp.headers["X-MBX-ORDER-COUNT-1M"] == "1"


async def test_exchange_info_reports_configured_limits(tight: Sim) -> None:
    body = await (await tight.client.get("/api/v3/exchangeInfo?symbol=BTCUSDT")).json()
    expected = {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 25}
    assert body["rateLimits"][0] == expected


async def test_limits_changeable_at_runtime(sim: Sim) -> None:
    resp = await sim.client.post("/_sim/ratelimits", json={"spot_weight_per_min": 2})
    assert resp.status == 200
    assert (await sim.client.get("/api/v3/ping")).status == 200
    assert (await sim.client.get("/api/v3/ping")).status == 200
    assert (await sim.client.get("/api/v3/ping")).status == 429
    assert (await sim.client.post("/_sim/ratelimits", json={"nope": 1})).status == 400
