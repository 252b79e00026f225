"""`/ws/market/`: live market data for any role-holding user, with a snapshot first and per-client conflation.

Client → server: `{"action": "subscribe"|"unsubscribe", "streams": [...]}`, `{"action": "list"}`.
Server → client: `hello`, `snapshot` (the cached latest message or null, before any update of that
stream), `update`, `unsubscribed`, `list`, `error` (never closes the socket). Authentication as on
`/ws/account/`: 4401 anonymous, 4403 without a role (re-checked on every client message and every
`demand_refresh_s`). A client that cannot keep up is closed with 4408; the others are not slowed.
How updates reach the socket: apps/marketdata/fanout/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from apps.marketdata.fanout import metrics, store
from apps.marketdata.fanout.backpressure import congestion_probe, innermost_send
from apps.marketdata.fanout.conf import fanout_config
from apps.marketdata.fanout.hub import hub_for_loop, snapshot_frame
from apps.marketdata.fanout.names import InvalidStream, parse_stream
from apps.marketdata.fanout.outbox import Outbox
from apps.marketdata.fanout.symbols import known_symbols_async
from apps.monitoring.metrics.definitions import WS_CLIENTS
from apps.users.roles import user_roles

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.marketdata.fanout.backpressure import Send
    from apps.marketdata.fanout.hub import Hub

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408  # mirrors HTTP 408: the client did not take its data in time


@database_sync_to_async
def _roles(user: Any) -> list[str]:
    user.refresh_from_db(fields=["is_active"])
    return list(user_roles(user))


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"))


class MarketConsumer(AsyncWebsocketConsumer):
    hub: Hub | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:  # also when the server cancels the connection's task: leave the hub and its groups
            await self._teardown()

    async def connect(self) -> None:
        if not await self._allowed():
            return
        self.config = fanout_config()
        self.outbox = Outbox(max_pending=self.config.max_pending)
        self.streams: set[str] = set()
        self.raw_send: Send = innermost_send(self.base_send)
        self.congested: Callable[[], bool] = congestion_probe(
            self.base_send,
            high_water_bytes=self.config.high_water_bytes,
            high_water_frames=self.config.high_water_frames,
        )
        await self.accept()
        self.hub = hub_for_loop(
            demand_ttl_s=self.config.demand_ttl_s, demand_refresh_s=self.config.demand_refresh_s
        )
        self.hub.attach()
        metrics.CLIENTS.inc()
        WS_CLIENTS.labels("/ws/market/").inc()
        self.tasks = [
            asyncio.create_task(self._sender(), name="marketdata-ws-send"),
            asyncio.create_task(self._watch_roles(), name="marketdata-ws-roles"),
        ]
        await self.send(_dumps({"type": "hello", "max_streams": self.config.max_streams}))

    async def disconnect(self, code: int) -> None:
        await self._teardown()

    async def _teardown(self) -> None:
        hub, self.hub = self.hub, None
        if hub is None:
            return
        metrics.CLIENTS.dec()
        WS_CLIENTS.labels("/ws/market/").dec()
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()
        for stream in self.streams:
            await hub.remove(stream, self.outbox)
        self.streams.clear()
        await hub.detach()

    async def _allowed(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return False
        if not await _roles(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return False
        return True

    # ---------------------------------------------------------------- client messages

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.hub is None or not await self._allowed():
            return
        try:
            content = json.loads(text_data or bytes_data or b"")
        except ValueError:
            content = None
        if isinstance(content, dict) and content.get("type") == "ping":
            # The dashboard's heartbeat: a silent socket is declared dead and reopened.
            await self.send(_dumps({"type": "pong"}))
            return
        action = content.get("action") if isinstance(content, dict) else None
        if action == "list":
            await self._send_list()
            return
        streams = content.get("streams") if isinstance(content, dict) else None
        if action not in ("subscribe", "unsubscribe") or not isinstance(streams, list):
            await self._error(
                "invalid_request",
                'send {"action": "subscribe"|"unsubscribe", "streams": [...]} or {"action": "list"}',
            )
            return
        if not all(isinstance(s, str) for s in streams):
            await self._error("invalid_stream", "a stream name is a string")
        names = list(dict.fromkeys(s for s in streams if isinstance(s, str)))
        if action == "subscribe":
            await self._subscribe(names)
        else:
            await self._unsubscribe(names)

    async def _error(self, code: str, message: str, stream: str | None = None) -> None:
        await self.send(_dumps({"type": "error", "code": code, "message": message, "stream": stream}))

    async def _send_list(self) -> None:
        await self.send(
            _dumps(
                {
                    "type": "list",
                    "streams": sorted(self.streams),
                    "max_streams": self.config.max_streams,
                    "dropped": self.outbox.dropped,
                }
            )
        )

    async def _valid(self, names: list[str]) -> list[str]:
        accepted: list[str] = []
        known = await known_symbols_async(ttl_s=self.config.symbols_ttl_s)
        for name in names:
            try:
                parsed = parse_stream(name)
            except InvalidStream as error:
                await self._error(error.code, error.message, name)
                continue
            if (parsed.market, parsed.symbol) not in known:
                await self._error(
                    "unknown_symbol", f"{parsed.symbol.upper()} is not a listed {parsed.market} symbol", name
                )
            elif name in self.streams:
                continue  # already subscribed: its updates keep coming, no second snapshot
            elif len(self.streams) + len(accepted) >= self.config.max_streams:
                await self._error(
                    "too_many_streams", f"at most {self.config.max_streams} streams per connection", name
                )
            else:
                accepted.append(name)
        return accepted

    async def _subscribe(self, names: list[str]) -> None:
        accepted = await self._valid(names)
        hub = self.hub
        if not accepted or hub is None:
            return
        for name in accepted:
            self.streams.add(name)
            self.outbox.hold(name)  # updates that beat the snapshot wait behind it
        await asyncio.gather(*(hub.add(name, self.outbox) for name in accepted))
        raw = await asyncio.to_thread(store.subscribe, accepted, ttl_s=self.config.demand_ttl_s)
        for name, value in zip(accepted, raw, strict=True):
            if name in self.streams:  # not unsubscribed meanwhile
                self.outbox.put_snapshot(snapshot_frame(name, value))

    async def _unsubscribe(self, names: list[str]) -> None:
        removed = [name for name in names if name in self.streams]
        for name in removed:
            self.streams.discard(name)
            self.outbox.forget(name)
            if self.hub is not None:
                await self.hub.remove(name, self.outbox)
        await self.send(_dumps({"type": "unsubscribed", "streams": removed}))

    # ---------------------------------------------------------------- to the client

    async def _sender(self) -> None:
        reason = await self._pump()
        metrics.SLOW_CLOSED.labels(reason).inc()
        await self._teardown()
        with contextlib.suppress(Exception):
            await self.close(code=CLOSE_TOO_SLOW)

    async def _pump(self) -> str:
        """Send what the outbox holds while the client takes it; return why it had to stop."""
        outbox, timeout, reported = self.outbox, self.config.send_timeout_s, 0
        while True:
            await outbox.wait()
            if outbox.overflowed:
                return "pending"
            if self.congested() and not await self._decongested(timeout):
                return "congested"
            frames = outbox.drain()
            now_ms = time.time() * 1000
            for frame in frames:
                try:
                    await asyncio.wait_for(
                        self.raw_send({"type": "websocket.send", "text": frame.text}), timeout
                    )
                except TimeoutError:
                    return "timeout"
                if frame.event_ms is not None:
                    metrics.LAG.observe(max(0.0, now_ms - frame.event_ms) / 1000)
            snapshots = sum(1 for f in frames if f.text.startswith('{"type":"snapshot"'))
            metrics.SENT_SNAPSHOT.inc(snapshots)
            metrics.SENT_UPDATE.inc(len(frames) - snapshots)
            if outbox.dropped != reported:
                metrics.CONFLATED.inc(outbox.dropped - reported)
                reported = outbox.dropped

    async def _decongested(self, timeout: float) -> bool:
        # Meanwhile updates keep conflating in the outbox; closed candles queue (up to max_pending).
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            if self.outbox.overflowed:
                return False
            if not self.congested():
                return True
        return False

    async def _watch_roles(self) -> None:
        while True:
            await asyncio.sleep(self.config.demand_refresh_s)
            if not await self._allowed():
                await self._teardown()
                return
