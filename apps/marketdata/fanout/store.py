"""Redis side of the fan-out: the demand set the ingestion side reads, and the latest-value cache it writes.

Synchronous (redis-py) and called through `asyncio.to_thread`: it runs on subscribe and every demand
refresh, never per update, and a sync client has no ties to one event loop.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING

import redis
from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterable

_lock = threading.Lock()
_client: tuple[int, redis.Redis] | None = None


def prefix() -> str:
    """`TRADER_MARKETDATA_KEY_PREFIX` ("md"), shared with the ingestion side (tests run side by side)."""
    value = getattr(settings, "TRADER_MARKETDATA_KEY_PREFIX", None) or os.environ.get(
        "TRADER_MARKETDATA_KEY_PREFIX"
    )
    return str(value or "md")


def demand_key() -> str:
    return f"{prefix()}:demand"


def last_key(stream: str) -> str:
    return f"{prefix()}:last:{stream}"


def client() -> redis.Redis:
    # One client per process, rebuilt after a fork (daphne and Celery may fork).
    global _client
    with _lock:
        if _client is None or _client[0] != os.getpid():
            _client = (
                os.getpid(),
                redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2),
            )
        return _client[1]


def demand_touch(streams: Iterable[str], *, ttl_s: float) -> None:
    """Mark streams as wanted until now + ttl_s. Members only ever leave by expiry (others may want them)."""
    mapping = {stream: time.time() + ttl_s for stream in streams}
    if mapping:
        client().zadd(demand_key(), mapping)


def subscribe(streams: list[str], *, ttl_s: float) -> list[bytes | None]:
    """Record demand and read the latest cached messages, in one round trip."""
    if not streams:
        return []
    pipe = client().pipeline(transaction=False)
    pipe.zadd(demand_key(), {stream: time.time() + ttl_s for stream in streams})
    pipe.mget([last_key(stream) for stream in streams])
    _, values = pipe.execute()
    return list(values)


def latest(streams: list[str]) -> list[bytes | None]:
    return list(client().mget([last_key(stream) for stream in streams])) if streams else []
