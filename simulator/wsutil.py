"""Shared WebSocket plumbing: server pings, 24-hour lifetime, incoming message rate, fault disconnects.

Used by market streams, the spot WebSocket API and futures user streams so they all age, throttle and
fail the same way Binance's do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import WSCloseCode, WSMsgType, web

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from simulator.exchange import Exchange

log = logging.getLogger(__name__)
Market = Literal["spot", "futures"]
QUEUE_LIMIT = 10_000
POLICY_VIOLATION = WSCloseCode.POLICY_VIOLATION  # 1008, what Binance sends on rate-limit breaches


class WsSession:
    """One accepted WebSocket with a bounded send queue and the Binance connection rules applied."""

    def __init__(self, ws: web.WebSocketResponse, exchange: Exchange, market: Market) -> None:
        self.ws = ws
        self.exchange = exchange
        self.market = market
        self.combined = False
        self.info: dict[str, Any] = {}
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._msg_window = 0
        self._msg_count = 0
        self.last_pong = time.monotonic()
        self.closed = False
        self.close_code: int = WSCloseCode.OK
        self.close_reason = ""

    # -- sending -------------------------------------------------------------------------------------
    def send_text(self, text: str) -> None:
        if self.closed:
            return
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            # Binance drops consumers that cannot keep up instead of buffering without bound.
            self.close(WSCloseCode.POLICY_VIOLATION, "Message queue overflow")

    def send_json(self, payload: Any) -> None:
        from simulator.streams.hub import dumps

        self.send_text(dumps(payload))

    def close(self, code: int = WSCloseCode.OK, reason: str = "") -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self.close_reason = reason
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)

    async def _writer(self) -> None:
        while True:
            text = await self._queue.get()
            if text is None:
                break
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                break
        await self.ws.close(code=self.close_code, message=self.close_reason.encode())

    # -- incoming rate -------------------------------------------------------------------------------
    def count_incoming(self) -> bool:
        """Count one incoming frame; False (and close 1008) when over the per-second limit."""
        cfg = self.exchange.config.ws
        limit = cfg.spot_msgs_per_s if self.market == "spot" else cfg.futures_msgs_per_s
        second = int(time.monotonic())
        if second != self._msg_window:
            self._msg_window = second
            self._msg_count = 0
        self._msg_count += 1
        if self._msg_count > limit:
            self.close(POLICY_VIOLATION, "Too many requests")
            return False
        return True


async def _pinger(session: WsSession) -> None:
    cfg = session.exchange.config.ws
    interval = cfg.spot_ping_interval_s if session.market == "spot" else cfg.futures_ping_interval_s
    timeout = cfg.spot_pong_timeout_s if session.market == "spot" else cfg.futures_pong_timeout_s
    while not session.closed:
        await asyncio.sleep(interval)
        if time.monotonic() - session.last_pong > timeout + interval:
            session.close(WSCloseCode.POLICY_VIOLATION, "Pong timeout")
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            await session.ws.ping(str(int(time.time() * 1000)).encode())


async def _lifetime(session: WsSession) -> None:
    started = time.monotonic()
    max_life = session.exchange.config.ws.max_lifetime_s
    while not session.closed:
        age = time.monotonic() - started
        if age >= max_life:
            session.close(WSCloseCode.GOING_AWAY, "Connection lifetime exceeded")
            return
        # Read the fault setting each round: it can be switched on while the connection is open.
        every = session.exchange.faults.ws_disconnect_every_s
        if every and age >= every:
            session.close(WSCloseCode.GOING_AWAY, "Fault injected disconnect")
            return
        deadlines = [max_life - age] + ([every - age] if every else [])
        await asyncio.sleep(max(0.01, min(*deadlines, 0.5)))


async def _read_loop(
    session: WsSession, writer: asyncio.Task[None], on_text: Callable[[WsSession, str], Awaitable[None]]
) -> None:
    ws = session.ws
    while not session.closed:
        receive = asyncio.ensure_future(ws.receive())
        done, _ = await asyncio.wait({receive, writer}, return_when=asyncio.FIRST_COMPLETED)
        if receive not in done:
            # The writer ended (session closed or socket broken) while we were waiting for input.
            receive.cancel()
            return
        msg = receive.result()
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            return
        if not session.count_incoming():
            return
        if msg.type == WSMsgType.PING:
            await ws.pong(msg.data)
        elif msg.type == WSMsgType.PONG:
            session.last_pong = time.monotonic()
        elif msg.type == WSMsgType.TEXT:
            await on_text(session, msg.data)
        else:
            session.close(WSCloseCode.UNSUPPORTED_DATA, "Binary frames are not supported")


async def serve_ws(
    request: web.Request,
    exchange: Exchange,
    market: Market,
    on_text: Callable[[WsSession, str], Awaitable[None]],
    *,
    on_open: Callable[[WsSession], Awaitable[None] | None] | None = None,
    on_close: Callable[[WsSession], None] | None = None,
    session_cls: type[WsSession] = WsSession,
) -> web.WebSocketResponse:
    """Accept a WebSocket and run it under Binance's connection rules until either side closes.

    `session_cls` lets a caller change per-session rules (the WebSocket API overrides `count_incoming`).
    """
    ws = web.WebSocketResponse(autoping=False, max_msg_size=1 << 20)
    await ws.prepare(request)
    session = session_cls(ws, exchange, market)
    exchange.ws_sessions.add(session)
    tasks = [
        asyncio.create_task(session._writer()),
        asyncio.create_task(_pinger(session)),
        asyncio.create_task(_lifetime(session)),
    ]
    try:
        if on_open is not None:
            result = on_open(session)
            if result is not None:
                await result
        await _read_loop(session, tasks[0], on_text)
    finally:
        session.close(session.close_code, session.close_reason)
        if on_close is not None:
            on_close(session)
        exchange.ws_sessions.discard(session)
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(tasks[0], timeout=2)
        for task in tasks[1:]:
            task.cancel()
        if not ws.closed:
            await ws.close()
    return ws


# Public names for callers that run their own read loop (the spot WebSocket API).
pinger = _pinger
lifetime = _lifetime
