"""Subscription planning and pacing (pure): which connection takes which stream, frame batches, and the
token buckets that keep incoming messages per connection and new connections per 5 minutes in bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


@dataclass
class TokenBucket:
    """`rate` tokens per second up to `capacity`; `take` reserves one and says how long to wait for it."""

    rate: float
    capacity: float
    tokens: float = field(default=-1.0)
    updated: float = 0.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def take(self, now: float) -> float:
        self._refill(now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def available(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= 1


def batches(items: Iterable[str], size: int) -> list[list[str]]:
    ordered = sorted(items)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


@dataclass(frozen=True)
class Placement:
    existing: dict[int, list[str]]  # connection id → streams to SUBSCRIBE there
    new: list[list[str]]  # one list per connection to open


def place(wanted: Iterable[str], used: Mapping[int, int], max_streams: int) -> Placement:
    """Fill open connections first (fewest-used last, so nearly full ones fill up), then open new ones."""
    pending = sorted(wanted)
    existing: dict[int, list[str]] = {}
    for conn_id, count in sorted(used.items(), key=lambda kv: (-kv[1], kv[0])):
        free = max_streams - count
        if free <= 0 or not pending:
            continue
        existing[conn_id], pending = pending[:free], pending[free:]
    return Placement(existing, batches(pending, max_streams))
