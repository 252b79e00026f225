"""Knobs of the market-data ingestion: a Django setting of the same name wins, else the environment.

- `TRADER_MARKETDATA_ENABLED` (true): run the market-data supervisor inside `manage.py run_streams`.
- `TRADER_MARKETDATA_WATCH` ("spot.btcusdt.kline_1m,spot.btcusdt.ticker,usdm.btcusdt.markprice"): always on.
- `TRADER_MARKETDATA_KEY_PREFIX` ("md"): Redis keys `<prefix>:demand`,
  `<prefix>:last:<stream>`, `<prefix>:health`.
- `TRADER_MARKETDATA_EVAL_S` (1): how often the desired subscription set is re-evaluated.
- `TRADER_MARKETDATA_CHECK_S` (1): how often staleness is checked and health written.
- `TRADER_MARKETDATA_STALE_FACTOR` (1.5): stale after silence longer than cadence x factor.
- `TRADER_MARKETDATA_CADENCE_MS` (""): per-kind overrides, e.g. "trade=30000,bookticker=10000".
- `TRADER_MARKETDATA_STALE_READY_S` (30): `/readyz` fails once a stream needed by a position
  is stale this long.
- `TRADER_MARKETDATA_MAX_AGE_S` (85500): proactive reconnect (overlap, then switch) before Binance's 24 h.
- `TRADER_MARKETDATA_VERIFY_S` (300): local books are compared with a fresh REST snapshot this often.
- `TRADER_MARKETDATA_CONNECTIONS_PER_5MIN` (100): new connections allowed per 5 minutes (Binance: 300/IP).
- `TRADER_MARKETDATA_BACKOFF_MAX_S` (30): reconnect backoff cap (exponential from 0.5 s, full jitter).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from apps.exchange.domain.backoff import BackoffPolicy
from apps.marketdata.domain.health import DEFAULT_CADENCE_MS

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_WATCH = "spot.btcusdt.kline_1m,spot.btcusdt.ticker,usdm.btcusdt.markprice"


def _setting(name: str, cast: Callable[[Any], Any], default: Any) -> Any:
    if hasattr(settings, name):
        return cast(getattr(settings, name))
    raw = os.environ.get(name)
    return cast(raw) if raw not in (None, "") else default


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


def _list(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(s.strip() for s in items if s.strip())


def _cadences(value: Any) -> dict[str, int | None]:
    out = dict(DEFAULT_CADENCE_MS)
    pairs = value.items() if isinstance(value, dict) else (p.split("=", 1) for p in _list(value))
    for kind, ms in pairs:
        out[str(kind).strip()] = int(ms) if str(ms).strip() not in ("", "none") else None
    return out


@dataclass(frozen=True)
class MarketDataConfig:
    enabled: bool = True
    watch: tuple[str, ...] = tuple(DEFAULT_WATCH.split(","))
    key_prefix: str = "md"
    eval_s: float = 1.0
    check_s: float = 1.0
    stale_factor: float = 1.5
    cadence_ms: dict[str, int | None] = field(default_factory=lambda: dict(DEFAULT_CADENCE_MS))
    stale_ready_s: float = 30.0
    max_age_s: float = 85_500.0
    rotation_overlap_s: float = 1.0  # a replaced connection is still read this long before it is closed
    verify_s: float = 300.0
    connections_per_5min: int = 100
    backoff: BackoffPolicy = field(
        default_factory=lambda: BackoffPolicy(base_s=0.5, factor=2.0, max_s=30.0, max_attempts=1_000_000)
    )
    stable_after_s: float = 30.0
    depth_levels: int = 20
    depth_publish_ms: int = 100
    snapshot_limit: int = 1000
    cache_ttl_s: int = 3600
    health_ttl_s: float = 10.0
    request_timeout_s: float = 10.0
    max_streams: dict[str, int] = field(default_factory=lambda: {"spot": 1024, "usdm": 200})
    # Incoming messages per second per connection, one below Binance's limit (pongs count there too).
    frames_per_s: dict[str, float] = field(default_factory=lambda: {"spot": 4.0, "usdm": 9.0})
    params_per_frame: int = 100


def marketdata_config() -> MarketDataConfig:
    backoff_max = float(_setting("TRADER_MARKETDATA_BACKOFF_MAX_S", float, 30.0))
    return MarketDataConfig(
        enabled=bool(_setting("TRADER_MARKETDATA_ENABLED", _bool, default=True)),
        watch=_setting("TRADER_MARKETDATA_WATCH", _list, tuple(DEFAULT_WATCH.split(","))),
        key_prefix=str(_setting("TRADER_MARKETDATA_KEY_PREFIX", str, "md")),
        eval_s=float(_setting("TRADER_MARKETDATA_EVAL_S", float, 1.0)),
        check_s=float(_setting("TRADER_MARKETDATA_CHECK_S", float, 1.0)),
        stale_factor=float(_setting("TRADER_MARKETDATA_STALE_FACTOR", float, 1.5)),
        cadence_ms=_setting("TRADER_MARKETDATA_CADENCE_MS", _cadences, dict(DEFAULT_CADENCE_MS)),
        stale_ready_s=float(_setting("TRADER_MARKETDATA_STALE_READY_S", float, 30.0)),
        max_age_s=float(_setting("TRADER_MARKETDATA_MAX_AGE_S", float, 85_500.0)),
        verify_s=float(_setting("TRADER_MARKETDATA_VERIFY_S", float, 300.0)),
        connections_per_5min=int(_setting("TRADER_MARKETDATA_CONNECTIONS_PER_5MIN", int, 100)),
        backoff=BackoffPolicy(base_s=0.5, factor=2.0, max_s=backoff_max, max_attempts=1_000_000),
    )
