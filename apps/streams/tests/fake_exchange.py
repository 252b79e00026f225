"""A scripted stand-in for the exchange's user-data endpoints, for fast tests of the stream clients.

It speaks just enough of the protocol: the spot WS API answers `userDataStream.subscribe.signature` and
then pushes `{"subscriptionId", "event"}` frames; USD-M `/fstream/private/ws/<key>` pushes bare events.
Tests push events, drop connections and refuse subscriptions at will. The real local exchange is used by
the integration tests; this one makes the timing of a race controllable.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SUBSCRIPTION_ID = 7


@dataclass
class Connection:
    ws: web.WebSocketResponse
    path: str
    ready: asyncio.Event = field(default_factory=asyncio.Event)


class FakeExchange:
    def __init__(self) -> None:
        self.connections: list[Connection] = []
        self.refuse_next: list[dict[str, Any]] = []
        self.connected = asyncio.Condition()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/ws-api/v3", self._ws_api)
        app.router.add_get("/fstream/private/ws/{key}", self._futures)
        return app

    async def _register(self, request: web.Request) -> Connection:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = Connection(ws, request.path)
        self.connections.append(connection)
        return connection

    async def _ws_api(self, request: web.Request) -> web.WebSocketResponse:
        connection = await self._register(request)
        async for message in connection.ws:
            frame = json.loads(message.data)
            if frame.get("method") != "userDataStream.subscribe.signature":
                continue
            if self.refuse_next:
                error = self.refuse_next.pop(0)
                await connection.ws.send_json({"id": frame["id"], "status": 400, "error": error})
                continue
            await connection.ws.send_json(
                {"id": frame["id"], "status": 200, "result": {"subscriptionId": SUBSCRIPTION_ID}}
            )
            connection.ready.set()
        return connection.ws

    async def _futures(self, request: web.Request) -> web.WebSocketResponse:
        connection = await self._register(request)
        connection.ready.set()
        async for _ in connection.ws:
            pass  # push-only
        return connection.ws

    async def live(self, count: int = 1, timeout: float = 5.0) -> Connection:
        """Wait until at least `count` connections were subscribed; the latest one."""

        async def wait() -> Connection:
            while len(self.connections) < count or not self.connections[count - 1].ready.is_set():
                await asyncio.sleep(0.01)
            return self.connections[-1]

        return await asyncio.wait_for(wait(), timeout)

    async def push(self, event: dict[str, Any], *, wrap: bool = True) -> None:
        connection = self.connections[-1]
        frame = {"subscriptionId": SUBSCRIPTION_ID, "event": event} if wrap else event
        await connection.ws.send_str(json.dumps(frame))

    async def drop(self) -> None:
        await self.connections[-1].ws.close()
