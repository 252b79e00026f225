"""One client's pending frames, conflated: the latest value of each stream, closed candles in order.

A fast client finds at most one frame per stream here and gets every update. A client whose socket is
congested is simply not drained; meanwhile a new update of a stream replaces the pending one (counted in
`dropped`), so when it catches up it gets the latest value of each stream instead of a backlog. Closed
candles are the exception: each is queued in order and never replaced (a chart needs every one); the open
candle that follows conflates as usual, and a closed candle supersedes the pending open one of its stream.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Frame:
    stream: str
    text: str  # the JSON frame as sent; built once per message, shared by every client
    event_ms: int | None  # the message's "E" (exchange event time), for lag and staleness
    closed: bool = False  # a closed candle: queued in order, never conflated


def is_closed_kline(message: Any) -> bool:
    """True for a kline message whose candle is final (Binance's `x`, at the top of data or under `k`)."""
    data = message.get("data") if isinstance(message, dict) else None
    if not isinstance(data, dict):
        return False
    candle = data.get("k") if isinstance(data.get("k"), dict) else data
    return any(candle.get(key) is True for key in ("x", "closed", "is_closed"))


def event_ms(message: Any) -> int | None:
    value = message.get("E") if isinstance(message, dict) else None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class Outbox:
    def __init__(self, *, max_pending: int) -> None:
        self.max_pending = max_pending
        self.dropped = 0  # updates replaced before they could be sent
        self.overflowed = False  # more closed candles waiting than max_pending: the client cannot keep up
        self._latest: dict[str, Frame] = {}
        self._ordered: deque[Frame] = deque()
        self._held: set[str] = set()  # streams whose snapshot is not queued yet: their updates wait
        self._wake = asyncio.Event()

    def __len__(self) -> int:
        return len(self._latest) + len(self._ordered)

    def put(self, frame: Frame) -> None:
        if frame.closed:
            if self._latest.pop(frame.stream, None) is not None:
                self.dropped += 1
            self._ordered.append(frame)
            if len(self._ordered) > self.max_pending:
                self.overflowed = True
        else:
            if frame.stream in self._latest:
                self.dropped += 1
            self._latest[frame.stream] = frame
        self._wake.set()

    def hold(self, stream: str) -> None:
        """Keep this stream's updates back until its snapshot is queued (`put_snapshot`)."""
        self._held.add(stream)

    def put_snapshot(self, frame: Frame) -> None:
        """Queue a new subscriber's snapshot ahead of the stream's updates; drop updates it already covers."""
        stream, seen = frame.stream, frame.event_ms if frame.event_ms is not None else -1
        pending = self._latest.get(stream)
        if pending is not None and (pending.event_ms or 0) <= seen:
            del self._latest[stream]
        kept = [f for f in self._ordered if f.stream != stream or (f.event_ms or 0) > seen]
        at = next((i for i, f in enumerate(kept) if f.stream == stream), len(kept))
        kept.insert(at, frame)
        self._ordered = deque(kept)
        self._held.discard(stream)
        self._wake.set()

    def forget(self, stream: str) -> None:
        """An unsubscribed stream: nothing more of it is sent."""
        self._held.discard(stream)
        self._latest.pop(stream, None)
        if any(f.stream == stream for f in self._ordered):
            self._ordered = deque(f for f in self._ordered if f.stream != stream)

    def drain(self) -> list[Frame]:
        """Everything sendable now: ordered frames (snapshots, closed candles) first, then latest values."""
        if not self._held:
            frames = [*self._ordered, *self._latest.values()]
            self._ordered.clear()
            self._latest.clear()
            return frames
        frames = [f for f in self._ordered if f.stream not in self._held]
        self._ordered = deque(f for f in self._ordered if f.stream in self._held)
        ready = [s for s in self._latest if s not in self._held]
        frames.extend(self._latest.pop(s) for s in ready)
        return frames

    async def wait(self) -> None:
        await self._wake.wait()
        self._wake.clear()
