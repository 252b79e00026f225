"""Local order books of the `depth` streams: snapshot through the gateway (rate limiter), diffs in
sequence, resync on a gap, conflated top-N publishing (at most every `depth_publish_ms` per symbol) and a
periodic check against a fresh REST snapshot."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from apps.common.aio import wait_stop
from apps.marketdata import metrics
from apps.marketdata.domain.book import LocalBook, Outcome, tops_equal
from apps.marketdata.domain.messages import depth_message

if TYPE_CHECKING:
    from apps.exchange.gateway.streams import AsyncGateway
    from apps.marketdata.conf import MarketDataConfig
    from apps.marketdata.domain.events import DepthDiff
    from apps.marketdata.domain.streams import Stream
    from apps.marketdata.publish import Publisher

logger = logging.getLogger(__name__)


class Books:
    def __init__(self, gateway: AsyncGateway, publisher: Publisher, config: MarketDataConfig) -> None:
        self.gateway = gateway
        self.publisher = publisher
        self.config = config
        self.books: dict[str, LocalBook] = {}
        self.streams: dict[str, Stream] = {}
        self.dirty: set[str] = set()
        self.syncs: dict[str, asyncio.Task[None]] = {}
        self.resyncs = 0
        self.mismatches = 0

    def start(self, stream: Stream, *, cause: str = "subscribe") -> None:
        """(Re)build the book from scratch: buffer diffs, fetch a snapshot, replay."""
        book = self.books.setdefault(stream.name, LocalBook(stream.market))
        self.streams[stream.name] = stream
        book.history_n = self.config.depth_levels
        book.reset()
        if cause != "subscribe":
            self.resyncs += 1
            metrics.RESYNCS.labels(stream.market, cause).inc()
        old = self.syncs.pop(stream.name, None)
        if old is not None:
            old.cancel()
        self.syncs[stream.name] = asyncio.create_task(self._sync(stream), name=f"md-book-{stream.name}")

    def stop(self, name: str) -> None:
        self.books.pop(name, None)
        self.streams.pop(name, None)
        self.dirty.discard(name)
        task = self.syncs.pop(name, None)
        if task is not None:
            task.cancel()

    async def _sync(self, stream: Stream) -> None:
        attempt = 0
        while stream.name in self.books:
            book = self.books[stream.name]
            await asyncio.sleep(0.25)  # let the first diffs arrive first, as Binance's algorithm asks
            try:
                snap = await self.gateway.order_book(
                    stream.exchange_market,  # type: ignore[arg-type]
                    stream.symbol.upper(),
                    limit=self.config.snapshot_limit,
                )
            except Exception:
                attempt += 1
                logger.warning("marketdata: snapshot of %s failed (attempt %s)", stream.name, attempt)
                await asyncio.sleep(self.config.backoff.delay(attempt))
                continue
            bids = [(lv.price, lv.quantity) for lv in snap.bids]
            asks = [(lv.price, lv.quantity) for lv in snap.asks]
            if book.snapshot(snap.last_update_id, bids, asks) is Outcome.APPLIED:
                self.dirty.add(stream.name)
                self.syncs.pop(stream.name, None)
                return
            attempt += 1
            book.reset()  # the snapshot and the buffered diffs do not join: try again
            await asyncio.sleep(self.config.backoff.delay(attempt))

    def on_diff(self, stream: Stream, diff: DepthDiff) -> None:
        book = self.books.get(stream.name)
        if book is None:
            return
        outcome = book.apply(diff)
        if outcome is Outcome.APPLIED:
            self.dirty.add(stream.name)
        elif outcome is Outcome.STALE:
            metrics.DROPPED.labels("depth", "stale_update").inc()
        elif outcome is Outcome.GAP:
            logger.info("marketdata: %s sequence gap at U=%s; resync", stream.name, diff.U)
            self.start(stream, cause="gap")

    async def flush_loop(self, stop: asyncio.Event) -> None:
        """Publish the top-N of every changed book, at most once per `depth_publish_ms`."""
        period = self.config.depth_publish_ms / 1000
        while not stop.is_set():
            names, self.dirty = self.dirty, set()
            for name in names:
                book, stream = self.books.get(name), self.streams.get(name)
                if book is None or stream is None or not book.synced:
                    continue
                message = depth_message(name, book.top(self.config.depth_levels))
                await self.publisher.publish(stream.market, "depth", message)
            await wait_stop(stop, period)

    async def verify(self, name: str) -> bool | None:
        """Compare the book with a fresh snapshot at the same update id: True equal, False mismatch
        (resync started), None inconclusive (the book never passed exactly that id)."""
        book, stream = self.books.get(name), self.streams.get(name)
        if book is None or stream is None or not book.synced:
            return None
        snap = await self.gateway.order_book(
            stream.exchange_market,  # type: ignore[arg-type]
            stream.symbol.upper(),
            limit=self.config.snapshot_limit,
        )
        deadline = time.monotonic() + 3
        while (book.last_update_id or 0) < snap.last_update_id and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        state = book.state_at(snap.last_update_id)
        if state is None:
            return None
        n = self.config.depth_levels
        bids = [(lv.price, lv.quantity) for lv in snap.bids]
        asks = [(lv.price, lv.quantity) for lv in snap.asks]
        if tops_equal(state, bids, asks, n):
            return True
        self.mismatches += 1
        logger.warning("marketdata: %s differs from the exchange's book; resync", name)
        self.start(stream, cause="mismatch")
        return False

    async def verify_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await wait_stop(stop, self.config.verify_s)
            for name in list(self.books):
                try:
                    await self.verify(name)
                except Exception:
                    logger.warning("marketdata: book check of %s failed", name, exc_info=True)

    def close(self) -> None:
        for name in list(self.books):
            self.stop(name)
