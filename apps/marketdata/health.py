"""Market-data health in Redis: the streams process writes `md:health` (one JSON field per stream) and
`md:process` (a heartbeat, expiring); web reads them for `/readyz` and the risk app for `stale_streams()`."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from apps.marketdata.domain.health import StreamHealth, stale_too_long
from apps.marketdata.keys import health_key, process_key

if TYPE_CHECKING:
    import redis


def now_ms() -> int:
    return int(time.time() * 1000)


def _client() -> redis.Redis:
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def _prefix() -> str:
    from apps.marketdata.conf import marketdata_config

    return marketdata_config().key_prefix


def read_health(client: redis.Redis | None = None, prefix: str | None = None) -> dict[str, StreamHealth]:
    own = client is None
    client = client or _client()
    try:
        raw: dict[Any, Any] = client.hgetall(health_key(prefix or _prefix()))  # type: ignore[assignment]
    finally:
        if own:
            client.close()
    return {_text(k): StreamHealth.from_dict(json.loads(v)) for k, v in raw.items()}


def running(client: redis.Redis, prefix: str) -> bool:
    return bool(client.exists(process_key(prefix)))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def stale_streams(client: redis.Redis | None = None, prefix: str | None = None) -> list[str]:
    """Names of the streams the market-data supervisor currently reports stale (sorted)."""
    return sorted(name for name, h in read_health(client, prefix).items() if h.stale)


def position_streams() -> set[str]:
    """Streams an open USD-M position depends on (`usdm.<sym>.markprice` and `.bookticker`)."""
    from apps.positions.models import Position

    symbols = Position.objects.exclude(quantity=0).values_list("symbol__symbol", flat=True)
    return {f"usdm.{s.lower()}.{kind}" for s in symbols for kind in ("markprice", "bookticker")}


def read_snapshot() -> tuple[bool, dict[str, StreamHealth]]:
    """(a market-data process is reporting, the health of its streams), read over one connection."""
    prefix = _prefix()
    client = _client()
    try:
        if not running(client, prefix):
            return False, {}
        return True, read_health(client, prefix)
    finally:
        client.close()


def check_market_data(snapshot: tuple[bool, dict[str, StreamHealth]] | None = None) -> None:
    """`/readyz` "market_data": fails only when a stream an open position needs has been stale beyond
    `TRADER_MARKETDATA_STALE_READY_S`. No market-data process reporting ("not running") is healthy.
    A caller that already read the snapshot passes it, so it is not read twice."""
    from apps.marketdata.conf import marketdata_config

    is_running, health = snapshot if snapshot is not None else read_snapshot()
    if not is_running:
        return
    now = now_ms()
    threshold_s = marketdata_config().stale_ready_s
    bad = [
        name
        for name in sorted(position_streams())
        if name in health and stale_too_long(health[name], now_ms=now, threshold_s=threshold_s)
    ]
    if bad:
        raise RuntimeError("stale market data for open positions: " + ", ".join(bad))


def latest_update_age_s(market: str, symbol: str) -> float | None:
    """Seconds since any of `symbol`'s streams last delivered (the freshest one), or None when none is
    watched or the streams process is not running: the risk monitor's market-data source."""
    is_running, health = read_snapshot()
    if not is_running:
        return None
    head = f"{market.lower()}.{symbol.lower()}."
    seen = [h.last_event_ms for name, h in health.items() if name.startswith(head) and h.last_event_ms]
    if not seen:
        return None
    return max(0.0, (now_ms() - max(seen)) / 1000)
