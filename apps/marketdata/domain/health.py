"""Stream staleness (pure): silence longer than the kind's cadence x factor marks a stream stale."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

# How often Binance pushes each kind when the market is alive (ms). Event-driven kinds get a configurable
# guess; None: never stale (liquidations can be silent for hours).
DEFAULT_CADENCE_MS: Final[dict[str, int | None]] = {
    "kline": 2000,  # spot every 1 s, USD-M every 250 ms
    "ticker": 1000,
    "miniticker": 1000,
    "markprice": 1000,  # @markPrice@1s
    "bookticker": 5000,
    "depth": 1000,  # @depth@100ms: every 100 ms while the book changes
    "trade": 10_000,
    "forceorder": None,
}


@dataclass
class StreamHealth:
    last_event_ms: int | None = None
    expected_cadence_ms: int | None = None
    stale: bool = False
    stale_since: int | None = None
    reconnects: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StreamHealth:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__ if k in data})


def is_silent(
    *, last_seen_ms: int | None, since_ms: int, now_ms: int, cadence_ms: int | None, factor: float
) -> bool:
    """Silent beyond cadence x factor, counted from the last event (or from `since_ms`, the subscription,
    when none came yet). `last_seen_ms` is local receive time so clock skew to the exchange cannot matter."""
    if cadence_ms is None:
        return False
    reference = last_seen_ms if last_seen_ms is not None else since_ms
    return now_ms - reference > cadence_ms * factor


def stale_too_long(health: StreamHealth, *, now_ms: int, threshold_s: float) -> bool:
    if not health.stale or health.stale_since is None:
        return False
    return now_ms - health.stale_since >= threshold_s * 1000
