"""Kline history for charts: from the exchange through the gateway (rate limited), cached in Redis.

Closed candles never change, so each is kept (per market, symbol and interval, in a sorted set by open
time, for a day) and a later request that the cache covers without a gap costs no exchange call. The
open candle changes with every trade; it is kept for 2 s only.
"""

from __future__ import annotations

import json
import time
from itertools import pairwise
from typing import Any, Final

from apps.exchange.gateway import get_gateway
from apps.marketdata.fanout import store
from apps.marketdata.fanout.names import GATEWAY_MARKET

CLOSED_TTL_S: Final = 86_400
OPEN_TTL_S: Final = 2
MAX_CACHED: Final = 5_000  # newest closed candles kept per market, symbol and interval


def _key(market: str, symbol: str, interval: str) -> str:
    return f"{store.prefix()}:klines:{market}:{symbol}:{interval}"


def _row(kline: Any) -> dict[str, Any]:
    def s(value: Any) -> str:
        return format(value, "f")

    return {
        "open_time": kline.open_time_ms,
        "open": s(kline.open),
        "high": s(kline.high),
        "low": s(kline.low),
        "close": s(kline.close),
        "volume": s(kline.volume),
        "close_time": kline.close_time_ms,
        "quote_volume": s(kline.quote_volume),
        "trades": kline.trades,
    }


def _contiguous(rows: list[dict[str, Any]]) -> bool:
    return all(b["open_time"] == a["close_time"] + 1 for a, b in pairwise(rows))


def _from_cache(key: str, *, limit: int, end_ms: int, now_ms: int) -> list[dict[str, Any]] | None:
    client = store.client()
    pipe = client.pipeline(transaction=False)
    pipe.zrevrangebyscore(key, end_ms, "-inf", start=0, num=limit)
    pipe.get(key + ":open")
    newest_first, open_raw = pipe.execute()
    rows = [json.loads(raw) for raw in reversed(newest_first)]
    if not rows or not _contiguous(rows):
        return None
    following = rows[-1]["close_time"] + 1  # open time of the candle after the newest cached one
    if following > end_ms:
        return rows if len(rows) == limit else None
    candle = json.loads(open_raw) if open_raw else None
    if candle is None or candle["open_time"] != following or candle["close_time"] < now_ms:
        return None  # the next candle is not the open one we hold: ask the exchange
    return ([*rows, candle])[-limit:] if len(rows) + 1 >= limit else None


def _to_cache(key: str, rows: list[dict[str, Any]], *, now_ms: int) -> None:
    closed = [row for row in rows if row["close_time"] < now_ms]
    pipe = store.client().pipeline(transaction=False)
    for row in closed:
        pipe.zremrangebyscore(key, row["open_time"], row["open_time"])
        pipe.zadd(key, {json.dumps(row, separators=(",", ":")): row["open_time"]})
    if closed:
        pipe.zremrangebyrank(key, 0, -MAX_CACHED - 1)
        pipe.expire(key, CLOSED_TTL_S)
    if rows and rows[-1]["close_time"] >= now_ms:
        pipe.set(key + ":open", json.dumps(rows[-1], separators=(",", ":")), ex=OPEN_TTL_S)
    pipe.execute()


def klines_get(
    *, market: str, symbol: str, interval: str, limit: int, end_time: int | None
) -> list[dict[str, Any]]:
    """Up to `limit` candles with open time <= end_time (default: now), oldest first, numbers as strings."""
    now_ms = int(time.time() * 1000)
    end_ms = now_ms if end_time is None else min(end_time, now_ms)
    key = _key(market, symbol, interval)
    cached = _from_cache(key, limit=limit, end_ms=end_ms, now_ms=now_ms)
    if cached is not None:
        return cached
    klines = get_gateway().klines(GATEWAY_MARKET[market], symbol, interval, limit=limit, end_ms=end_time)
    rows = [_row(k) for k in klines]
    _to_cache(key, rows, now_ms=now_ms)
    return rows
