"""What the engine needs from the outside world; wiring adapts core's objects, tests pass fakes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from simulator.futures.domain.symbol import FuturesSymbol

if TYPE_CHECKING:
    from decimal import Decimal


class MarketPort(Protocol):
    def last_price(self, symbol: str) -> Decimal | None: ...

    def best_bid_ask(self, symbol: str) -> tuple[Decimal | None, Decimal | None]: ...

    def synthetic_levels(self, symbol: str, book_side: str, depth: int) -> list[tuple[Decimal, Decimal]]:
        """`book_side`: "asks" (a BUY takes) or "bids" (a SELL takes); best first, net of `consume`."""
        ...

    def consume(self, symbol: str, book_side: str, price: Decimal, qty: Decimal) -> None:
        """A taker used `qty` of a synthetic level; it stays used until core rebuilds the book (next tick)."""
        ...

    def record_trade(
        self,
        symbol: str,
        price: Decimal,
        qty: Decimal,
        buyer_is_maker: bool,  # noqa: FBT001 - core's record_trade signature
        time_ms: int,
    ) -> None: ...

    def publish(self, stream: str, payload: dict[str, Any]) -> None: ...


class ClockPort(Protocol):
    def now_ms(self) -> int: ...

    def sim_ms(self) -> int: ...

    def wall_for_sim(self, sim_ms: int) -> int: ...


SymbolLookup = Callable[[str], FuturesSymbol]
EventSink = Callable[[str, dict[str, Any]], None]
