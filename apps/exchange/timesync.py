"""Offset between our clock and the exchange's, measured at start, periodically, and after every -1021.

The offset is kept per process and shared through Redis, so a process that just started signs with the
offset another one measured a moment ago instead of risking -1021 on its first order.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import redis


class TimeSync:
    def __init__(self, client: redis.Redis, *, prefix: str, interval_s: float) -> None:
        self.redis = client
        self.key = f"{prefix}:time_offset"
        self.interval_s = interval_s
        self.offset_ms = 0
        self._synced_at = float("-inf")
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        """The exchange's clock, as best we know it."""
        return int(time.time() * 1000) + self.offset_ms

    def due(self) -> bool:
        return time.monotonic() - self._synced_at >= self.interval_s

    def load_shared(self) -> bool:
        """Adopt a fresh offset another process measured; True when one was found."""
        raw = self.redis.get(self.key)
        if raw is None:
            return False
        offset, measured_at = (int(x) for x in raw.decode().split(":"))
        if time.time() * 1000 - measured_at > self.interval_s * 1000:
            return False
        self.offset_ms = offset
        self._synced_at = time.monotonic() - (time.time() * 1000 - measured_at) / 1000
        return True

    def sync(self, fetch_server_ms: Callable[[], int]) -> int:
        """Measure the offset with one server-time call (midpoint of the round trip) and share it."""
        with self._lock:
            sent = time.time() * 1000
            server = fetch_server_ms()
            received = time.time() * 1000
            self.offset_ms = int(server - (sent + received) / 2)
            self._synced_at = time.monotonic()
            ttl = max(1, int(self.interval_s * 2))
            self.redis.set(self.key, f"{self.offset_ms}:{int(received)}", ex=ttl)
            return self.offset_ms

    def ensure(self, fetch_server_ms: Callable[[], int]) -> None:
        if self.due() and not self.load_shared():
            self.sync(fetch_server_ms)
