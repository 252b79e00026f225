"""The audit trail's hash chain, as pure functions.

Each event's hash covers its own content and the previous event's hash, so changing, removing or
reordering any stored event breaks every link after it. The canonical form is JSON with sorted keys and
no whitespace, so the same content always hashes the same on every database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    event_id: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def first_break(links: Iterable[ChainLink]) -> ChainBreak | None:
    """Walk the chain in id order and return the first link that does not hold, or None if all hold."""
    expected_prev = GENESIS
    for link in links:
        if link.prev_hash != expected_prev:
            return ChainBreak(
                link.event_id, "previous-hash mismatch: an event before it was changed or removed"
            )
        if chain_hash(link.prev_hash, link.content) != link.hash:
            return ChainBreak(link.event_id, "content does not match its hash: this event was changed")
        expected_prev = link.hash
    return None
