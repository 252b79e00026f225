"""The streams process's knobs: a Django setting of the same name wins, else the environment, else a default.

- `TRADER_STREAMS_KEEPALIVE_S` (1800): USD-M listenKey keepalive period; Binance expires a key after 60 min.
- `TRADER_STREAMS_DOWN_AFTER_S` (60): `/readyz` fails once a configured stream has been down this long.
- `TRADER_STREAMS_REQUIRED` (false): `/readyz` also fails when no streams process reports at all.
- `TRADER_STREAMS_HEARTBEAT_S` (5): how often stream health is written to Redis (expires after 4 beats).
- `TRADER_STREAMS_CREDENTIAL_CHECK_S` (15): how often active credentials are re-read (rotation restarts).
- `TRADER_STREAMS_BACKOFF_MAX_S` (30): reconnect backoff cap (exponential from 0.5 s, full jitter).
- `TRADER_STREAMS_PING_S` (30): client WebSocket ping; a connection without pong is dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from apps.exchange.domain.backoff import BackoffPolicy

if TYPE_CHECKING:
    from collections.abc import Callable


def _setting(name: str, cast: Callable[[Any], Any], default: Any) -> Any:
    if hasattr(settings, name):
        return cast(getattr(settings, name))
    raw = os.environ.get(name)
    return cast(raw) if raw not in (None, "") else default


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class StreamsConfig:
    keepalive_s: float = 1800.0
    down_after_s: float = 60.0
    required: bool = False
    heartbeat_s: float = 5.0
    credential_check_s: float = 15.0
    backoff: BackoffPolicy = field(
        default_factory=lambda: BackoffPolicy(base_s=0.5, factor=2.0, max_s=30.0, max_attempts=1_000_000)
    )
    ping_s: float = 30.0
    # A connection that lived this long before it dropped starts its backoff over from the first step.
    stable_after_s: float = 30.0
    # Events waiting for a resync beyond this many mean something is stuck: the connection is dropped and
    # a later resync covers them.
    buffer_max: int = 10_000
    connect_timeout_s: float = 10.0

    @property
    def health_ttl_s(self) -> float:
        return self.heartbeat_s * 4


def streams_config() -> StreamsConfig:
    backoff_max = float(_setting("TRADER_STREAMS_BACKOFF_MAX_S", float, 30.0))
    return StreamsConfig(
        keepalive_s=float(_setting("TRADER_STREAMS_KEEPALIVE_S", float, 1800.0)),
        down_after_s=float(_setting("TRADER_STREAMS_DOWN_AFTER_S", float, 60.0)),
        required=bool(_setting("TRADER_STREAMS_REQUIRED", _bool, default=False)),
        heartbeat_s=float(_setting("TRADER_STREAMS_HEARTBEAT_S", float, 5.0)),
        credential_check_s=float(_setting("TRADER_STREAMS_CREDENTIAL_CHECK_S", float, 15.0)),
        backoff=BackoffPolicy(base_s=0.5, factor=2.0, max_s=backoff_max, max_attempts=1_000_000),
        ping_s=float(_setting("TRADER_STREAMS_PING_S", float, 30.0)),
    )
