"""The market-data supervisor: keeps the subscriptions equal to the desired set, on as few connections as
the per-connection limits allow, and keeps them healthy.

Every `eval_s` the desired set is read (`demand.desired`) and applied with live SUBSCRIBE/UNSUBSCRIBE.
A connection that drops gives its streams back; they are placed on a new connection after the market's
backoff (exponential, full jitter) and only while the connections-per-5-min bucket allows. Before
`max_age_s` a connection is replaced without a gap: the new one is opened and subscribed first, then the
old one closed (the overlap's duplicates are dropped by the sequencer and the books). Every `check_s`
silent streams are marked stale and resubscribed, and health goes to Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from apps.common.aio import wait_stop
from apps.exchange.gateway.pipeline import off_loop
from apps.marketdata import metrics
from apps.marketdata.books import Books
from apps.marketdata.connection import MarketConnection
from apps.marketdata.demand import desired, known_symbols
from apps.marketdata.domain.health import StreamHealth, is_silent
from apps.marketdata.domain.plan import TokenBucket, place
from apps.marketdata.domain.streams import MARKETS, Stream, from_wire
from apps.marketdata.keys import health_key, process_key
from apps.marketdata.processor import Processor
from apps.marketdata.publish import Publisher

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.exchange.gateway.streams import AsyncGateway
    from apps.exchange.runtime import Runtime
    from apps.marketdata.conf import MarketDataConfig

logger = logging.getLogger(__name__)

SYMBOLS_REFRESH_S = 60.0
SYMBOLS_RETRY_S = 5.0


def now_ms() -> int:
    return int(time.time() * 1000)


def symbols_refresh_s(known: dict[str, frozenset[str]], refused: set[str]) -> float:
    """How long until the listed symbols are read again.

    Hourly changes only need a slow refresh, but at first start the symbol sync runs beside this process:
    while nothing is known yet, or a client asks for a symbol we do not know, look again soon, so the
    first minute after `make run` is not without market data.
    """
    if refused or not any(known.values()):
        return SYMBOLS_RETRY_S
    return SYMBOLS_REFRESH_S


class MarketDataSupervisor:
    def __init__(
        self,
        *,
        config: MarketDataConfig,
        rt: Runtime | None = None,
        gateway: AsyncGateway | None = None,
        layer: Any = None,
        redis_url: str | None = None,
    ) -> None:
        import redis
        import redis.asyncio as aredis
        from django.conf import settings

        from apps.exchange.gateway.streams import AsyncGateway
        from apps.exchange.runtime import runtime

        self.config = config
        self.rt = rt or runtime()
        self.owns_gateway = gateway is None
        self.gateway = gateway or AsyncGateway(self.rt)
        url = redis_url or settings.REDIS_URL
        self.redis = aredis.Redis.from_url(url)
        self.sync_redis = redis.Redis.from_url(url)
        self.publisher = Publisher(
            self.redis, prefix=config.key_prefix, ttl_s=config.cache_ttl_s, layer=layer
        )
        self.books = Books(self.gateway, self.publisher, config)
        self.processor = Processor(publisher=self.publisher, gateway=self.gateway, books=self.books)
        self.urls = {"spot": f"{self.rt.urls.stream}stream", "usdm": f"{self.rt.urls.fstream}stream"}
        self.conns: dict[int, MarketConnection] = {}
        self.owner: dict[str, int] = {}  # stream name → connection id
        self.wanted: dict[str, Stream] = {}
        self.known: dict[str, frozenset[str]] = {m: frozenset() for m in MARKETS}
        self.refused: set[str] = set()
        self.health: dict[str, StreamHealth] = {}
        self.last_seen: dict[str, int] = {}  # local receive time of the last valid event
        self.since: dict[str, int] = {}  # when the current subscription started
        self.conn_bucket = TokenBucket(
            rate=config.connections_per_5min / 300, capacity=config.connections_per_5min
        )
        self.attempt = dict.fromkeys(MARKETS, 0)
        self.next_connect = dict.fromkeys(MARKETS, 0.0)
        self.rotating: set[int] = set()
        self.retiring: dict[int, MarketConnection] = {}  # replaced by a rotation, still read for a moment
        # Tests: drop frames before processing (returns True to drop) to simulate silence or a lost diff.
        self.drop: Callable[[str, Any], bool] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # ------------------------------------------------------------------ messages
    async def _on_message(self, conn: MarketConnection, wire: str, data: Any, recv_ms: int) -> None:
        stream = from_wire(conn.market, wire)
        if stream is None or stream.name not in self.wanted:
            metrics.DROPPED.labels("unknown", "unwanted").inc()
            return
        if self.drop is not None and self.drop(stream.name, data):
            return
        known = self.known.get(stream.market, frozenset())
        if await self.processor.handle(stream, data, known=known, received_ms=recv_ms):
            self.last_seen[stream.name] = recv_ms
            health = self.health.setdefault(stream.name, StreamHealth())
            health.last_event_ms = data.get("E", recv_ms) if isinstance(data, dict) else recv_ms
            if health.stale:
                health.stale, health.stale_since = False, None

    # ------------------------------------------------------------------ connections
    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _open(self, market: str, wires: list[str]) -> MarketConnection | None:
        assert self._session is not None
        wait = self.conn_bucket.take(time.monotonic())
        if wait > 0:  # over the connection budget: give the token back and try on a later round
            self.conn_bucket.tokens += 1
            return None
        conn = MarketConnection(
            market=market,
            url=self.urls[market],
            session=self._session,
            on_message=self._on_message,
            frames_per_s=self.config.frames_per_s[market],
            params_per_frame=self.config.params_per_frame,
            timeout_s=self.config.request_timeout_s,
        )
        try:
            await conn.open()
            await conn.subscribe(wires)
        except Exception as exc:
            await conn.close()
            self._failed(market, 0.0, f"open failed: {exc}")
            return None
        self.conns[conn.id] = conn
        self._spawn(self._watch(conn))
        return conn

    def _failed(self, market: str, lived_s: float, why: str) -> None:
        self.attempt[market] = 1 if lived_s >= self.config.stable_after_s else self.attempt[market] + 1
        delay = self.config.backoff.delay(self.attempt[market])
        self.next_connect[market] = time.monotonic() + delay
        metrics.RECONNECTS.labels(market, "drop").inc()
        logger.warning("marketdata: %s connection lost (%s); reconnect in %.1fs", market, why, delay)

    async def _watch(self, conn: MarketConnection) -> None:
        await conn.closed.wait()
        self.conns.pop(conn.id, None)
        if conn.closing:
            return
        for name in [n for n, cid in self.owner.items() if cid == conn.id]:
            del self.owner[name]
            self.health.setdefault(name, StreamHealth()).reconnects += 1
        self._failed(conn.market, conn.age_s, "closed by the server or the network")

    def _assign(self, conn: MarketConnection, streams: list[Stream], *, fresh: bool) -> None:
        for stream in streams:
            self.owner[stream.name] = conn.id
            if fresh:
                self.since[stream.name] = now_ms()
                self.last_seen.pop(stream.name, None)
                if stream.kind == "depth":
                    self.books.start(stream, cause="subscribe")

    async def reconcile(self) -> None:
        wanted, refused = await asyncio.to_thread(off_loop, desired, self.sync_redis, self.config, self.known)
        self.refused = refused
        self.wanted = {s.name: s for s in wanted}
        for name in [n for n in self.owner if n not in self.wanted]:
            conn = self.conns.get(self.owner.pop(name))
            self.processor.forget(name)
            self.books.stop(name)
            self.health.pop(name, None)
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.unsubscribe([Stream(*name.split(".")).wire])  # type: ignore[arg-type]
        for market in MARKETS:
            await self._place(market)
            await self._rotate_old(market)
            for conn in [c for c in self.conns.values() if c.market == market and not c.streams]:
                if conn.id not in self.rotating:
                    self.conns.pop(conn.id, None)
                    await conn.close()

    async def _place(self, market: str) -> None:
        missing = {s.wire: s for n, s in self.wanted.items() if s.market == market and n not in self.owner}
        if not missing:
            return
        used = {c.id: len(c.streams) for c in self.conns.values() if c.market == market}
        plan = place(missing, used, self.config.max_streams[market])
        for conn_id, wires in plan.existing.items():
            conn = self.conns[conn_id]
            try:
                await conn.subscribe(wires)
            except Exception:
                logger.warning("marketdata: SUBSCRIBE on %s failed; retry next round", conn_id, exc_info=True)
                continue
            self._assign(conn, [missing[w] for w in wires], fresh=True)
        if plan.new and time.monotonic() < self.next_connect[market]:
            return
        for wires in plan.new:
            conn = await self._open(market, wires)
            if conn is None:
                return
            self._assign(conn, [missing[w] for w in wires], fresh=True)

    async def _rotate_old(self, market: str) -> None:
        for old in [
            c for c in self.conns.values() if c.market == market and c.age_s >= self.config.max_age_s
        ]:
            if old.id in self.rotating:
                continue
            self.rotating.add(old.id)
            try:
                streams = [s for n, s in self.wanted.items() if self.owner.get(n) == old.id]
                new = await self._open(market, sorted(s.wire for s in streams))
                if new is None:
                    continue
                self._assign(new, streams, fresh=False)  # books and sequences carry on across the switch
                metrics.RECONNECTS.labels(market, "rotate").inc()
                self.conns.pop(old.id, None)
                old.closing = True  # from now on its end is not a failure
                self.retiring[old.id] = old
                self._spawn(self._retire(old))
            finally:
                self.rotating.discard(old.id)

    async def _retire(self, old: MarketConnection) -> None:
        """Close a replaced connection only after `rotation_overlap_s`: frames already in flight on it are
        still read (closing at once would discard them, a gap), the new one's duplicates are dropped."""
        try:
            await asyncio.sleep(self.config.rotation_overlap_s)
        finally:
            self.retiring.pop(old.id, None)
            await old.close()

    # ------------------------------------------------------------------ staleness and health
    async def check(self) -> None:
        now = now_ms()
        for name, stream in self.wanted.items():
            health = self.health.setdefault(name, StreamHealth())
            health.expected_cadence_ms = self.config.cadence_ms.get(stream.family)
            conn = self.conns.get(self.owner.get(name, -1))
            if conn is None:
                continue
            silent = is_silent(
                last_seen_ms=self.last_seen.get(name),
                since_ms=self.since.get(name, now),
                now_ms=now,
                cadence_ms=health.expected_cadence_ms,
                factor=self.config.stale_factor,
            )
            if not silent:
                continue
            if not health.stale:
                health.stale, health.stale_since = True, now
                logger.warning("marketdata: %s is stale; resubscribing", name)
            self.since[name] = now  # the next resubscribe waits another full threshold
            self.last_seen.pop(name, None)
            self._spawn(self._resubscribe(conn, stream))
        metrics.STALE.set(sum(1 for n, h in self.health.items() if h.stale and n in self.wanted))
        await self._write_health()

    async def _resubscribe(self, conn: MarketConnection, stream: Stream) -> None:
        try:
            await conn.unsubscribe([stream.wire])
            await conn.subscribe([stream.wire])
        except Exception:
            logger.warning("marketdata: resubscribe of %s failed", stream.name, exc_info=True)
            return
        if stream.kind == "depth":
            self.books.start(stream, cause="stale")

    async def _write_health(self) -> None:
        key, ttl_ms = health_key(self.config.key_prefix), int(self.config.health_ttl_s * 1000)
        rows = {n: json.dumps(h.as_dict()) for n, h in self.health.items() if n in self.wanted}
        process = {"pid": os.getpid(), "heartbeat_ms": now_ms(), "connections": len(self.conns)}
        try:
            pipe = self.redis.pipeline(transaction=True)
            pipe.delete(key)
            if rows:
                pipe.hset(key, mapping=rows)
                pipe.pexpire(key, ttl_ms)
            pipe.set(process_key(self.config.key_prefix), json.dumps(process), px=ttl_ms)
            await pipe.execute()
        except Exception:
            logger.warning("marketdata: could not write health", exc_info=True)

    # ------------------------------------------------------------------ life
    async def run(self, stop: asyncio.Event) -> None:
        self._session = aiohttp.ClientSession()
        self._spawn(self.books.flush_loop(stop))
        self._spawn(self.books.verify_loop(stop))
        loop = asyncio.get_running_loop()
        next_eval = next_check = next_symbols = 0.0
        try:
            while not stop.is_set():
                now = loop.time()
                try:
                    if now >= next_symbols:
                        self.known = await asyncio.to_thread(off_loop, known_symbols)
                        next_symbols = now + symbols_refresh_s(self.known, self.refused)
                    if now >= next_eval:
                        await self.reconcile()
                        next_eval = now + self.config.eval_s
                    if now >= next_check:
                        await self.check()
                        next_check = now + self.config.check_s
                except Exception:
                    logger.exception("marketdata: supervisor round failed")
                await wait_stop(stop, min(self.config.eval_s, self.config.check_s) / 4)
        finally:
            await self.close()

    async def close(self) -> None:
        self.books.close()
        for task in list(self._tasks):
            task.cancel()
        for conn in [*self.conns.values(), *self.retiring.values()]:
            await conn.close()
        self.conns.clear()
        self.retiring.clear()
        with contextlib.suppress(Exception):
            await self.redis.delete(process_key(self.config.key_prefix), health_key(self.config.key_prefix))
        if self._session is not None:
            await self._session.close()
        await self.redis.aclose()
        self.sync_redis.close()
        if self.owns_gateway:
            with contextlib.suppress(Exception):
                await self.gateway.close()
