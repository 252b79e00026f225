"""24-hour and rolling-window ticker statistics, computed from the kline history the streams published."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.market.feed import Feed

ZERO = Decimal(0)
DAY_MS = 86_400_000


@dataclass
class Stats:
    open_time: int
    close_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    last_qty: Decimal
    prev_close: Decimal
    volume: Decimal
    quote_volume: Decimal
    first_id: int
    last_id: int
    count: int

    @property
    def change(self) -> Decimal:
        return self.last - self.open

    @property
    def change_percent(self) -> Decimal:
        if self.open == 0:
            return ZERO
        return (self.change / self.open * 100).quantize(Decimal("0.001"), ROUND_HALF_UP)

    @property
    def weighted_avg(self) -> Decimal:
        return self.quote_volume / self.volume if self.volume > 0 else self.last


def compute(feed: Feed, now_ms: int, window_ms: int = DAY_MS) -> Stats:
    since = now_ms - window_ms
    candles = feed.history.window(since)
    last_trade = feed.history.last_trade()
    last = last_trade.price if last_trade else feed.last_price
    last_qty = last_trade.qty if last_trade else ZERO
    if not candles:
        return Stats(since, now_ms, last, last, last, last, last_qty, last, ZERO, ZERO, -1, -1, 0)
    # prevClosePrice is the last trade before the window, i.e. where the window's first candle opened.
    prev = candles[0].open
    volume = sum((k.volume for k in candles), ZERO)
    quote = sum((k.quote_volume for k in candles), ZERO)
    first_ids = [k.first_id for k in candles if k.first_id >= 0]
    last_ids = [k.last_id for k in candles if k.last_id >= 0]
    first_id = first_ids[0] if first_ids else -1
    last_id = last_ids[-1] if last_ids else -1
    count = last_id - first_id + 1 if first_id >= 0 and last_id >= 0 else 0
    return Stats(
        open_time=since,
        close_time=now_ms,
        open=candles[0].open,
        high=max(max(k.high for k in candles), last),
        low=min(min(k.low for k in candles), last),
        last=last,
        last_qty=last_qty,
        prev_close=prev,
        volume=volume,
        quote_volume=quote,
        first_id=first_id,
        last_id=last_id,
        count=count,
    )


def pct(value: Decimal) -> str:
    return f"{value:.3f}"


def rest_24hr(feed: Feed, stats: Stats, *, mini: bool = False) -> dict[str, Any]:
    spec = feed.spec
    p, q = spec.fmt_price, spec.fmt_qty
    if mini:
        return {
            "symbol": spec.symbol,
            "openPrice": p(stats.open),
            "highPrice": p(stats.high),
            "lowPrice": p(stats.low),
            "lastPrice": p(stats.last),
            "volume": q(stats.volume),
            "quoteVolume": spec.fmt_quote(stats.quote_volume),
            "openTime": stats.open_time,
            "closeTime": stats.close_time,
            "firstId": stats.first_id,
            "lastId": stats.last_id,
            "count": stats.count,
        }
    out: dict[str, Any] = {
        "symbol": spec.symbol,
        "priceChange": p(stats.change),
        "priceChangePercent": pct(stats.change_percent),
        "weightedAvgPrice": p(stats.weighted_avg),
    }
    if spec.market == "spot":
        bid, ask = feed.depth.top("BUY", 1), feed.depth.top("SELL", 1)
        out |= {
            "prevClosePrice": p(stats.prev_close),
            "lastPrice": p(stats.last),
            "lastQty": q(stats.last_qty),
            "bidPrice": p(bid[0][0]) if bid else p(ZERO),
            "bidQty": q(bid[0][1]) if bid else q(ZERO),
            "askPrice": p(ask[0][0]) if ask else p(ZERO),
            "askQty": q(ask[0][1]) if ask else q(ZERO),
        }
    else:
        out |= {"lastPrice": p(stats.last), "lastQty": q(stats.last_qty)}
    out |= {
        "openPrice": p(stats.open),
        "highPrice": p(stats.high),
        "lowPrice": p(stats.low),
        "volume": q(stats.volume),
        "quoteVolume": spec.fmt_quote(stats.quote_volume),
        "openTime": stats.open_time,
        "closeTime": stats.close_time,
        "firstId": stats.first_id,
        "lastId": stats.last_id,
        "count": stats.count,
    }
    return out


def ws_ticker(feed: Feed, stats: Stats, event_ms: int) -> dict[str, Any]:
    spec = feed.spec
    p, q = spec.fmt_price, spec.fmt_qty
    out: dict[str, Any] = {
        "e": "24hrTicker",
        "E": event_ms,
        "s": spec.symbol,
        "p": p(stats.change),
        "P": pct(stats.change_percent),
        "w": p(stats.weighted_avg),
    }
    if spec.market == "spot":
        bid, ask = feed.depth.top("BUY", 1), feed.depth.top("SELL", 1)
        out |= {
            "x": p(stats.prev_close),
            "c": p(stats.last),
            "Q": q(stats.last_qty),
            "b": p(bid[0][0]) if bid else p(ZERO),
            "B": q(bid[0][1]) if bid else q(ZERO),
            "a": p(ask[0][0]) if ask else p(ZERO),
            "A": q(ask[0][1]) if ask else q(ZERO),
        }
    else:
        out |= {"c": p(stats.last), "Q": q(stats.last_qty)}
    out |= {
        "o": p(stats.open),
        "h": p(stats.high),
        "l": p(stats.low),
        "v": q(stats.volume),
        "q": spec.fmt_quote(stats.quote_volume),
        "O": stats.open_time,
        "C": stats.close_time,
        "F": stats.first_id,
        "L": stats.last_id,
        "n": stats.count,
    }
    return out


def ws_window_ticker(feed: Feed, stats: Stats, event_ms: int, window: str) -> dict[str, Any]:
    spec = feed.spec
    p = spec.fmt_price
    return {
        "e": f"{window}Ticker",
        "E": event_ms,
        "s": spec.symbol,
        "p": p(stats.change),
        "P": pct(stats.change_percent),
        "o": p(stats.open),
        "h": p(stats.high),
        "l": p(stats.low),
        "c": p(stats.last),
        "w": p(stats.weighted_avg),
        "v": spec.fmt_qty(stats.volume),
        "q": spec.fmt_quote(stats.quote_volume),
        "O": stats.open_time,
        "C": stats.close_time,
        "F": stats.first_id,
        "L": stats.last_id,
        "n": stats.count,
    }


def ws_mini_ticker(feed: Feed, stats: Stats, event_ms: int) -> dict[str, Any]:
    spec = feed.spec
    return {
        "e": "24hrMiniTicker",
        "E": event_ms,
        "s": spec.symbol,
        "c": spec.fmt_price(stats.last),
        "o": spec.fmt_price(stats.open),
        "h": spec.fmt_price(stats.high),
        "l": spec.fmt_price(stats.low),
        "v": spec.fmt_qty(stats.volume),
        "q": spec.fmt_quote(stats.quote_volume),
    }
