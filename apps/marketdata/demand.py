"""The desired subscription set: client demand, open positions and orders, and the watch lists (sync;
the supervisor runs it in a worker thread)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from apps.marketdata.domain.streams import PLATFORM_MARKET, Stream, parse_stream
from apps.marketdata.keys import demand_key

if TYPE_CHECKING:
    import redis

    from apps.marketdata.conf import MarketDataConfig

logger = logging.getLogger(__name__)
OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def client_demand(client: redis.Redis, prefix: str, now_s: float | None = None) -> set[str]:
    now = time.time() if now_s is None else now_s
    members = client.zrangebyscore(demand_key(prefix), f"({now}", "+inf")
    return {_text(m) for m in members}  # type: ignore[union-attr]


def trading_streams() -> set[str]:
    from apps.orders.models import Order
    from apps.positions.models import Position

    out: set[str] = set()
    for symbol in Position.objects.exclude(quantity=0).values_list("symbol__symbol", flat=True):
        out |= {f"usdm.{symbol.lower()}.markprice", f"usdm.{symbol.lower()}.bookticker"}
    orders = Order.objects.filter(status__in=OPEN_STATUSES)
    for market, symbol in orders.values_list("market", "symbol__symbol"):
        if market in PLATFORM_MARKET:
            out.add(f"{PLATFORM_MARKET[market]}.{symbol.lower()}.bookticker")
    return out


def config_watch() -> set[str]:
    """`watch_symbols` of the active trading config ("SPOT:BTCUSDT") → its ticker (and USD-M mark price)."""
    try:
        from apps.config.selectors import active_trading_config

        symbols = getattr(active_trading_config(), "watch_symbols", None) or []
    except Exception:  # no config yet (fresh database): the other sources still apply
        logger.debug("marketdata: no active trading config", exc_info=True)
        return set()
    out: set[str] = set()
    for item in symbols:
        market, _, symbol = str(item).partition(":")
        ours = PLATFORM_MARKET.get(market.upper())
        if ours and symbol:
            out.add(f"{ours}.{symbol.lower()}.ticker")
            if ours == "usdm":
                out.add(f"usdm.{symbol.lower()}.markprice")
    return out


def known_symbols() -> dict[str, frozenset[str]]:
    """Symbols the platform knows per market (ours: spot/usdm), upper case."""
    from apps.symbols.models import Symbol

    out: dict[str, set[str]] = {"spot": set(), "usdm": set()}
    for market, symbol in Symbol.objects.values_list("market", "symbol"):
        if market in PLATFORM_MARKET:
            out[PLATFORM_MARKET[market]].add(symbol.upper())
    return {k: frozenset(v) for k, v in out.items()}


def desired(
    client: redis.Redis, config: MarketDataConfig, known: dict[str, frozenset[str]]
) -> tuple[set[Stream], set[str]]:
    """Valid streams wanted now, and the names refused (outside the contract or unknown symbol)."""
    from django.db import close_old_connections

    close_old_connections()
    names = client_demand(client, config.key_prefix) | set(config.watch) | config_watch()
    try:
        names |= trading_streams()
    except Exception:  # the database blinked: keep serving the other sources this round
        logger.exception("marketdata: could not read positions/orders")
    wanted: set[Stream] = set()
    refused: set[str] = set()
    for name in names:
        stream = parse_stream(name)
        if stream is None or stream.symbol.upper() not in known.get(stream.market, frozenset()):
            refused.add(name)
        else:
            wanted.add(stream)
    return wanted, refused
