"""Binance's local order book algorithm (pure): buffer diffs, apply a REST snapshot, then apply diffs in
sequence; any break in the sequence asks for a resync.

Spot: drop diffs with `u <= lastUpdateId`; the first applied one has `U <= lastUpdateId + 1 <= u`; each
next one `U == previous u + 1`. USD-M: drop diffs with `u < lastUpdateId`; the first applied one has
`U <= lastUpdateId <= u` (or `pu == lastUpdateId` when the snapshot falls exactly between two events);
each next one `pu == previous u`. A quantity of 0 removes the level.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apps.marketdata.domain.events import DepthDiff, Level

ZERO = Decimal(0)


class Outcome(Enum):
    APPLIED = "applied"
    BUFFERED = "buffered"  # waiting for a snapshot
    STALE = "stale"  # older than the book (before the snapshot, or a duplicate)
    GAP = "gap"  # the sequence broke: resync needed


@dataclass(frozen=True)
class BookTop:
    last_update_id: int
    event_ms: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


class LocalBook:
    def __init__(self, market: str, *, buffer_max: int = 1000, history: int = 64) -> None:
        self.futures = market == "usdm"
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.last_update_id: int | None = None  # None: not synced
        self.event_ms = 0
        self._first = True
        self._buffer: deque[DepthDiff] = deque(maxlen=buffer_max)
        # (update id, top-N) of recent states, for checking against a REST snapshot taken meanwhile.
        self.history: deque[tuple[int, BookTop]] = deque(maxlen=history)
        self.history_n = 20

    @property
    def synced(self) -> bool:
        return self.last_update_id is not None

    def reset(self) -> None:
        """Forget everything; diffs are buffered until the next snapshot."""
        self.bids.clear()
        self.asks.clear()
        self.last_update_id = None
        self._first = True
        self._buffer.clear()
        self.history.clear()

    def snapshot(self, last_update_id: int, bids: Iterable[Level], asks: Iterable[Level]) -> Outcome:
        """Install a REST snapshot and replay the buffered diffs (GAP: the buffer does not join it)."""
        self.bids = {p: q for p, q in bids if q > ZERO}
        self.asks = {p: q for p, q in asks if q > ZERO}
        self.last_update_id = last_update_id
        self._first = True
        self.history.clear()
        self.history.append((last_update_id, self.top(self.history_n)))
        buffered, self._buffer = list(self._buffer), deque(maxlen=self._buffer.maxlen)
        for diff in buffered:
            if self.apply(diff) is Outcome.GAP:
                return Outcome.GAP
        return Outcome.APPLIED

    def apply(self, diff: DepthDiff) -> Outcome:
        if self.last_update_id is None:
            self._buffer.append(diff)
            return Outcome.BUFFERED
        last = self.last_update_id
        if self._first:
            if (diff.u < last) if self.futures else (diff.u <= last):
                return Outcome.STALE
            joins = (
                (diff.U <= last <= diff.u or diff.pu == last)
                if self.futures
                else diff.U <= last + 1 <= diff.u
            )
            if not joins:
                return Outcome.GAP
        else:
            if diff.u <= last:
                return Outcome.STALE
            joins = diff.pu == last if self.futures else last + 1 == diff.U
            if not joins:
                return Outcome.GAP
        self._first = False
        _merge(self.bids, diff.bids)
        _merge(self.asks, diff.asks)
        self.last_update_id = diff.u
        self.event_ms = diff.E
        self.history.append((diff.u, self.top(self.history_n)))
        return Outcome.APPLIED

    def top(self, n: int) -> BookTop:
        bids = tuple(sorted(self.bids.items(), reverse=True)[:n])
        asks = tuple(sorted(self.asks.items())[:n])
        return BookTop(self.last_update_id or 0, self.event_ms, bids, asks)

    def state_at(self, update_id: int) -> BookTop | None:
        """Top-N as it was right after `update_id` was applied, when still remembered."""
        for uid, top in reversed(self.history):
            if uid == update_id:
                return top
        return None


def _merge(side: dict[Decimal, Decimal], levels: Iterable[Level]) -> None:
    for price, qty in levels:
        if qty == ZERO:
            side.pop(price, None)
        else:
            side[price] = qty


def tops_equal(a: BookTop, bids: Iterable[Level], asks: Iterable[Level], n: int) -> bool:
    """The local top-N against a snapshot's top-N (levels with zero quantity ignored)."""
    sb = tuple(sorted(((p, q) for p, q in bids if q > ZERO), reverse=True)[:n])
    sa = tuple(sorted((p, q) for p, q in asks if q > ZERO)[:n])
    return a.bids[:n] == sb and a.asks[:n] == sa
