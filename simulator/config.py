"""Settings of one simulator instance (command line, tests and the bench build one of these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The default dev account exists at every start so the platform needs no set-up. Its key pair is public on
# purpose: the simulator holds no real funds and only listens on localhost by default.
DEV_ACCOUNT_ID = "dev"
DEV_API_KEY = "simDevKeyHmac000000000000000000000000000000000000000000000000001"
DEV_API_SECRET = "simDevSecretHmac000000000000000000000000000000000000000000000001"
DEV_BALANCES: dict[str, Decimal] = {
    "USDT": Decimal(10000),
    "BTC": Decimal(1),
    "ETH": Decimal(10),
    "BNB": Decimal(100),
    "SOL": Decimal(100),
    "XRP": Decimal(10000),
    "ADA": Decimal(10000),
}
DEV_FUTURES_BALANCES: dict[str, Decimal] = {"USDT": Decimal(10000)}


@dataclass
class RateLimitConfig:
    """Limits per the fact sheet; tests shrink them to provoke 429/418 in a handful of requests."""

    spot_weight_per_min: int = 6000
    spot_orders_per_10s: int = 50
    spot_orders_per_day: int = 160000
    spot_raw_per_5min: int = 300000
    futures_weight_per_min: int = 2400
    futures_orders_per_min: int = 1200
    futures_orders_per_10s: int = 300
    # 429s a client may ignore before the IP is banned; the ban then escalates 2 min → 3 days.
    ban_after_429s: int = 5
    ban_initial_s: int = 120
    ban_max_s: int = 3 * 24 * 3600


@dataclass
class WsConfig:
    spot_ping_interval_s: float = 20.0
    futures_ping_interval_s: float = 180.0
    # A client that never answers pings is dropped after this long (Binance: 1 min spot, 10 min futures).
    spot_pong_timeout_s: float = 60.0
    futures_pong_timeout_s: float = 600.0
    max_lifetime_s: float = 24 * 3600.0
    spot_msgs_per_s: int = 5
    futures_msgs_per_s: int = 10
    spot_max_streams: int = 1024
    futures_max_streams: int = 1024  # USD-M raised its 200-stream cap to 1024 (fact sheet §9)
    # Spot WebSocket API handshakes per IP per 5 minutes (CONNECTIONS limit, fact sheet §3).
    ws_api_connections_per_5min: int = 300


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 9900
    data_dir: Path | None = field(default_factory=lambda: DATA_DIR)
    seed: int = 1
    speed: float = 1.0
    state_file: Path | None = None
    # Market step period; the background loop calls market.tick() this often. Tests disable the loop.
    tick_ms: int = 100
    run_loop: bool = True
    # Candles generated before start so klines/tickers have history on the first request.
    backfill_candles: int = 500
    book_levels: int = 100
    history_trades: int = 5000
    persist_every_s: float = 30.0
    create_dev_account: bool = True
    log_level: str = "INFO"
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    ws: WsConfig = field(default_factory=WsConfig)
