"""Platform stream names (`<market>.<symbol>.<kind>`) and their Binance wire names (pure)."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from typing import Final

MARKETS: Final = ("spot", "usdm")
EXCHANGE_MARKET: Final = {"spot": "spot", "usdm": "futures"}  # the gateway's market names
PLATFORM_MARKET: Final = {"SPOT": "spot", "USDM": "usdm"}  # apps.symbols Market values → ours

MINUTE: Final = 60_000
INTERVAL_MS: Final = {
    "1m": MINUTE,
    "3m": 3 * MINUTE,
    "5m": 5 * MINUTE,
    "15m": 15 * MINUTE,
    "30m": 30 * MINUTE,
    "1h": 60 * MINUTE,
    "2h": 120 * MINUTE,
    "4h": 240 * MINUTE,
    "6h": 360 * MINUTE,
    "8h": 480 * MINUTE,
    "12h": 720 * MINUTE,
    "1d": 1440 * MINUTE,
    "3d": 3 * 1440 * MINUTE,
    "1w": 7 * 1440 * MINUTE,
    "1M": 31 * 1440 * MINUTE,  # upper bound; alignment is checked on the calendar
}
KLINE_KINDS: Final = frozenset(f"kline_{i}" for i in INTERVAL_MS)
PLAIN_KINDS: Final = frozenset({"ticker", "miniticker", "bookticker", "depth", "trade"})
USDM_ONLY: Final = frozenset({"markprice", "forceorder"})

_WIRE: Final = {
    "ticker": "@ticker",
    "miniticker": "@miniTicker",
    "bookticker": "@bookTicker",
    "depth": "@depth@100ms",
    "trade": "@aggTrade",
    "markprice": "@markPrice@1s",
    "forceorder": "@forceOrder",
}
_FROM_WIRE: Final = {v: k for k, v in _WIRE.items()}
_WEEK_OFFSET_MS: Final = 4 * 1440 * MINUTE  # 1970-01-01 was a Thursday; Binance weeks start on Monday


@dataclass(frozen=True, order=True)
class Stream:
    market: str  # "spot" | "usdm"
    symbol: str  # lowercase, e.g. "btcusdt"
    kind: str

    @property
    def name(self) -> str:
        return f"{self.market}.{self.symbol}.{self.kind}"

    @property
    def interval(self) -> str | None:
        return self.kind[6:] if self.kind.startswith("kline_") else None

    @property
    def family(self) -> str:
        """The kind without its interval ("kline" for every kline_<i>)."""
        return "kline" if self.interval else self.kind

    @property
    def exchange_market(self) -> str:
        return EXCHANGE_MARKET[self.market]

    @property
    def wire(self) -> str:
        """Binance's stream name on this market's connection."""
        if self.interval:
            return f"{self.symbol}@kline_{self.interval}"
        return self.symbol + _WIRE[self.kind]


def parse_stream(name: str) -> Stream | None:
    """`spot.btcusdt.kline_1m` → Stream; None for anything outside the contract."""
    parts = name.split(".")
    if len(parts) != 3:
        return None
    market, symbol, kind = parts
    if market not in MARKETS or not symbol.isalnum() or symbol != symbol.lower() or not symbol:
        return None
    if kind not in KLINE_KINDS and kind not in PLAIN_KINDS and kind not in USDM_ONLY:
        return None
    if kind in USDM_ONLY and market != "usdm":
        return None
    return Stream(market, symbol, kind)


def from_wire(market: str, wire: str) -> Stream | None:
    """Binance's name on a `market` connection → Stream (None for streams this app never subscribes)."""
    symbol, at, rest = wire.partition("@")
    if not at:
        return None
    kind = rest if rest.startswith("kline_") else _FROM_WIRE.get("@" + rest, "")
    return parse_stream(f"{market}.{symbol}.{kind}")


def kline_aligned(interval: str, open_ms: int) -> bool:
    """Binance opens candles on UTC boundaries: weeks on Mondays, months on the 1st."""
    if interval == "1M":
        seconds, ms = divmod(open_ms, 1000)
        t = time.gmtime(seconds)
        return ms == 0 and t.tm_mday == 1 and (t.tm_hour, t.tm_min, t.tm_sec) == (0, 0, 0)
    if interval == "1w":
        return (open_ms - _WEEK_OFFSET_MS) % INTERVAL_MS["1w"] == 0
    return open_ms % INTERVAL_MS[interval] == 0


def next_open_ms(interval: str, open_ms: int) -> int:
    """Open time of the candle after the one opened at `open_ms`."""
    if interval != "1M":
        return open_ms + INTERVAL_MS[interval]
    t = time.gmtime(open_ms // 1000)
    year, month = (t.tm_year + 1, 1) if t.tm_mon == 12 else (t.tm_year, t.tm_mon + 1)
    return calendar.timegm((year, month, 1, 0, 0, 0)) * 1000
