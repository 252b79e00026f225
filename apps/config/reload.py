"""Hot reload: every process sees a new config version within about a second, without a restart.

Activation INCRs one Redis key after its transaction commits (`config_version_bump`). A `ReloadingCache`
keeps its value in the process and, at most every `CHECK_EVERY` seconds, GETs that key: a different value
means some process activated a version, so it reloads from the database. The database itself is asked
every `DB_CHECK_EVERY` seconds as well (which row is active), so a bump lost to a Redis outage, or a row
changed by hand, still reaches every process; while Redis is unreachable, it is asked at every check.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Generic, TypeVar

import redis
from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

CHECK_EVERY: Final = 0.5
DB_CHECK_EVERY: Final = 5.0
# After a Redis error, the database alone decides for this long (no timeout per read meanwhile).
REDIS_BACKOFF: Final = 5.0

T = TypeVar("T")

_lock = threading.Lock()
_client: tuple[int, redis.Redis] | None = None
_redis_down_until = 0.0


def version_key() -> str:
    return str(getattr(settings, "TRADER_CONFIG_VERSION_KEY", "trader:config:version"))


def _redis() -> redis.Redis:
    # One client per process, rebuilt after a fork (Celery's prefork pool).
    global _client
    with _lock:
        if _client is None or _client[0] != os.getpid():
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
            _client = (os.getpid(), client)
        return _client[1]


def config_version_bump() -> None:
    """Tell every process a new version is active (call after commit). Failure only slows the reload."""
    global _redis_down_until
    try:
        _redis().incr(version_key())
    except redis.RedisError as error:
        _redis_down_until = time.monotonic() + REDIS_BACKOFF
        logger.warning("config version bump failed (%s); processes reload within %ss", error, DB_CHECK_EVERY)


def config_version_token() -> bytes | None:
    """The shared version counter, or None when Redis cannot be asked."""
    global _redis_down_until
    if time.monotonic() < _redis_down_until:
        return None
    try:
        value = _redis().get(version_key())
    except redis.RedisError:
        _redis_down_until = time.monotonic() + REDIS_BACKOFF
        return None
    return value if isinstance(value, bytes) else b""


# The outermost transaction (its Atomic block) in which this process activated a version not yet committed.
# Only that transaction's connection can read the new row; what it loads there is kept for that transaction
# only, so a rollback (or the end of a test) cannot leave an uncommitted version in the cache.
_uncommitted: list[object | None] = [None]


def _outer_block() -> object | None:
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def mark_uncommitted_activation() -> None:
    """Called by an activation inside its transaction (see services._published)."""
    _uncommitted[0] = _outer_block()


def mark_committed() -> None:
    _uncommitted[0] = None


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    value: T
    redis_token: bytes | None
    active_id: int | None
    checked: float
    db_checked: float
    # Set when loaded inside the transaction of an uncommitted activation: valid in that transaction only.
    provisional: object | None = None


class ReloadingCache(Generic[T]):
    """One value per process, reloaded when the shared version moves or the active row changes.

    `load` reads the active version; `active_id` returns the active row's id (a one-column query);
    `id_of` tells the id of a loaded value. The fast path is a clock read: no I/O within CHECK_EVERY.
    """

    def __init__(
        self,
        load: Callable[[], T],
        active_id: Callable[[], int | None],
        id_of: Callable[[T], int | None],
    ) -> None:
        self._load = load
        self._active_id = active_id
        self._id_of = id_of
        self._entry: _Entry[T] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        entry = self._entry
        now = time.monotonic()
        if entry is not None and entry.provisional is not None and entry.provisional is not _outer_block():
            self._entry = entry = None  # loaded in a transaction that has ended without committing here
        if entry is not None and now - entry.checked < CHECK_EVERY:
            return entry.value
        with self._lock:
            return self._refresh(now)

    def _refresh(self, now: float) -> T:
        entry = self._entry
        token = config_version_token()
        unmoved = entry is not None and token is not None and token == entry.redis_token
        if entry is not None and unmoved and now - entry.db_checked < DB_CHECK_EVERY:
            self._entry = _Entry(
                entry.value, token, entry.active_id, now, entry.db_checked, entry.provisional
            )
            return entry.value
        if entry is not None and (token is None or token == entry.redis_token):
            # Redis says nothing moved (or cannot say): ask the database which row is active.
            active = self._active_id()
            if active == entry.active_id:
                self._entry = _Entry(entry.value, token, entry.active_id, now, now, entry.provisional)
                return entry.value
        value = self._load()
        block = _outer_block()
        provisional = block if block is not None and block is _uncommitted[0] else None
        self._entry = _Entry(value, token, self._id_of(value), now, now, provisional)
        return value

    def clear(self) -> None:
        self._entry = None
