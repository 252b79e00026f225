"""Each received frame: parse and validate, order (duplicates of an overlap dropped), fill a closed kline
missed across a reconnect from REST, publish; depth diffs go to the local books."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from apps.exchange.domain import parse
from apps.marketdata import metrics
from apps.marketdata.domain.events import DepthDiff, Kline, Rejected, parse_event
from apps.marketdata.domain.messages import message
from apps.marketdata.domain.sequence import Gap, Sequencer, Verdict

if TYPE_CHECKING:
    from apps.exchange.gateway.streams import AsyncGateway
    from apps.marketdata.books import Books
    from apps.marketdata.domain.streams import Stream
    from apps.marketdata.publish import Publisher

logger = logging.getLogger(__name__)


class Processor:
    def __init__(self, *, publisher: Publisher, gateway: AsyncGateway, books: Books) -> None:
        self.publisher = publisher
        self.gateway = gateway
        self.books = books
        self.sequencer = Sequencer()
        self._logged: set[str] = set()
        self.rejected = 0
        self.backfilled = 0
        # Per stream: order check and publish are one step, else two connections of an overlap (rotation)
        # interleave at the publish's awaits and the accepted order is published out of order.
        self._locks: dict[str, asyncio.Lock] = {}

    def forget(self, name: str) -> None:
        self.sequencer.forget(name)
        self._locks.pop(name, None)

    async def handle(self, stream: Stream, data: Any, *, known: frozenset[str], received_ms: int) -> bool:
        """True when the frame was a valid event of the stream (alive), whether published or a duplicate."""
        metrics.MESSAGES_IN.labels(stream.market, stream.family).inc()
        event = parse_event(stream, data, known=known, received_ms=received_ms)
        if isinstance(event, Rejected):
            self.rejected += 1
            metrics.DROPPED.labels(event.kind, "bad").inc()
            if event.kind not in self._logged:  # once per kind: a broken feed must not flood the log
                self._logged.add(event.kind)
                reason = event.reason
                logger.warning("marketdata: bad %s message (%s): %s", event.kind, stream.name, reason)
            return False
        if isinstance(event, DepthDiff):
            self.books.on_diff(stream, event)
            return True
        async with self._locks.setdefault(stream.name, asyncio.Lock()):
            if isinstance(event, Kline):
                verdict, gap = self.sequencer.kline(stream.name, event)
                if gap is not None:
                    await self._backfill(stream, gap)
            else:
                verdict = self.sequencer.check(stream.name, event)
            if verdict is not Verdict.ACCEPT:
                metrics.DROPPED.labels(stream.family, verdict.value).inc()
                return True
            await self.publisher.publish(stream.market, stream.family, message(stream.name, event))
        return True

    async def _backfill(self, stream: Stream, gap: Gap) -> None:
        """Publish, closed, the candles in the gap (a close missed while disconnected) from REST klines."""
        params = {
            "symbol": stream.symbol.upper(),
            "interval": stream.interval or "",
            "startTime": str(gap.start_ms),
            "endTime": str(gap.end_ms - 1),
            "limit": "1000",
        }
        try:
            rows = await self.gateway.p.acall(f"{stream.exchange_market}.klines", params)
        except Exception:
            metrics.DROPPED.labels("kline", "backfill_failed").inc()
            logger.warning("marketdata: could not backfill %s %s", stream.name, gap, exc_info=True)
            return
        now = int(time.time() * 1000)
        for row in rows:
            k = parse.kline(row)
            if not gap.start_ms <= k.open_time_ms < gap.end_ms or k.close_time_ms >= now:
                continue
            event = Kline(
                E=now, t=k.open_time_ms, T=k.close_time_ms, i=stream.interval or "", o=k.open, h=k.high,
                l=k.low, c=k.close, v=k.volume, q=k.quote_volume, n=k.trades, x=True,
            )  # fmt: skip
            self.backfilled += 1
            await self.publisher.publish(stream.market, "kline", message(stream.name, event))
