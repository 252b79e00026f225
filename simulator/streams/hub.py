"""Stream subscriptions per market; `publish` serialises once per envelope and fans out."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Literal, Protocol

Market = Literal["spot", "futures"]


class Subscriber(Protocol):
    combined: bool

    def send_text(self, text: str) -> None:
        """Queue a frame; must not block (slow consumers are disconnected by their connection)."""


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"))


class StreamHub:
    def __init__(self) -> None:
        self._subs: dict[tuple[str, str], set[Subscriber]] = defaultdict(set)
        self.published = 0

    def subscribe(self, market: Market, name: str, subscriber: Subscriber) -> None:
        self._subs[(market, name)].add(subscriber)

    def unsubscribe(self, market: Market, name: str, subscriber: Subscriber) -> None:
        subs = self._subs.get((market, name))
        if subs is None:
            return
        subs.discard(subscriber)
        if not subs:
            del self._subs[(market, name)]

    def wants(self, market: Market, name: str) -> bool:
        return (market, name) in self._subs

    def subscriber_count(self, market: Market, name: str) -> int:
        return len(self._subs.get((market, name), ()))

    def publish(self, market: Market, stream_name: str, payload: Any) -> None:
        subs = self._subs.get((market, stream_name))
        if not subs:
            return
        raw: str | None = None
        combined: str | None = None
        for sub in list(subs):
            if sub.combined:
                if combined is None:
                    combined = dumps({"stream": stream_name, "data": payload})
                sub.send_text(combined)
            else:
                if raw is None:
                    raw = dumps(payload)
                sub.send_text(raw)
            self.published += 1
