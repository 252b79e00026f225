"""Private account events to the browser: one group per user, one sequence number per user.

The platform trades one exchange account, so every user holding a role (viewer and up) sees its
events. Each event is numbered per user (Redis INCR): a client that sees a gap, or reconnects, refetches
over REST instead of trusting a partial picture. Services publish only after their transaction commits
(`publish_on_commit`): a client must never see a state that is then rolled back.

Publishing is best effort: a Redis or channel-layer failure is logged and never breaks the caller (the
order, fill or balance is already committed; the client's next refetch shows it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from functools import partial
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict

import redis
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

if TYPE_CHECKING:
    from collections.abc import Mapping

logger = logging.getLogger(__name__)

Kind = Literal["order", "fill", "balance", "position", "stream", "risk", "alert"]
KINDS: Final[frozenset[str]] = frozenset({"order", "fill", "balance", "position", "stream", "risk", "alert"})
# The consumer method a group message lands on: "account.event" → AccountConsumer.account_event.
MESSAGE_TYPE: Final = "account.event"


class AccountMessage(TypedDict):
    """What a connected client receives for every event (mirrored in the frontend's types)."""

    type: Literal["event"]
    kind: Kind
    seq: int
    payload: dict[str, Any]


def group_name(user_id: int) -> str:
    return f"account.user.{user_id}"


def _prefix() -> str:
    return str(getattr(settings, "TRADER_REALTIME_REDIS_PREFIX", "trader:realtime"))


def sequence_key(user_id: int) -> str:
    return f"{_prefix()}:seq:{user_id}"


_lock = threading.Lock()
_client: tuple[int, redis.Redis] | None = None


def _redis() -> redis.Redis:
    # One client per process (rebuilt after a fork: Celery's pool and daphne's workers fork).
    global _client
    with _lock:
        if _client is None or _client[0] != os.getpid():
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
            _client = (os.getpid(), client)
        return _client[1]


def current_sequence(user_id: int) -> int:
    """The number of the last event sent to `user_id` (0 before the first)."""
    return int(_redis().get(sequence_key(user_id)) or 0)


_RECIPIENTS_TTL = 2.0  # seconds; a role granted or revoked reaches publishing within this
_recipients_cache: tuple[float, list[int]] | None = None


def _recipients() -> list[int]:
    # Read per event this was a query on every order transition; a short cache keeps it off the order
    # path. The consumer re-checks the role on connect, so a revoked user is never newly subscribed.
    global _recipients_cache
    now = time.monotonic()
    if _recipients_cache is not None and now - _recipients_cache[0] < _RECIPIENTS_TTL:
        return _recipients_cache[1]
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from apps.users.roles import ROLES

    users = get_user_model().objects.filter(is_active=True)
    rows = users.filter(Q(is_superuser=True) | Q(groups__name__in=ROLES)).distinct()
    ids = sorted(rows.values_list("id", flat=True))
    _recipients_cache = (now, ids)
    return ids


def recipients_changed() -> None:
    """Forget the cached recipients (tests; role changes that must apply at once)."""
    global _recipients_cache
    _recipients_cache = None


async def _send_all(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group, message in messages))


def _jsonable(payload: Mapping[str, Any]) -> dict[str, Any]:
    # Decimals become exact strings and datetimes ISO strings once, here: the channel layer serializes
    # with msgpack, which knows neither, and a float must never stand in for an amount.
    return dict(json.loads(json.dumps(payload, cls=DjangoJSONEncoder)))


def broadcast_account_event(kind: str, payload: Mapping[str, Any]) -> int:
    """Send one event to every role-holding user's group, numbered per user; returns how many users.

    Raises when Redis or the channel layer fails: for callers that record and retry a delivery (alert
    notifications). Everything else uses `publish_account_event`, which never raises.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown account event kind {kind!r}; use one of {sorted(KINDS)}")
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    body = _jsonable(payload)
    users = _recipients()
    if not users:
        return 0
    pipe = _redis().pipeline(transaction=False)
    for user_id in users:
        pipe.incr(sequence_key(user_id))
    sequences = [int(seq) for seq in pipe.execute()]  # one round trip for every user's number
    if layer is not None:
        messages = [
            (group_name(user_id), {"type": MESSAGE_TYPE, "kind": kind, "seq": seq, "payload": body})
            for user_id, seq in zip(users, sequences, strict=True)
        ]
        async_to_sync(_send_all)(layer, messages)  # one hop to the event loop, not one per user
    return len(users)


def publish_account_event(kind: str, payload: Mapping[str, Any]) -> None:
    """Send one event to every role-holding user's group, numbered per user. Never raises."""
    if kind not in KINDS:
        raise ValueError(f"unknown account event kind {kind!r}; use one of {sorted(KINDS)}")
    try:
        broadcast_account_event(kind, payload)
    except Exception:  # best effort by design: see the module docstring
        logger.exception("account event %s could not be published", kind)


def publish_on_commit(kind: str, payload: Mapping[str, Any]) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(publish_account_event, kind, payload), robust=True)
