"""Webhook signatures: HMAC-SHA256 over "<unix time>.<body>", sent as `X-Trader-Signature: t=…,v1=…`.

Binding the timestamp into the MAC lets a receiver refuse replays older than its tolerance; the
delivery id in `X-Trader-Delivery` (also in the body) lets it drop a retry it already processed.
Receivers verify with `verify()`, or its few lines ported to their language.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

SIGNATURE_HEADER: Final = "X-Trader-Signature"
DELIVERY_HEADER: Final = "X-Trader-Delivery"
EVENT_HEADER: Final = "X-Trader-Event"
DEFAULT_TOLERANCE_S: Final = 300


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header for `body` sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int | None, list[str]]:
    timestamp: int | None = None
    macs: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            macs.append(value)
    return timestamp, macs


def verify(
    secret: str, header: str, body: bytes, *, now: int, tolerance_s: int = DEFAULT_TOLERANCE_S
) -> bool:
    """True when `header` signs `body` with `secret` and its time is within `tolerance_s` of `now`."""
    timestamp, macs = parse_header(header)
    if timestamp is None or not macs or abs(now - timestamp) > tolerance_s:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, mac) for mac in macs)
