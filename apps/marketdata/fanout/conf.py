"""Fan-out knobs: a Django setting of the same name wins, else the environment, else the default.

- `TRADER_MARKETDATA_WS_MAX_STREAMS` (50): streams one client may subscribe to at once.
- `TRADER_MARKETDATA_WS_SEND_TIMEOUT_S` (5): a client that cannot take data for this long is closed (4408).
- `TRADER_MARKETDATA_WS_MAX_PENDING` (1000): closed candles queued for one client before it is closed (4408).
- `TRADER_MARKETDATA_WS_HIGH_WATER_BYTES` (262144): bytes buffered in the server's socket for one client
  above which it counts as congested (updates conflate instead of queueing).
- `TRADER_MARKETDATA_WS_HIGH_WATER_FRAMES` (64): the same, for servers that queue frames (test communicator).
- `TRADER_MARKETDATA_DEMAND_TTL_S` (60) / `TRADER_MARKETDATA_DEMAND_REFRESH_S` (20): demand expiry, refresh.
- `TRADER_MARKETDATA_SYMBOLS_TTL_S` (60): how long the known-symbol set is cached per process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings


def _setting(name: str, default: float) -> float:
    value: Any = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return float(value)


@dataclass(frozen=True)
class FanoutConfig:
    max_streams: int
    send_timeout_s: float
    max_pending: int
    high_water_bytes: int
    high_water_frames: int
    demand_ttl_s: float
    demand_refresh_s: float
    symbols_ttl_s: float


def fanout_config() -> FanoutConfig:
    return FanoutConfig(
        max_streams=int(_setting("TRADER_MARKETDATA_WS_MAX_STREAMS", 50)),
        send_timeout_s=_setting("TRADER_MARKETDATA_WS_SEND_TIMEOUT_S", 5.0),
        max_pending=int(_setting("TRADER_MARKETDATA_WS_MAX_PENDING", 1000)),
        high_water_bytes=int(_setting("TRADER_MARKETDATA_WS_HIGH_WATER_BYTES", 262144)),
        high_water_frames=int(_setting("TRADER_MARKETDATA_WS_HIGH_WATER_FRAMES", 64)),
        demand_ttl_s=_setting("TRADER_MARKETDATA_DEMAND_TTL_S", 60.0),
        demand_refresh_s=_setting("TRADER_MARKETDATA_DEMAND_REFRESH_S", 20.0),
        symbols_ttl_s=_setting("TRADER_MARKETDATA_SYMBOLS_TTL_S", 60.0),
    )
