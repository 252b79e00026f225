"""USD-M user data by listenKey: POST a key, connect to `<fstream>private/ws/<key>`, PUT it every
`keepalive_s` (Binance expires a key 60 minutes after its last keepalive).

Renewal: `listenKeyExpired` on the stream, or -1125 ("This listenKey does not exist") on a keepalive, ends
the connection; the next one POSTs again, which yields a new key (POST returns the current key while it
is valid, so a plain reconnect keeps the same one). The key is never DELETEd on shutdown: Binance hands
the same key to every client of the account, and another process may be reading it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Protocol

from apps.exchange.domain.errors import ExchangeError
from apps.streams.clients.base import UserStream, now_ms
from apps.streams.domain.events import ListenKeyExpired
from apps.streams.domain.parse import unwrap

if TYPE_CHECKING:
    from collections.abc import Coroutine

    import aiohttp

    from apps.streams.domain.events import UserEvent

logger = logging.getLogger(__name__)

LISTEN_KEY_MISSING = -1125
# After a failed keepalive, try again this much sooner than the regular period (the key is still valid).
RETRY_KEEPALIVE_S = 60.0


class ListenKeys(Protocol):
    """The listenKey REST calls (AsyncGateway implements them through the shared pipeline)."""

    async def futures_listen_key_start(self) -> str: ...
    async def futures_listen_key_keepalive(self, listen_key: str) -> None: ...


class FuturesUserStream(UserStream):
    def __init__(self, *, fstream_url: str, keys: ListenKeys, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fstream_url = fstream_url
        self.keys = keys
        self.listen_key: str | None = None

    async def open(self, session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        key = await self.keys.futures_listen_key_start()
        if self.listen_key is not None and key != self.listen_key:
            self.health.listen_key_renewals += 1
            logger.info("futures user stream: listenKey renewed")
        self.listen_key = key
        return await session.ws_connect(
            f"{self.fstream_url}private/ws/{key}", heartbeat=self.config.ping_s, autoping=True
        )

    def frame_event(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        return unwrap(frame)

    def session_tasks(self, ws: aiohttp.ClientWebSocketResponse) -> list[Coroutine[Any, Any, None]]:
        return [self._keepalive(ws)]

    async def on_control(self, event: UserEvent) -> None:
        if isinstance(event, ListenKeyExpired):
            self._renewing("listenKeyExpired")

    def _renewing(self, why: str) -> None:
        # Counted once the next connection actually gets a new key (see `open`).
        self.health.last_error = f"{why}: renewing the listenKey"
        self.health.last_error_ms = now_ms()
        logger.info("futures user stream: %s; renewing the listenKey", why)

    async def _keepalive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        wait = self.config.keepalive_s
        while True:
            await asyncio.sleep(wait)
            key = self.listen_key
            if key is None:
                return
            try:
                await self.keys.futures_listen_key_keepalive(key)
                wait = self.config.keepalive_s
            except ExchangeError as exc:
                if exc.code == LISTEN_KEY_MISSING:
                    self._renewing("keepalive answered -1125")
                    await ws.close()
                    return
                logger.warning("futures user stream: keepalive failed (%s); retrying", exc)
                self.health.last_error = f"keepalive: {exc}"[:300]
                self.health.last_error_ms = now_ms()
                wait = min(self.config.keepalive_s, RETRY_KEEPALIVE_S)
