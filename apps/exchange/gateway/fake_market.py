"""Market data and test controls of the in-memory fake gateway (see fake.py)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from apps.exchange.domain.types import (
    BookTicker,
    ExchangeInfo,
    Kline,
    MarkPrice,
    OrderBook,
    PriceLevel,
    PublicTrade,
)

if TYPE_CHECKING:
    from apps.exchange.domain.errors import ExchangeError
    from apps.exchange.domain.weights import Market

ZERO = Decimal(0)


class FakeMarketData:
    """Prices are fixed per symbol (`prices`); the clock stands still at `now_ms` unless a test moves it."""

    prices: dict[str, Decimal]
    now_ms: int

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._failures: dict[str, list[ExchangeError]] = defaultdict(list)

    # ---------------------------------------------------------------- test controls
    def fail_next(self, method: str, error: ExchangeError) -> None:
        self._failures[method].append(error)

    def _enter(self, method: str) -> None:
        self.calls.append(method)
        if self._failures[method]:
            raise self._failures[method].pop(0)

    # ---------------------------------------------------------------- system and market data
    def ping(self, market: Market) -> None:
        self._enter("ping")

    def server_time(self, market: Market) -> int:
        self._enter("server_time")
        return self.now_ms

    def exchange_info(self, market: Market) -> ExchangeInfo:
        self._enter("exchange_info")
        return ExchangeInfo(market=market, server_time_ms=self.now_ms, pools=(), symbols=())

    def order_book(self, market: Market, symbol: str, *, limit: int = 100) -> OrderBook:
        self._enter("order_book")
        p = self.prices[symbol]
        return OrderBook(symbol, 1, (PriceLevel(p - 1, Decimal(1)),), (PriceLevel(p + 1, Decimal(1)),))

    def klines(
        self,
        market: Market,
        symbol: str,
        interval: str,
        *,
        limit: int = 500,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> list[Kline]:
        self._enter("klines")
        p = self.prices[symbol]
        return [Kline(self.now_ms - 60_000, p, p, p, p, ZERO, self.now_ms - 1, ZERO, 0)]

    def recent_trades(self, market: Market, symbol: str, *, limit: int = 500) -> list[PublicTrade]:
        self._enter("recent_trades")
        return [PublicTrade(1, self.prices[symbol], Decimal(1), self.now_ms, buyer_is_maker=False)]

    def ticker_price(self, market: Market, symbol: str) -> Decimal:
        self._enter("ticker_price")
        return self.prices[symbol]

    def book_ticker(self, market: Market, symbol: str) -> BookTicker:
        self._enter("book_ticker")
        p = self.prices[symbol]
        return BookTicker(symbol, p - 1, Decimal(1), p + 1, Decimal(1))

    def mark_price(self, symbol: str) -> MarkPrice:
        self._enter("mark_price")
        return MarkPrice(
            symbol, self.prices[symbol], self.prices[symbol], Decimal("0.0001"), self.now_ms + 3_600_000
        )
