"""Adapters from core's objects (symbols, market feeds, streams, clock) to the engine's ports."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.futures.domain import brackets as br
from simulator.futures.domain.errors import FuturesError
from simulator.futures.domain.symbol import FuturesSymbol, from_exchange_info

if TYPE_CHECKING:
    from simulator.exchange import Exchange

ZERO = Decimal(0)


class CoreSymbols:
    """Converts core SymbolSpecs to FuturesSymbol, re-deriving only when status or filters change."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._cache: dict[str, tuple[tuple[int, str, int], FuturesSymbol]] = {}

    def __call__(self, symbol: str) -> FuturesSymbol:
        try:
            core = self.exchange.symbols.get("futures", symbol)
        except BinanceError as err:
            raise FuturesError(err.code, err.msg, err.status) from None
        stamp = (id(core), core.status, id(core.raw.get("filters")))
        hit = self._cache.get(symbol)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        row = {**core.raw, "status": core.status}
        spec = from_exchange_info(row)
        if core.brackets:
            spec = _with_brackets(spec, br.from_wire(core.brackets))
        self._cache[symbol] = (stamp, spec)
        return spec

    def all(self) -> list[FuturesSymbol]:
        return [self(s.symbol) for s in self.exchange.symbols.all("futures")]


def _with_brackets(spec: FuturesSymbol, table: tuple[br.Bracket, ...]) -> FuturesSymbol:
    return replace(spec, brackets=table)


class CoreMarket:
    """MarketPort over core's MarketData + StreamHub."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._taken: dict[str, tuple[int, dict[tuple[str, Decimal], Decimal]]] = {}

    def _feed(self, symbol: str) -> Any:
        return self.exchange.market.feed("futures", symbol)

    def last_price(self, symbol: str) -> Decimal | None:
        price = self._feed(symbol).last_price
        return price if price and price > 0 else None

    def best_bid_ask(self, symbol: str) -> tuple[Decimal | None, Decimal | None]:
        feed = self._feed(symbol)
        return (feed.best_bid or None), (feed.best_ask or None)

    def synthetic_levels(self, symbol: str, book_side: str, depth: int) -> list[tuple[Decimal, Decimal]]:
        # Core names the side by who rests there: "BUY" → bids, "SELL" → asks.
        feed = self._feed(symbol)
        levels = feed.synthetic_levels("BUY" if book_side == "bids" else "SELL", depth)
        taken = self._taken_now(symbol, feed.tick_no)
        if not taken:
            return list(levels)
        out = [(price, qty - taken.get((book_side, price), ZERO)) for price, qty in levels]
        return [(price, qty) for price, qty in out if qty > 0]

    def consume(self, symbol: str, book_side: str, price: Decimal, qty: Decimal) -> None:
        taken = self._taken_now(symbol, self._feed(symbol).tick_no)
        taken[(book_side, price)] = taken.get((book_side, price), ZERO) + qty

    def _taken_now(self, symbol: str, tick_no: int) -> dict[tuple[str, Decimal], Decimal]:
        """What takers used from the synthetic book since core last rebuilt it (once per tick), so two takers
        within one tick walk the book instead of both filling at the touch."""
        stamp, taken = self._taken.get(symbol, (-1, {}))
        if stamp != tick_no:
            taken = {}
            self._taken[symbol] = (tick_no, taken)
        return taken

    def record_trade(
        self,
        symbol: str,
        price: Decimal,
        qty: Decimal,
        buyer_is_maker: bool,  # noqa: FBT001 - core's record_trade signature
        time_ms: int,
    ) -> None:
        self.exchange.market.record_trade("futures", symbol, price, qty, buyer_is_maker, time_ms)

    def publish(self, stream: str, payload: Any) -> None:
        hub = self.exchange.streams
        for name in (stream, f"{stream}@1s") if "markPrice" in stream else (stream,):
            if hub.wants("futures", name):
                hub.publish("futures", name, payload)
