"""One subscriber of the channel layer per process and event loop, fanning updates out in memory.

The ingestion side sends each message once to the group `md.<stream>`. If every socket joined that group
itself, channels-redis would store and deliver one copy per client; instead the hub joins each group
once, for all local clients, serializes each update to the client frame once, and puts the same frame in
the outbox of every local subscriber. It also keeps the demand set fresh for every stream it serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer

from apps.marketdata.fanout import metrics, store
from apps.marketdata.fanout.names import group_name
from apps.marketdata.fanout.outbox import Frame, event_ms, is_closed_kline

if TYPE_CHECKING:
    from apps.marketdata.fanout.outbox import Outbox

logger = logging.getLogger(__name__)

UPDATE_TYPE = "md.update"


def update_frame(stream: str, message: Any) -> Frame:
    text = json.dumps({"type": "update", "stream": stream, "message": message}, separators=(",", ":"))
    return Frame(stream, text, event_ms(message), is_closed_kline(message) and "kline_" in stream)


def snapshot_frame(stream: str, raw: bytes | None) -> Frame:
    message: Any = None
    if raw is not None:
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("md:last:%s is not JSON; sending a null snapshot", stream)
    text = json.dumps({"type": "snapshot", "stream": stream, "message": message}, separators=(",", ":"))
    return Frame(stream, text, event_ms(message))


class Hub:
    def __init__(self, layer: Any, *, demand_ttl_s: float, demand_refresh_s: float) -> None:
        self.layer = layer
        self.demand_ttl_s = demand_ttl_s
        self.demand_refresh_s = demand_refresh_s
        self.subscribers: dict[str, set[Outbox]] = {}
        self.clients = 0
        self.channel: str | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._joins: dict[str, asyncio.Future[None]] = {}

    async def _ensure_started(self) -> str:
        async with self._lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self._tasks = [
                    asyncio.create_task(self._read(self.channel), name="marketdata-hub-read"),
                    asyncio.create_task(self._refresh(), name="marketdata-hub-demand"),
                ]
            return self.channel

    async def add(self, stream: str, outbox: Outbox) -> None:
        members = self.subscribers.setdefault(stream, set())
        members.add(outbox)
        joining = self._joins.get(stream)
        if joining is None:
            joining = self._joins[stream] = asyncio.ensure_future(self._join(stream))
        # Every subscriber waits for the join: its snapshot is read only once updates are flowing.
        await asyncio.shield(joining)

    async def _join(self, stream: str) -> None:
        await self.layer.group_add(group_name(stream), await self._ensure_started())

    async def remove(self, stream: str, outbox: Outbox) -> None:
        members = self.subscribers.get(stream)
        if members is None:
            return
        members.discard(outbox)
        if not members:
            del self.subscribers[stream]
            self._joins.pop(stream, None)
            if self.channel is not None:
                await self.layer.group_discard(group_name(stream), self.channel)

    def dispatch(self, message: dict[str, Any]) -> None:
        body = message.get("message")
        stream = body.get("stream") if isinstance(body, dict) else None
        members = self.subscribers.get(stream) if isinstance(stream, str) else None
        if not members:
            return
        frame = update_frame(stream, body)  # type: ignore[arg-type]  # a str once members were found
        for outbox in members:
            outbox.put(frame)

    async def _read(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a Redis blip must not end the fan-out of this process
                logger.exception("market data hub could not receive; retrying")
                await asyncio.sleep(1)
                continue
            if message.get("type") == UPDATE_TYPE:
                metrics.UPDATES_IN.inc()
                self.dispatch(message)

    async def _refresh(self) -> None:
        # Demand expires unless renewed; group membership in channels-redis expires too (group_expiry).
        while True:
            await asyncio.sleep(self.demand_refresh_s)
            streams = list(self.subscribers)
            try:
                await asyncio.to_thread(store.demand_touch, streams, ttl_s=self.demand_ttl_s)
                if self.channel is not None:
                    for stream in streams:
                        await self.layer.group_add(group_name(stream), self.channel)
            except Exception:
                logger.exception("market data demand could not be refreshed")

    def attach(self) -> None:
        self.clients += 1

    async def detach(self) -> None:
        self.clients -= 1
        if self.clients > 0:
            return
        _hubs.pop(asyncio.get_running_loop(), None)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.channel is not None:
            for stream in list(self.subscribers):
                await self.layer.group_discard(group_name(stream), self.channel)
        self.subscribers.clear()


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub_for_loop(*, demand_ttl_s: float, demand_refresh_s: float) -> Hub:
    """The running loop's hub (daphne runs one loop per process; each test runs its own)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for old in [k for k in _hubs if k.is_closed()]:
            del _hubs[old]
        hub = _hubs[loop] = Hub(
            get_channel_layer(), demand_ttl_s=demand_ttl_s, demand_refresh_s=demand_refresh_s
        )
    return hub
