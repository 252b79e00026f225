"""Public trades, aggregate trades and klines of one symbol: what REST serves is what streams sent."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.market.intervals import BASE_OF, bucket_end, bucket_start

if TYPE_CHECKING:
    from collections.abc import Iterable

ZERO = Decimal(0)
KLINE_KEEP = 1500


@dataclass
class Trade:
    id: int
    price: Decimal
    qty: Decimal
    time: int
    buyer_is_maker: bool

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty


@dataclass
class AggTrade:
    id: int
    price: Decimal
    qty: Decimal
    first_id: int
    last_id: int
    time: int
    buyer_is_maker: bool


@dataclass
class Kline:
    open_time: int
    close_time: int  # inclusive, as on the wire (bucket end - 1)
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal = ZERO
    quote_volume: Decimal = ZERO
    trades: int = 0
    taker_base: Decimal = ZERO
    taker_quote: Decimal = ZERO
    first_id: int = -1
    last_id: int = -1

    def add(self, trade: Trade) -> None:
        self.high = max(self.high, trade.price)
        self.low = min(self.low, trade.price)
        self.close = trade.price
        self.volume += trade.qty
        self.quote_volume += trade.quote_qty
        self.trades += 1
        if not trade.buyer_is_maker:
            self.taker_base += trade.qty
            self.taker_quote += trade.quote_qty
        if self.first_id < 0:
            self.first_id = trade.id
        self.last_id = trade.id

    def merge(self, other: Kline) -> None:
        self.high = max(self.high, other.high)
        self.low = min(self.low, other.low)
        self.close = other.close
        self.volume += other.volume
        self.quote_volume += other.quote_volume
        self.trades += other.trades
        self.taker_base += other.taker_base
        self.taker_quote += other.taker_quote
        if self.first_id < 0:
            self.first_id = other.first_id
        if other.last_id >= 0:
            self.last_id = other.last_id


class KlineSeries:
    def __init__(self, interval: str, keep: int = KLINE_KEEP) -> None:
        self.interval = interval
        self.candles: deque[Kline] = deque(maxlen=keep)

    def _open(self, open_ms: int, price: Decimal) -> Kline:
        return Kline(open_ms, bucket_end(self.interval, open_ms) - 1, price, price, price, price)

    def roll(self, time_ms: int, price: Decimal) -> list[Kline]:
        """Make the bucket of `time_ms` current, adding flat candles for empty buckets; return closed ones."""
        start = bucket_start(self.interval, time_ms)
        closed: list[Kline] = []
        if not self.candles:
            self.candles.append(self._open(start, price))
            return closed
        last = self.candles[-1]
        while last.open_time < start:
            closed.append(last)
            last = self._open(last.close_time + 1, last.close)
            self.candles.append(last)
        return closed

    def add(self, trade: Trade) -> list[Kline]:
        closed = self.roll(trade.time, trade.price)
        self.candles[-1].add(trade)
        return closed

    def current(self) -> Kline | None:
        return self.candles[-1] if self.candles else None

    def select(self, start: int | None, end: int | None, limit: int) -> list[Kline]:
        return select(self.candles, start, end, limit)


def select(candles: Iterable[Kline], start: int | None, end: int | None, limit: int) -> list[Kline]:
    rows: Iterable[Kline] = candles
    if start is not None:
        rows = (k for k in rows if k.open_time >= start)
    if end is not None:
        rows = (k for k in rows if k.open_time <= end)
    chosen = list(rows)
    # Binance: with startTime the oldest `limit` from start, otherwise the newest `limit`.
    return chosen[:limit] if start is not None else chosen[-limit:]


def aggregate(interval: str, base: Iterable[Kline], offset_ms: int = 0) -> list[Kline]:
    """Group `base` candles into `interval` buckets whose boundaries are shifted by `offset_ms` (timeZone)."""
    out: list[Kline] = []
    for k in base:
        start = bucket_start(interval, k.open_time + offset_ms) - offset_ms
        if not out or out[-1].open_time != start:
            end = bucket_end(interval, start + offset_ms) - offset_ms
            out.append(
                Kline(start, end - 1, k.open, k.high, k.low, k.close, first_id=k.first_id, last_id=k.last_id)
            )
            out[-1].volume = k.volume
            out[-1].quote_volume = k.quote_volume
            out[-1].trades = k.trades
            out[-1].taker_base = k.taker_base
            out[-1].taker_quote = k.taker_quote
        else:
            out[-1].merge(k)
    return out


class History:
    def __init__(self, intervals: Iterable[str], keep_trades: int) -> None:
        self.trades: deque[Trade] = deque(maxlen=keep_trades)
        self.agg_trades: deque[AggTrade] = deque(maxlen=keep_trades)
        self.series: dict[str, KlineSeries] = {i: KlineSeries(i) for i in intervals}
        self.next_trade_id = 1
        self.next_agg_id = 1

    def backfill(self, bases: dict[str, list[Kline]]) -> None:
        """Seed every series from generated base series (1s/1m/1h/1d), aggregating the rest."""
        for interval, series in self.series.items():
            base = bases.get(BASE_OF[interval], [])
            rows = base if BASE_OF[interval] == interval else aggregate(interval, base)
            series.candles.clear()
            series.candles.extend(rows[-(series.candles.maxlen or KLINE_KEEP) :])

    def record(
        self,
        price: Decimal,
        qty: Decimal,
        buyer_is_maker: bool,  # noqa: FBT001 -- mirrors core's record_trade signature
        time_ms: int,
    ) -> tuple[Trade, AggTrade, list[tuple[str, Kline]]]:
        trade = Trade(self.next_trade_id, price, qty, time_ms, buyer_is_maker)
        self.next_trade_id += 1
        agg = AggTrade(self.next_agg_id, price, qty, trade.id, trade.id, time_ms, buyer_is_maker)
        self.next_agg_id += 1
        self.trades.append(trade)
        self.agg_trades.append(agg)
        closed: list[tuple[str, Kline]] = []
        for interval, series in self.series.items():
            closed.extend((interval, k) for k in series.add(trade))
        return trade, agg, closed

    def roll(self, time_ms: int, price: Decimal) -> list[tuple[str, Kline]]:
        closed: list[tuple[str, Kline]] = []
        for interval, series in self.series.items():
            closed.extend((interval, k) for k in series.roll(time_ms, price))
        return closed

    def window(self, since_ms: int) -> list[Kline]:
        """1-minute candles (or coarser when 1m history is too short) covering `since_ms`..now."""
        for interval in ("1m", "1h", "1d"):
            series = self.series.get(interval)
            if series and series.candles and series.candles[0].open_time <= since_ms:
                return [k for k in series.candles if k.close_time >= since_ms]
        series = self.series.get("1m") or next(iter(self.series.values()))
        return list(series.candles)

    def last_trade(self) -> Trade | None:
        return self.trades[-1] if self.trades else None
