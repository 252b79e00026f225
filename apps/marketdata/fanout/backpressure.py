"""Is the server still holding unsent data for this client? (A client that does not read fills it.)

daphne's ASGI `send` never waits: Twisted accepts every frame and buffers it, so a slow client would grow
the buffer without limit and the consumer would never notice. The probe reads how much the connection's
transport still holds (daphne passes `functools.partial(server.handle_reply, protocol)` as `send`), and,
for servers that queue frames (Channels' test communicator), the queue's length. With neither, the probe
says "not congested" and only the send timeout protects the process.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    Send = Callable[[dict[str, Any]], Awaitable[None]]


def innermost_send(send: Send) -> Send:
    """The server's own `send` under Channels' session wrapper (which only matters for HTTP cookies)."""
    for _ in range(8):
        inner = getattr(getattr(send, "__self__", None), "real_send", None)
        if inner is None:
            break
        send = inner
    return send


def _buffered_bytes(transport: Any) -> int:
    # twisted.internet.abstract.FileDescriptor: the unsent part of dataBuffer plus the not yet joined chunks.
    return len(transport.dataBuffer) - int(transport.offset) + int(transport._tempDataLen)


def congestion_probe(send: Send, *, high_water_bytes: int, high_water_frames: int) -> Callable[[], bool]:
    send = innermost_send(send)
    if isinstance(send, functools.partial) and send.args:
        transport = getattr(send.args[0], "transport", None)
        if transport is not None and all(
            hasattr(transport, a) for a in ("dataBuffer", "offset", "_tempDataLen")
        ):
            return lambda: _buffered_bytes(transport) > high_water_bytes
    queue = getattr(send, "__self__", None)
    if isinstance(queue, asyncio.Queue):
        return lambda: queue.qsize() > high_water_frames
    return lambda: False
