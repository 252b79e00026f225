"""What one user stream reports about itself, and when that counts as "down". Pure: no Django, no I/O.

A quiet user stream is normal (no trading, no events for hours), so the age of the last event is shown
but never judged; what is judged is how long a configured stream has not been connected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

State = Literal["starting", "connecting", "resyncing", "live", "backoff", "stopped"]


@dataclass
class StreamHealth:
    name: str  # "spot" / "futures": the gateway's market names
    market: str  # "SPOT" / "USDM": the platform's
    state: State = "starting"
    connected: bool = False
    connected_since_ms: int | None = None
    down_since_ms: int | None = None
    last_event_ms: int | None = None
    reconnects: int = 0
    resyncs: int = 0
    events: int = 0
    buffered: int = 0
    listen_key_renewals: int = 0
    last_error: str = ""
    last_error_ms: int | None = None
    credential: str = ""  # "id/version" of the key it streams with; never the key itself
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StreamHealth:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def mark_connected(self, now_ms: int) -> None:
        self.connected = True
        self.connected_since_ms = now_ms
        self.down_since_ms = None

    def mark_down(self, now_ms: int, error: str | None = None) -> None:
        if self.connected or self.down_since_ms is None:
            self.down_since_ms = now_ms
        self.connected = False
        self.connected_since_ms = None
        if error:
            self.last_error = error[:300]
            self.last_error_ms = now_ms


def down_for_s(health: StreamHealth, now_ms: int) -> float | None:
    """Seconds the stream has not been connected; None while it is."""
    if health.connected or health.down_since_ms is None:
        return None
    return max(0.0, (now_ms - health.down_since_ms) / 1000)


def last_event_age_s(health: StreamHealth, now_ms: int) -> float | None:
    if health.last_event_ms is None:
        return None
    return max(0.0, (now_ms - health.last_event_ms) / 1000)


def problem(health: StreamHealth, now_ms: int, *, down_after_s: float) -> str | None:
    """Why this stream makes the platform not ready, or None."""
    down = down_for_s(health, now_ms)
    if down is None or down < down_after_s:
        return None
    reason = f": {health.last_error}" if health.last_error else ""
    return f"{health.name} user stream down for {int(down)} s{reason}"
