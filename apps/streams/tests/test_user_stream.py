"""The stream clients against a scripted exchange: buffering during the resync, reconnects, renewals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from apps.exchange.domain.backoff import BackoffPolicy
from apps.exchange.domain.errors import RejectedError
from apps.streams.clients.futures import FuturesUserStream
from apps.streams.clients.spot import SpotUserStream
from apps.streams.conf import StreamsConfig
from apps.streams.domain.events import SpotBalanceUpdate
from apps.streams.domain.health import StreamHealth
from apps.streams.tests.fake_exchange import FakeExchange

CONFIG = StreamsConfig(
    keepalive_s=0.1,
    backoff=BackoffPolicy(base_s=0.01, factor=2.0, max_s=0.05, max_attempts=1_000_000),
    ping_s=5.0,
    connect_timeout_s=5.0,
)


def balance(n: int) -> dict[str, Any]:
    return {"e": "balanceUpdate", "E": n, "a": "BTC", "d": "0.1", "T": n}


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), timeout)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeExchange, TestServer]]:
    exchange = FakeExchange()
    server = TestServer(exchange.app())
    await server.start_server()
    yield exchange, server
    await server.close()


class Recorder:
    """Resync and apply stand-ins that log what happened, in order."""

    def __init__(self) -> None:
        self.log: list[Any] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.fail_on: set[int] = set()

    async def resync(self) -> None:
        self.log.append("resync")
        await self.hold.wait()

    async def apply(self, event: Any, raw: Any) -> None:
        if isinstance(event, SpotBalanceUpdate) and event.event_time_ms in self.fail_on:
            self.fail_on.discard(event.event_time_ms)
            raise RuntimeError("handler broke")
        self.log.append(raw.get("E", raw.get("e")))


async def signer() -> dict[str, Any]:
    return {"apiKey": "k", "timestamp": 1, "signature": "s"}


def spot_stream(server: TestServer, recorder: Recorder) -> SpotUserStream:
    return SpotUserStream(
        url=str(server.make_url("/ws-api/v3")),
        signer=signer,
        health=StreamHealth(name="spot", market="SPOT"),
        config=CONFIG,
        apply=recorder.apply,
        resync=recorder.resync,
    )


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    # Bounded: a stream that ignores cancellation must fail here, not hang the run.
    done, _ = await asyncio.wait({task}, timeout=10)
    assert done, "the stream did not stop when cancelled"
    with pytest.raises(asyncio.CancelledError):
        task.result()


async def test_events_received_during_the_resync_are_applied_after_it_in_order(fake: Any) -> None:
    exchange, server = fake
    recorder = Recorder()
    recorder.hold.clear()
    stream = spot_stream(server, recorder)
    task = asyncio.create_task(stream.run())
    try:
        await exchange.live()
        await until(lambda: recorder.log == ["resync"])
        for n in (1, 2, 3):
            await exchange.push(balance(n))
        await until(lambda: stream.health.last_event_ms is not None)
        await asyncio.sleep(0.1)
        assert recorder.log == ["resync"]  # nothing applied while the resync runs
        assert stream.health.state == "resyncing" and stream.health.connected
        recorder.hold.set()
        await until(lambda: len(recorder.log) == 4)
        assert recorder.log == ["resync", 1, 2, 3]
        assert stream.health.state == "live" and stream.health.events == 3
    finally:
        await stop(task)


async def test_a_dropped_connection_reconnects_and_resyncs_before_new_events(fake: Any) -> None:
    exchange, server = fake
    recorder = Recorder()
    stream = spot_stream(server, recorder)
    task = asyncio.create_task(stream.run())
    try:
        await exchange.live()
        await exchange.push(balance(1))
        await until(lambda: 1 in recorder.log)
        await exchange.drop()
        await exchange.live(count=2)
        await exchange.push(balance(2))
        await until(lambda: 2 in recorder.log)
        assert recorder.log == ["resync", 1, "resync", 2]
        assert stream.health.reconnects == 1 and stream.health.resyncs == 2 and stream.health.connected
        assert "closed by the exchange" in stream.health.last_error
    finally:
        await stop(task)


async def test_a_failing_handler_or_a_malformed_event_is_covered_by_a_resync(fake: Any) -> None:
    exchange, server = fake
    recorder = Recorder()
    recorder.fail_on = {1}
    stream = spot_stream(server, recorder)
    task = asyncio.create_task(stream.run())
    try:
        await exchange.live()
        await exchange.push(balance(1))
        await exchange.push({"e": "executionReport", "E": 5})  # malformed: no fields
        await exchange.push(balance(2))
        await until(lambda: 2 in recorder.log)
        assert recorder.log == ["resync", "resync", "resync", 2]
        assert "handler broke" in stream.health.last_error
    finally:
        await stop(task)


async def test_a_refused_subscription_is_retried_with_backoff(fake: Any) -> None:
    exchange, server = fake
    exchange.refuse_next = [{"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}]
    recorder = Recorder()
    stream = spot_stream(server, recorder)
    task = asyncio.create_task(stream.run())
    try:
        await exchange.live(count=2)
        await until(lambda: recorder.log == ["resync"])
        assert stream.health.reconnects == 1
        assert "-2015" in stream.health.last_error
    finally:
        await stop(task)


class FakeKeys:
    """listenKey REST stand-in: a new key after an expiry, -1125 on keepalive when told."""

    def __init__(self) -> None:
        self.issued: list[str] = []
        self.keepalives: list[str] = []
        self.expired = False

    async def futures_listen_key_start(self) -> str:
        if not self.issued or self.expired:
            self.issued.append(f"key{len(self.issued) + 1}")
            self.expired = False
        return self.issued[-1]

    async def futures_listen_key_keepalive(self, listen_key: str) -> None:
        self.keepalives.append(listen_key)
        if self.expired:
            raise RejectedError("This listenKey does not exist.", code=-1125)


def futures_stream(
    server: TestServer, recorder: Recorder, keys: FakeKeys, **config: Any
) -> FuturesUserStream:
    return FuturesUserStream(
        fstream_url=str(server.make_url("/fstream/")),
        keys=keys,
        health=StreamHealth(name="futures", market="USDM"),
        config=StreamsConfig(**{**CONFIG.__dict__, **config}),
        apply=recorder.apply,
        resync=recorder.resync,
    )


async def test_listen_key_expired_renews_the_key_and_reconnects(fake: Any) -> None:
    exchange, server = fake
    recorder, keys = Recorder(), FakeKeys()
    stream = futures_stream(server, recorder, keys, keepalive_s=60.0)
    task = asyncio.create_task(stream.run())
    try:
        first = await exchange.live()
        assert first.path.endswith("/private/ws/key1")
        keys.expired = True
        await exchange.push({"e": "listenKeyExpired", "E": "1", "listenKey": "key1"}, wrap=False)
        second = await exchange.live(count=2)
        assert second.path.endswith("/private/ws/key2")
        await exchange.push(balance(9), wrap=False)
        await until(lambda: 9 in recorder.log)
        assert stream.health.listen_key_renewals == 1 and recorder.log == ["resync", "resync", 9]
    finally:
        await stop(task)


async def test_a_keepalive_answered_1125_renews_the_key(fake: Any) -> None:
    exchange, server = fake
    recorder, keys = Recorder(), FakeKeys()
    stream = futures_stream(server, recorder, keys, keepalive_s=0.05)
    task = asyncio.create_task(stream.run())
    try:
        await exchange.live()
        await until(lambda: len(keys.keepalives) >= 2)  # regular keepalives of key1
        keys.expired = True
        second = await exchange.live(count=2)
        assert second.path.endswith("/private/ws/key2")
        assert stream.health.listen_key_renewals == 1
    finally:
        await stop(task)
