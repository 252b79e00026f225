"""One user-data stream's life: connect → resync → apply, and reconnect with backoff, until cancelled.

Per connection:
1. `open()` connects and subscribes (subclasses: spot over the WS API, USD-M by listenKey).
2. A reader task starts at once and puts every event into the connection's queue, which is the buffer.
3. The REST resync runs (in a worker thread) while the reader keeps buffering, so nothing that happens
   during the resync is lost and nothing of this connection is applied before it.
4. The queue is applied in arrival order, one event at a time, each in a worker thread. A handler that
   fails is logged and followed by another resync, which covers whatever that event carried.
When the connection ends (closed, error, listenKeyExpired) the events already received are applied, the
stream is marked down, and it waits `backoff.delay(attempt)` (exponential, full jitter) before the next
connection; a connection that lived `stable_after_s` resets the attempts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import aiohttp

from apps.exchange.gateway.pipeline import off_loop
from apps.monitoring.metrics.definitions import (
    STREAM_APPLY_ERRORS,
    STREAM_MESSAGES,
    STREAM_RECONNECTS,
    observe_lag,
)
from apps.streams.domain.events import CONTROL_EVENTS
from apps.streams.domain.parse import EventFormatError, parse_event

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Mapping

    from apps.streams.conf import StreamsConfig
    from apps.streams.domain.events import UserEvent
    from apps.streams.domain.health import StreamHealth

logger = logging.getLogger(__name__)


class StreamClosed(Exception):
    """The exchange closed the connection (or it broke)."""


class BufferOverflow(Exception):
    """More events waited than `buffer_max`: drop the connection; the next resync covers them."""


@dataclass(frozen=True)
class Received:
    event: UserEvent
    raw: dict[str, Any]


# A malformed event puts this in the queue instead: the apply loop resyncs in its place.
_RESYNC = object()


def now_ms() -> int:
    return int(time.time() * 1000)


async def apply_in_thread(event: UserEvent, raw: Mapping[str, Any]) -> None:
    from apps.streams.dispatch import dispatch

    await asyncio.to_thread(off_loop, dispatch, event, raw)


def resync_in_thread(market: str) -> Callable[[], Awaitable[Any]]:
    async def run() -> Any:
        from apps.streams.resync import resync

        return await asyncio.to_thread(off_loop, resync, market)

    return run


class UserStream:
    """Subclasses implement `open` (connect + subscribe) and `frame_event`, optionally `session_tasks`."""

    def __init__(
        self,
        *,
        health: StreamHealth,
        config: StreamsConfig,
        apply: Callable[[UserEvent, Mapping[str, Any]], Awaitable[None]] = apply_in_thread,
        resync: Callable[[], Awaitable[Any]] | None = None,
        on_change: Callable[[], Awaitable[None]] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.health = health
        self.config = config
        self.apply = apply
        self.resync = resync or resync_in_thread(health.market)
        self.on_change = on_change
        self.rng = rng or random.Random()

    # ------------------------------------------------------------------ hooks
    async def open(self, session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        raise NotImplementedError

    def frame_event(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        """The event a frame carries; None for frames that are not events (request answers)."""
        raise NotImplementedError

    def session_tasks(self, ws: aiohttp.ClientWebSocketResponse) -> list[Coroutine[Any, Any, None]]:
        """Work that lives as long as one connection (the listenKey keepalive)."""
        return []

    async def on_control(self, event: UserEvent) -> None:
        """A control event ends the connection; subclasses note why."""

    # ------------------------------------------------------------------ life
    async def _changed(self) -> None:
        if self.on_change is not None:
            try:
                await self.on_change()
            except Exception:  # health reporting must never take the stream down
                logger.exception("%s stream: health update failed", self.health.name)

    async def run(self) -> None:
        attempt = 0
        async with aiohttp.ClientSession() as session:
            while True:
                started = time.monotonic()
                self.health.state = "connecting"
                await self._changed()
                try:
                    await self._connection(session)
                    error = "connection ended"
                except Exception as exc:  # cancellation (BaseException) ends the stream instead
                    error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    logger.warning("%s user stream: %s", self.health.name, error)
                self.health.mark_down(now_ms(), error)
                STREAM_RECONNECTS.labels(self.health.name).inc()
                attempt = 1 if time.monotonic() - started >= self.config.stable_after_s else attempt + 1
                self.health.state = "backoff"
                self.health.reconnects += 1
                await self._changed()
                await asyncio.sleep(self.config.backoff.delay(attempt, self.rng))

    async def _connection(self, session: aiohttp.ClientSession) -> None:
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that arrives as the
        # connection opens, and a stop (SIGTERM, key rotation) would then be lost for good.
        async with asyncio.timeout(self.config.connect_timeout_s):
            ws = await self.open(session)
        queue: asyncio.Queue[Any] = asyncio.Queue()
        reader = asyncio.create_task(self._read(ws, queue))
        extras = [asyncio.create_task(c) for c in self.session_tasks(ws)]
        try:
            self.health.mark_connected(now_ms())
            self.health.state = "resyncing"
            await self._changed()
            await self._resync(queue)
            self.health.state = "live"
            await self._changed()
            await self._apply_loop(queue, reader)
        finally:
            for task in (reader, *extras):
                task.cancel()
            await asyncio.gather(reader, *extras, return_exceptions=True)
            await ws.close()

    async def _resync(self, queue: asyncio.Queue[Any]) -> None:
        self.health.buffered = queue.qsize()
        await self.resync()
        self.health.resyncs += 1
        logger.info("%s user stream: resynced (%d events buffered)", self.health.name, queue.qsize())

    async def _read(self, ws: aiohttp.ClientWebSocketResponse, queue: asyncio.Queue[Any]) -> None:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self._enqueue(json.loads(message.data, parse_float=Decimal), queue)
            elif message.type == aiohttp.WSMsgType.ERROR:
                raise StreamClosed(f"connection error: {ws.exception()}")
        raise StreamClosed(f"closed by the exchange (code {ws.close_code})")

    def _enqueue(self, frame: dict[str, Any], queue: asyncio.Queue[Any]) -> None:
        raw = self.frame_event(frame)
        if raw is None:
            return
        self.health.last_event_ms = now_ms()
        if queue.qsize() >= self.config.buffer_max:
            raise BufferOverflow(f"more than {self.config.buffer_max} events waiting")
        try:
            event = parse_event(raw)
            STREAM_MESSAGES.labels(self.health.name, type(event).__name__).inc()
            queue.put_nowait(Received(event, raw))
        except EventFormatError as exc:
            logger.error(
                "%s user stream: malformed %s event (%s); resyncing", self.health.name, raw.get("e"), exc
            )
            queue.put_nowait(_RESYNC)

    async def _next(self, queue: asyncio.Queue[Any], reader: asyncio.Task[None]) -> Any:
        """The next buffered item; raises the reader's end once the buffer is empty and the reader is done."""
        while True:
            if reader.done():
                if queue.empty():
                    reader.result()
                    raise StreamClosed("connection ended")
                return queue.get_nowait()
            getter = asyncio.ensure_future(queue.get())
            try:
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not getter.done():
                    getter.cancel()
            if getter in done:
                return getter.result()

    async def _apply_loop(self, queue: asyncio.Queue[Any], reader: asyncio.Task[None]) -> None:
        while True:
            item = await self._next(queue, reader)
            self.health.buffered = queue.qsize()
            if item is _RESYNC:
                await self._resync(queue)
                continue
            if isinstance(item.event, CONTROL_EVENTS):
                await self.on_control(item.event)
                logger.info("%s user stream: %s; reconnecting", self.health.name, type(item.event).__name__)
                return
            try:
                await self.apply(item.event, item.raw)
                self.health.events += 1
                observe_lag(self.health.name, item.raw, now_ms())
            except Exception as exc:
                logger.exception(
                    "%s user stream: applying %s failed; resyncing", self.health.name, item.raw.get("e")
                )
                STREAM_APPLY_ERRORS.labels(self.health.name).inc()
                self.health.last_error = f"{item.raw.get('e')}: {type(exc).__name__}: {exc}"[:300]
                self.health.last_error_ms = now_ms()
                await self._resync(queue)
