"""Rate-limit pools as Binance publishes them in exchangeInfo `rateLimits`, and header parsing.

Pool names are stable strings the limiter keys on: `weight:1m`, `raw:5m`, `orders:10s`, `orders:1d`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

PoolKind = Literal["weight", "raw", "orders"]

_INTERVAL_MS = {"SECOND": 1_000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000}
_LETTER_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_KIND = {"REQUEST_WEIGHT": "weight", "RAW_REQUESTS": "raw", "ORDERS": "orders"}
_HEADER = re.compile(r"^x-mbx-(used-weight|order-count)-(\d+)([smhd])$", re.IGNORECASE)


@dataclass(frozen=True)
class Pool:
    kind: PoolKind
    window_ms: int
    limit: int

    @property
    def name(self) -> str:
        return pool_name(self.kind, self.window_ms)


@functools.cache
def pool_name(kind: str, window_ms: int) -> str:
    return f"{kind}:{_label(window_ms)}"


def _label(window_ms: int) -> str:
    for letter, ms in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)):
        if window_ms % ms == 0:
            return f"{window_ms // ms}{letter}"
    return f"{window_ms}ms"


def pools_from_exchange_info(rate_limits: Iterable[Mapping[str, object]]) -> list[Pool]:
    """Read `rateLimits` entries; unknown types (e.g. CONNECTIONS) are skipped, not guessed."""
    pools: list[Pool] = []
    for entry in rate_limits:
        kind = _KIND.get(str(entry.get("rateLimitType", "")))
        unit = _INTERVAL_MS.get(str(entry.get("interval", "")))
        if kind is None or unit is None:
            continue
        window = unit * int(str(entry.get("intervalNum", 1)))
        pools.append(Pool(kind=kind, window_ms=window, limit=int(str(entry["limit"]))))  # type: ignore[arg-type]
    return pools


@dataclass(frozen=True)
class UsageReport:
    """What the exchange says it has counted, per pool name, from one response's headers."""

    counts: dict[str, int]


def usage_from_headers(headers: Mapping[str, str]) -> UsageReport:
    counts: dict[str, int] = {}
    for key, value in headers.items():
        name = _pool_of_header(key)
        if name is not None and value.strip().isdigit():
            counts[name] = int(value)
    return UsageReport(counts=counts)


@functools.lru_cache(maxsize=256)
def _pool_of_header(key: str) -> str | None:
    # Cached: every response carries the same few header names, and this runs on every response.
    match = _HEADER.match(key)
    if match is None:
        return None
    kind = "weight" if match.group(1).lower() == "used-weight" else "orders"
    return pool_name(kind, int(match.group(2)) * _LETTER_MS[match.group(3).lower()])


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None
