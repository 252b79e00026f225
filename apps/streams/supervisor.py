"""The streams process: one user stream per market with an active credential, kept running until stopped.

Every `credential_check_s` the active credential of each market is read (as every process reads it: through
the exchange runtime's cache and generation counter). A market that gains one gets a stream; a rotated key
restarts its stream on the new key; a retired one stops it. Every `heartbeat_s`, and at every state
change, the streams' health goes to Redis for `/readyz` and `GET /api/streams/health/`, and a change of
connection is published to `/ws/account/` as a `stream` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from apps.common.aio import wait_stop
from apps.exchange.domain.errors import ConfigurationError
from apps.exchange.gateway.pipeline import off_loop
from apps.streams.clients.futures import FuturesUserStream
from apps.streams.clients.spot import SpotUserStream, gateway_signer
from apps.streams.domain.health import StreamHealth
from apps.streams.health import health_clear, health_write, now_ms

if TYPE_CHECKING:
    from apps.exchange.gateway.streams import AsyncGateway
    from apps.exchange.runtime import Runtime
    from apps.streams.clients.base import UserStream
    from apps.streams.conf import StreamsConfig

logger = logging.getLogger(__name__)

MARKETS: Final = ("spot", "futures")
PLATFORM_MARKET: Final = {"spot": "SPOT", "futures": "USDM"}


@dataclass
class Running:
    stream: UserStream
    task: asyncio.Task[None]
    credential: str


class Supervisor:
    def __init__(
        self,
        *,
        config: StreamsConfig,
        markets: tuple[str, ...] = MARKETS,
        rt: Runtime | None = None,
        gateway: AsyncGateway | None = None,
    ) -> None:
        from apps.exchange.gateway.streams import AsyncGateway
        from apps.exchange.runtime import runtime

        self.config = config
        self.markets = markets
        self.rt = rt or runtime()
        self.gateway = gateway or AsyncGateway(self.rt)
        self.running: dict[str, Running] = {}
        self.started_ms = now_ms()
        self._published: dict[str, tuple[bool, str]] = {}

    # ------------------------------------------------------------------ credentials
    def _credential(self, market: str) -> str | None:
        """ "id/version" of the market's active credential (None when there is none); runs in a thread."""
        generation = int(self.rt.redis.get(self.rt.limiter.generation_key(market)) or 0)  # type: ignore[arg-type]
        try:
            credential = self.rt.credentials.get(market, generation)  # type: ignore[arg-type]
        except ConfigurationError:
            return None
        return f"{credential.id}/{credential.version}"

    def _build(self, market: str, credential: str) -> UserStream:
        health = StreamHealth(
            name=market, market=PLATFORM_MARKET[market], credential=credential, down_since_ms=now_ms()
        )
        common: dict[str, Any] = {"health": health, "config": self.config, "on_change": self._changed}
        if market == "spot":
            return SpotUserStream(url=self.rt.urls.ws_api, signer=gateway_signer(self.gateway), **common)
        return FuturesUserStream(fstream_url=self.rt.urls.fstream, keys=self.gateway, **common)

    async def _stop(self, market: str) -> None:
        running = self.running.pop(market, None)
        if running is None:
            return
        running.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await running.task

    async def reconcile_streams(self) -> None:
        """Start, restart or stop streams so each market with an active credential has exactly one."""
        for market in self.markets:
            try:
                credential = await asyncio.to_thread(off_loop, self._credential, market)
            except Exception:
                logger.exception("streams: could not read the %s credential; keeping what runs", market)
                continue
            current = self.running.get(market)
            if current is not None and current.credential == credential and not current.task.done():
                continue
            if current is not None:
                logger.info("streams: %s key %s replaced by %s", market, current.credential, credential)
                await self._stop(market)
            if credential is None:
                continue
            stream = self._build(market, credential)
            task = asyncio.create_task(stream.run(), name=f"user-stream-{market}")
            self.running[market] = Running(stream, task, credential)
            logger.info("streams: %s user stream started (credential %s)", market, credential)
        await self._changed()

    # ------------------------------------------------------------------ health
    def _process(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "started_ms": self.started_ms,
            "heartbeat_ms": now_ms(),
            "markets": list(self.markets),
            "down_after_s": self.config.down_after_s,
        }

    async def _changed(self) -> None:
        streams = [r.stream.health for r in self.running.values()]
        try:
            await asyncio.to_thread(
                health_write,
                self.rt.redis,
                self.rt.prefix,
                process=self._process(),
                streams=streams,
                ttl_s=self.config.health_ttl_s,
            )
            await self._publish_changes(streams)
        except Exception:  # Redis away: the streams go on; health shows "not running" until it is back
            logger.exception("streams: could not publish stream health")

    async def _publish_changes(self, streams: list[StreamHealth]) -> None:
        from apps.realtime.publish import publish_account_event

        for health in streams:
            seen = (health.connected, health.state)
            if self._published.get(health.name) == seen:
                continue
            self._published[health.name] = seen
            payload = {
                "name": health.name,
                "market": health.market,
                "connected": health.connected,
                "state": health.state,
                "reconnects": health.reconnects,
                "last_error": health.last_error,
            }
            await asyncio.to_thread(off_loop, publish_account_event, "stream", payload)

    # ------------------------------------------------------------------ life
    async def run(self, stop: asyncio.Event) -> None:
        """Supervise until `stop` is set; then stop every stream and withdraw the health keys."""
        logger.info("streams: supervising %s", ", ".join(self.markets))
        next_check = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                if loop.time() >= next_check:
                    await self.reconcile_streams()
                    next_check = loop.time() + self.config.credential_check_s
                else:
                    await self._changed()
                await wait_stop(stop, self.config.heartbeat_s)
        finally:
            for market in list(self.running):
                await self._stop(market)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(health_clear, self.rt.redis, self.rt.prefix)
            await self.gateway.close()
            logger.info("streams: stopped")
