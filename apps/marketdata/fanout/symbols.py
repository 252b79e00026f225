"""The symbols a client may subscribe to, per market, cached per process (refreshed after a TTL)."""

from __future__ import annotations

import time

from channels.db import database_sync_to_async

from apps.marketdata.fanout.names import SYMBOL_MARKET

_cache: tuple[float, frozenset[tuple[str, str]]] | None = None


def known_symbols(*, ttl_s: float) -> frozenset[tuple[str, str]]:
    """{(market, symbol lowercase)} of listed symbols, e.g. ("usdm", "btcusdt")."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < ttl_s:
        return _cache[1]
    from apps.symbols.models import Symbol

    rows = Symbol.objects.filter(is_listed=True).values_list("market", "symbol")
    value = frozenset((SYMBOL_MARKET.get(m, m.lower()), s.lower()) for m, s in rows)
    _cache = (now, value)
    return value


def symbols_changed() -> None:
    """Forget the cached set (tests; a sync that must apply at once)."""
    global _cache
    _cache = None


known_symbols_async = database_sync_to_async(known_symbols)
