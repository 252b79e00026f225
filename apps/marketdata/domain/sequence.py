"""Per-stream ordering: duplicates (connection overlap, resubscribe) and out-of-order events are dropped,
and a closed kline missed across a reconnect is noticed so it can be fetched over REST (pure, stateful)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from apps.marketdata.domain.events import AggTrade, BookTicker, Event, ForceOrder, Kline
from apps.marketdata.domain.streams import next_open_ms


class Verdict(Enum):
    ACCEPT = "accept"
    DUPLICATE = "duplicate"  # seen already (same ids): expected during an overlap, not an error
    OUT_OF_ORDER = "out_of_order"  # older than what was published: a sequence violation


@dataclass(frozen=True)
class Gap:
    """Closed candles [start_ms, end_ms) that never arrived closed; fetch them over REST."""

    start_ms: int
    end_ms: int


@dataclass
class _KlineState:
    t: int
    E: int
    closed: bool


class Sequencer:
    """Remembers the last accepted key of each stream."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[int, ...]] = {}
        self._klines: dict[str, _KlineState] = {}

    def forget(self, stream: str) -> None:
        self._last.pop(stream, None)
        self._klines.pop(stream, None)

    def check(self, stream: str, event: Event) -> Verdict:
        if isinstance(event, Kline):
            return self._kline(stream, event)[0]
        key = _key(event)
        last = self._last.get(stream)
        if last is not None and key <= last:
            return Verdict.DUPLICATE if key == last else Verdict.OUT_OF_ORDER
        self._last[stream] = key
        return Verdict.ACCEPT

    def kline(self, stream: str, event: Kline) -> tuple[Verdict, Gap | None]:
        return self._kline(stream, event)

    def _kline(self, stream: str, k: Kline) -> tuple[Verdict, Gap | None]:
        state = self._klines.get(stream)
        if state is None:
            self._klines[stream] = _KlineState(k.t, k.E, k.x)
            return Verdict.ACCEPT, None
        if k.t < state.t:
            return Verdict.OUT_OF_ORDER, None
        if k.t == state.t:
            if state.closed:
                return Verdict.DUPLICATE, None
            if k.E < state.E or (k.E == state.E and not k.x):
                return Verdict.DUPLICATE, None
            state.E, state.closed = k.E, k.x
            return Verdict.ACCEPT, None
        gap_start = state.t if not state.closed else next_open_ms(k.i, state.t)
        gap = Gap(gap_start, k.t) if gap_start < k.t else None
        self._klines[stream] = _KlineState(k.t, k.E, k.x)
        return Verdict.ACCEPT, gap


def _key(event: Event) -> tuple[int, ...]:
    if isinstance(event, AggTrade):
        return (event.a,)
    if isinstance(event, BookTicker):
        return (event.u,)
    if isinstance(event, ForceOrder):
        return (event.E, event.T)
    return (event.E,)
