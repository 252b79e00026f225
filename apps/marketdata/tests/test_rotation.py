"""Issue: proactive reconnect before the 24-hour limit without a gap (overlap, then switch).

The supervisor runs in-process against the local exchange with a maximum connection age of a few seconds
and demand for `spot.btcusdt.trade` (aggTrade ids are consecutive). After at least two rotations:

- the rotations happened (the `rotate` reconnect counter, new connections carrying the stream) and none
  of them was a failure (no `drop` reconnect, health `reconnects` stays 0);
- every aggTrade the exchange made in the covered id range (its REST `/api/v3/aggTrades?fromId=`) was
  published exactly once, in order: no gap, no duplicate across the switches;
- each old connection was closed only after its successor's SUBSCRIBE had been confirmed.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from apps.marketdata import metrics
from apps.marketdata.conf import MarketDataConfig
from apps.marketdata.connection import MarketConnection
from apps.marketdata.supervisor import MarketDataSupervisor

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STREAM = "spot.btcusdt.trade"
WIRE = "btcusdt@aggTrade"
MAX_AGE_S = 3.0
ROTATIONS = 3


class Layer:
    """A channel layer that records every message sent to a group, in order."""

    def __init__(self) -> None:
        self.sent: dict[str, list[dict[str, Any]]] = {}

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert message["type"] == "md.update"
        self.sent.setdefault(group.removeprefix("md."), []).append(message["message"])


class Journal:
    """Connection life events, recorded by wrapping `MarketConnection.subscribe` and `.close`."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str, int]] = []  # (monotonic, "subscribed" | "close", conn id)
        self.frames: dict[int, list[int]] = {}  # conn id → aggTrade ids received on it

    def first(self, kind: str, conn_id: int) -> float | None:
        return next((t for t, k, c in self.events if k == kind and c == conn_id), None)


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def rotations() -> float:
    return metrics.RECONNECTS.labels("spot", "rotate")._value.get()


def drops() -> float:
    return metrics.RECONNECTS.labels("spot", "drop")._value.get()


@pytest.fixture
def journal(monkeypatch: pytest.MonkeyPatch) -> Journal:
    record = Journal()
    subscribe, close = MarketConnection.subscribe, MarketConnection.close

    async def recording_subscribe(self: MarketConnection, names: list[str]) -> None:
        await subscribe(self, names)
        if WIRE in names:
            record.events.append((time.monotonic(), "subscribed", self.id))

    async def recording_close(self: MarketConnection) -> None:
        if WIRE in self.streams:
            record.events.append((time.monotonic(), "close", self.id))
        await close(self)

    monkeypatch.setattr(MarketConnection, "subscribe", recording_subscribe)
    monkeypatch.setattr(MarketConnection, "close", recording_close)
    return record


@pytest.fixture
def md(sim: Any, runtime_for: Any, symbols: None, redis_client: Any, journal: Journal) -> Iterator[Any]:
    rt = runtime_for(sim.url)
    key_prefix = f"test:md:{uuid.uuid4().hex[:10]}"
    config = MarketDataConfig(
        watch=(),
        key_prefix=key_prefix,
        eval_s=0.2,
        check_s=0.2,
        verify_s=3600.0,
        health_ttl_s=5.0,
        max_age_s=MAX_AGE_S,
    )
    layer = Layer()
    sup = MarketDataSupervisor(config=config, rt=rt, layer=layer)
    on_message = sup._on_message

    async def recording_on_message(conn: MarketConnection, wire: str, data: Any, recv_ms: int) -> None:
        if wire == WIRE and isinstance(data, dict) and "a" in data:
            journal.frames.setdefault(conn.id, []).append(int(data["a"]))
        await on_message(conn, wire, data, recv_ms)

    sup._on_message = recording_on_message  # type: ignore[method-assign]
    yield sup, layer, redis_client, sim
    keys = list(redis_client.scan_iter(f"{key_prefix}:*"))
    if keys:
        redis_client.delete(*keys)


def rest_agg_ids(sim: Any, first: int, last: int) -> list[int]:
    ids: list[int] = []
    from_id = first
    while from_id <= last:
        params: dict[str, str | int] = {"symbol": "BTCUSDT", "fromId": from_id, "limit": 1000}
        rows = requests.get(f"{sim.url}/api/v3/aggTrades", params=params, timeout=10).json()
        assert isinstance(rows, list) and rows, f"REST has no aggTrades from {from_id}: {rows}"
        assert int(rows[0]["a"]) == from_id, f"REST history no longer reaches back to {from_id}"
        ids += [int(r["a"]) for r in rows if int(r["a"]) <= last]
        from_id = int(rows[-1]["a"]) + 1
        if len(rows) < 1000:
            break
    return ids


async def test_rotation_overlaps_then_switches_without_gap(md: Any, journal: Journal) -> None:
    sup, layer, client, sim = md
    prefix = sup.config.key_prefix
    rotated_before, dropped_before = rotations(), drops()
    client.zadd(f"{prefix}:demand", {STREAM: time.time() + 120})
    stop = asyncio.Event()
    task = asyncio.create_task(sup.run(stop))
    try:
        await until(lambda: bool(layer.sent.get(STREAM)), timeout=15, what="first aggTrade")
        await until(
            lambda: rotations() - rotated_before >= ROTATIONS,
            timeout=MAX_AGE_S * (ROTATIONS + 1) + 10,
            what=f"{ROTATIONS} rotations",
        )
        await asyncio.sleep(1.0)  # trades after the last switch, and any late duplicate
    finally:
        stop.set()
        await task

    # rotations, not failures
    assert rotations() - rotated_before >= ROTATIONS
    assert drops() == dropped_before, "a connection failed during the test"
    assert sup.health.get(STREAM) is None or sup.health[STREAM].reconnects == 0

    # each stream-carrying connection closed by a rotation had a successor subscribed before its close
    subscribed = [(t, c) for t, kind, c in journal.events if kind == "subscribed"]
    closes = [(t, c) for t, kind, c in journal.events if kind == "close"]
    conns = [c for _, c in subscribed]
    assert len(conns) == len(set(conns)) >= ROTATIONS + 1, journal.events
    rotated_closes = [(t, c) for t, c in closes if c != conns[-1]]  # the last one's close: shutdown
    assert len(rotated_closes) >= ROTATIONS, journal.events
    for closed_at, old in rotated_closes:
        successor = conns[conns.index(old) + 1]
        new_subscribed = journal.first("subscribed", successor)
        assert new_subscribed is not None and new_subscribed < closed_at, (old, successor, journal.events)
    # every connection delivered trades of its own: the stream was really carried by each in turn
    assert all(journal.frames.get(c) for c in conns), {c: len(journal.frames.get(c, [])) for c in conns}

    # published aggTrade ids: strictly consecutive, and exactly what the exchange has for that range
    published = [int(m["data"]["a"]) for m in layer.sent[STREAM]]
    assert all(m["stream"] == STREAM for m in layer.sent[STREAM])
    dups = len(published) - len(set(published))
    assert dups == 0, f"{dups} duplicate aggTrades published"
    assert published == sorted(published), "aggTrades published out of order"
    holes = [(a, b) for a, b in itertools.pairwise(published) if b != a + 1]
    assert not holes, f"aggTrade id gaps: {holes}"
    # the covered range spans every switch: from before the first successor to the last connection's end
    assert published[0] < min(journal.frames[conns[1]]), (published[0], journal.frames[conns[1]][:3])
    assert published[-1] == max(journal.frames[conns[-1]])
    # overlap, then switch: each old connection still delivered trades its successor also delivered
    overlap = [len(set(journal.frames[a]) & set(journal.frames[b])) for a, b in itertools.pairwise(conns)]
    assert all(overlap), f"aggTrade ids received on both sides of each switch: {overlap}"
    print(f"aggTrades published {len(published)}, ids received on both sides of each switch {overlap}")
    expected = await asyncio.to_thread(rest_agg_ids, sim, published[0], published[-1])
    assert published == expected, f"published {len(published)} vs exchange {len(expected)} aggTrades"
