"""The market-data supervisor in-process against the real local exchange (real sockets)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
import requests

from apps.marketdata.conf import MarketDataConfig
from apps.marketdata.health import stale_streams
from apps.marketdata.supervisor import MarketDataSupervisor

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class Layer:
    """A channel layer that records what was sent to each group."""

    def __init__(self) -> None:
        self.sent: dict[str, list[dict[str, Any]]] = {}

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.sent.setdefault(group, []).append(message)


async def until(condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.fixture
def md(sim: Any, runtime_for: Any, symbols: None, redis_client: Any) -> Any:
    rt = runtime_for(sim.url)
    key_prefix = f"test:md:{uuid.uuid4().hex[:10]}"
    config = MarketDataConfig(
        watch=(), key_prefix=key_prefix, eval_s=0.2, check_s=0.2, verify_s=3600.0, health_ttl_s=5.0
    )
    layer = Layer()
    sup = MarketDataSupervisor(config=config, rt=rt, layer=layer)
    yield sup, layer, redis_client, sim
    keys = list(redis_client.scan_iter(f"{key_prefix}:*"))
    if keys:
        redis_client.delete(*keys)


def demand(client: Any, prefix: str, *streams: str, ttl_s: float = 60) -> None:
    client.zadd(f"{prefix}:demand", dict.fromkeys(streams, time.time() + ttl_s))


async def test_subscribe_cache_unsubscribe_and_stale(md: Any) -> None:
    sup, layer, client, _sim = md
    prefix = sup.config.key_prefix
    stop = asyncio.Event()
    task = asyncio.create_task(sup.run(stop))
    try:
        demand(client, prefix, "spot.btcusdt.ticker", "usdm.btcusdt.markprice", "spot.btcusdt.bogus")
        await until(lambda: bool(client.get(f"{prefix}:last:spot.btcusdt.ticker")), what="ticker cached")
        await until(lambda: bool(client.get(f"{prefix}:last:usdm.btcusdt.markprice")), what="mark cached")
        cached = json.loads(client.get(f"{prefix}:last:spot.btcusdt.ticker"))
        assert cached["stream"] == "spot.btcusdt.ticker" and Decimal(cached["data"]["c"]) > 0
        assert 0 < client.ttl(f"{prefix}:last:spot.btcusdt.ticker") <= 3600
        assert layer.sent["md.usdm.btcusdt.markprice"][0]["type"] == "md.update"
        assert "spot.btcusdt.bogus" not in sup.wanted

        # silence: frames of the ticker are dropped before processing → stale within 2 x cadence
        sup.drop = lambda name, _data: name == "spot.btcusdt.ticker"
        silent_from = time.monotonic()
        await until(lambda: "spot.btcusdt.ticker" in stale_streams(client, prefix), timeout=5, what="stale")
        assert time.monotonic() - silent_from <= 2 * 1.0 * 2  # cadence 1 s; 2 x cadence x margin of a check
        sup.drop = None
        await until(lambda: "spot.btcusdt.ticker" not in stale_streams(client, prefix), what="fresh again")

        # demand withdrawn → unsubscribed on the connection (the ticker stays: the trading config watches it)
        demand(client, prefix, "spot.solusdt.miniticker")
        await until(lambda: bool(client.get(f"{prefix}:last:spot.solusdt.miniticker")), what="mini cached")
        client.zrem(f"{prefix}:demand", "spot.solusdt.miniticker")
        await until(lambda: "spot.solusdt.miniticker" not in sup.owner, what="unsubscribed")
        spot_conns = [c for c in sup.conns.values() if c.market == "spot"]
        assert all("solusdt@miniTicker" not in c.streams for c in spot_conns)
        assert "spot.btcusdt.ticker" in sup.owner
    finally:
        stop.set()
        await task


async def test_depth_gap_resync_and_disconnect_recovery(md: Any) -> None:
    sup, _layer, client, sim = md
    prefix = sup.config.key_prefix
    stop = asyncio.Event()
    task = asyncio.create_task(sup.run(stop))
    name = "spot.ethusdt.depth"
    try:
        demand(client, prefix, name, "spot.ethusdt.kline_1m")
        await until(lambda: name in sup.books.books and sup.books.books[name].synced, what="book synced")
        await until(lambda: bool(client.get(f"{prefix}:last:{name}")), what="depth cached")
        top = json.loads(client.get(f"{prefix}:last:{name}"))["data"]
        assert len(top["bids"]) == 20 and Decimal(top["bids"][0][0]) < Decimal(top["asks"][0][0])

        # lose one diff in the client → gap → resync
        dropped: list[int] = []

        def drop_one(stream: str, data: Any) -> bool:
            if stream == name and not dropped:
                dropped.append(data["u"])
                return True
            return False

        resyncs = sup.books.resyncs
        sup.drop = drop_one
        await until(lambda: sup.books.resyncs > resyncs, what="gap resync")
        sup.drop = None
        await until(lambda: sup.books.books[name].synced, what="synced again")
        assert await sup.books.verify(name) in (True, None)
        # the exchange's book (REST depth) at the same update id equals ours
        checks = [await sup.books.verify(name) for _ in range(5)]
        assert True in checks and False not in checks

        # WebSocket dropped by the exchange → reconnect, resubscribe, book resynced, cache flowing again
        sup.config = replace(sup.config, backoff=replace(sup.config.backoff, base_s=0.1, max_s=0.2))
        first_conn = set(sup.conns)
        sim.faults(ws_disconnect_every_s=1.0)
        await until(lambda: sup.health.get(name) is not None and sup.health[name].reconnects > 0, what="drop")
        sim.control("DELETE", "faults")
        await until(lambda: name in sup.owner and sup.owner[name] not in first_conn, what="reconnected")
        await until(lambda: sup.books.books[name].synced, what="book after reconnect")
        url = f"{sim.url}/api/v3/depth?symbol=ETHUSDT&limit=20"
        snap = requests.get(url, timeout=5).json()
        assert int(snap["lastUpdateId"]) > 0
    finally:
        stop.set()
        await task
