"""A deterministic stand-in for core's market feed, for engine unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulator.spot.domain.enums import Side
from simulator.spot.engine import SpotEngine
from simulator.symbols import SymbolRegistry


@dataclass
class FakeMarket:
    last: dict[str, Decimal] = field(default_factory=dict)
    asks: dict[str, list[tuple[Decimal, Decimal]]] = field(default_factory=dict)
    bids: dict[str, list[tuple[Decimal, Decimal]]] = field(default_factory=dict)
    recorded: list[tuple[str, Decimal, Decimal, bool]] = field(default_factory=list)

    def last_price(self, symbol: str) -> Decimal | None:
        return self.last.get(symbol)

    def avg_price(self, symbol: str) -> Decimal | None:
        return self.last.get(symbol)

    def synthetic_levels(self, symbol: str, side: Side, depth: int) -> list[tuple[Decimal, Decimal]]:
        levels = self.asks.get(symbol, []) if side == Side.BUY else self.bids.get(symbol, [])
        return levels[:depth]

    def consume(self, symbol: str, side: Side, price: Decimal, qty: Decimal) -> None:
        """The fake's liquidity is endless: every order sees the same levels."""

    def record_trade(
        self, symbol: str, price: Decimal, qty: Decimal, buyer_is_maker: bool, time_ms: int
    ) -> None:
        self.recorded.append((symbol, price, qty, buyer_is_maker))
        self.last[symbol] = price


class Clock:
    def __init__(self) -> None:
        self.t = 1_700_000_000_000

    def __call__(self) -> int:
        self.t += 1
        return self.t


def make_engine(
    *, with_liquidity: bool = True
) -> tuple[SpotEngine, FakeMarket, list[tuple[str, dict[str, Any]]]]:
    market = FakeMarket()
    market.last["BTCUSDT"] = Decimal("50000")
    if with_liquidity:
        market.asks["BTCUSDT"] = [(Decimal("50001"), Decimal("1")), (Decimal("50002"), Decimal("2"))]
        market.bids["BTCUSDT"] = [(Decimal("49999"), Decimal("1")), (Decimal("49998"), Decimal("2"))]
    engine = SpotEngine(SymbolRegistry(), market, Clock())
    received: list[tuple[str, dict[str, Any]]] = []
    engine.listeners.append(lambda acc, ev: received.append((acc, ev)))
    for acc in ("a", "b"):
        engine.set_balances(acc, {"USDT": Decimal(100000), "BTC": Decimal(2)})
    received.clear()
    return engine, market, received
