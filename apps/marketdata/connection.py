"""One market-stream WebSocket (combined form `{"stream","data"}`) with live SUBSCRIBE/UNSUBSCRIBE.

Requests carry ids and wait for their result frame; frames are paced by a token bucket under Binance's
incoming-message limit and batch up to `params_per_frame` streams. The server's pings are answered by
aiohttp (autoping). The reader hands every data frame to `on_message(conn, wire_stream, data, recv_ms)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from apps.marketdata.domain.plan import TokenBucket, batches

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)
_ids = itertools.count(1)


class StreamRequestError(RuntimeError):
    pass


class MarketConnection:
    def __init__(
        self,
        *,
        market: str,
        url: str,
        session: aiohttp.ClientSession,
        on_message: Callable[[MarketConnection, str, Any, int], Awaitable[None]],
        frames_per_s: float,
        params_per_frame: int,
        timeout_s: float,
    ) -> None:
        self.id = next(_ids)
        self.market = market
        self.url = url
        self.session = session
        self.on_message = on_message
        self.bucket = TokenBucket(rate=frames_per_s, capacity=max(1.0, frames_per_s))
        self.params_per_frame = params_per_frame
        self.timeout_s = timeout_s
        self.streams: set[str] = set()  # confirmed wire names
        self.opened_at = 0.0
        self.closed = asyncio.Event()
        self.closing = False  # closed by us (rotation, no streams left): not a failure
        self.bad_frames = 0
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()

    async def open(self) -> None:
        self._ws = await self.session.ws_connect(
            self.url, autoping=True, heartbeat=None, timeout=aiohttp.ClientWSTimeout(ws_close=5)
        )
        self.opened_at = time.monotonic()
        self._reader = asyncio.create_task(self._read(), name=f"md-conn-{self.id}")

    @property
    def age_s(self) -> float:
        return time.monotonic() - self.opened_at

    async def subscribe(self, names: list[str]) -> None:
        for batch in batches(names, self.params_per_frame):
            await self._request("SUBSCRIBE", batch)
            self.streams |= set(batch)

    async def unsubscribe(self, names: list[str]) -> None:
        for batch in batches(names, self.params_per_frame):
            self.streams -= set(batch)
            await self._request("UNSUBSCRIBE", batch)

    async def _request(self, method: str, params: list[str]) -> None:
        if self._ws is None or self._ws.closed:
            raise StreamRequestError("connection closed")
        async with self._send_lock:
            wait = self.bucket.take(time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
            req_id = next(_ids)
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._pending[req_id] = future
            await self._ws.send_str(json.dumps({"method": method, "params": params, "id": req_id}))
        try:
            reply = await asyncio.wait_for(future, timeout=self.timeout_s)
        finally:
            self._pending.pop(req_id, None)
        if "error" in reply:
            raise StreamRequestError(f"{method} refused: {reply['error']}")

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for frame in self._ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    if frame.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                        break
                    continue
                recv_ms = int(time.time() * 1000)
                try:
                    body = json.loads(frame.data)
                except ValueError:
                    self.bad_frames += 1
                    continue
                if isinstance(body, dict) and "id" in body and ("result" in body or "error" in body):
                    future = self._pending.get(body["id"])
                    if future is not None and not future.done():
                        future.set_result(body)
                elif isinstance(body, dict) and isinstance(body.get("stream"), str) and "data" in body:
                    await self.on_message(self, body["stream"], body["data"], recv_ms)
                else:
                    self.bad_frames += 1
        except Exception:
            if not self.closing:
                logger.exception("marketdata: %s connection %s reader failed", self.market, self.id)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(StreamRequestError("connection closed"))
            self.closed.set()

    async def close(self) -> None:
        self.closing = True
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self.closed.set()
