"""In-memory stand-ins for core's market feed and clock, for fast engine tests."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from simulator.futures.domain.errors import FuturesError
from simulator.futures.domain.symbol import FuturesSymbol, from_exchange_info
from simulator.futures.engine.engine import FuturesEngine

# Real recorded Binance payloads, kept in the repository (tests/resources/payloads, with provenance).
PAYLOADS = Path(__file__).resolve().parents[3] / "tests" / "resources" / "payloads"
_INFO = json.loads((PAYLOADS / "futures_exchangeInfo_2025-08.json").read_text())
SPECS: dict[str, FuturesSymbol] = {row["symbol"]: from_exchange_info(row) for row in _INFO["symbols"]}


def lookup(symbol: str) -> FuturesSymbol:
    try:
        return SPECS[symbol]
    except KeyError:
        raise FuturesError(-1121, "Invalid symbol.") from None


class FakeClock:
    def __init__(self, now: int = 1_750_000_000_000, sim: int = 1_750_000_000_000) -> None:
        self.now = now
        self.sim = sim

    def now_ms(self) -> int:
        return self.now

    def sim_ms(self) -> int:
        return self.sim

    def wall_for_sim(self, sim_ms: int) -> int:
        return self.now + (sim_ms - self.sim)


class FakeMarket:
    """Synthetic book: `levels` price steps of `level_qty` either side of `price`."""

    def __init__(self) -> None:
        self.prices: dict[str, Decimal] = {"BTCUSDT": Decimal("50000"), "ETHUSDT": Decimal("3000")}
        self.step: dict[str, Decimal] = {"BTCUSDT": Decimal("0.1"), "ETHUSDT": Decimal("0.01")}
        self.level_qty = Decimal("5")
        self.levels = 20
        self.trades: list[tuple[str, Decimal, Decimal, bool, int]] = []
        self.published: list[tuple[str, Any]] = []
        # Synthetic quantity takers used; tests that move the price may clear it like a core tick would.
        self.taken: dict[tuple[str, str, Decimal], Decimal] = {}

    def last_price(self, symbol: str) -> Decimal | None:
        return self.prices.get(symbol)

    def best_bid_ask(self, symbol: str) -> tuple[Decimal | None, Decimal | None]:
        p = self.prices.get(symbol)
        if p is None:
            return None, None
        return p - self.step[symbol], p + self.step[symbol]

    def synthetic_levels(self, symbol: str, book_side: str, depth: int) -> list[tuple[Decimal, Decimal]]:
        p = self.prices.get(symbol)
        if p is None:
            return []
        sign = 1 if book_side == "asks" else -1
        levels = [
            (p + sign * self.step[symbol] * i, self.level_qty) for i in range(1, min(depth, self.levels) + 1)
        ]
        out = [(price, qty - self.taken.get((symbol, book_side, price), Decimal(0))) for price, qty in levels]
        return [(price, qty) for price, qty in out if qty > 0]

    def consume(self, symbol: str, book_side: str, price: Decimal, qty: Decimal) -> None:
        key = (symbol, book_side, price)
        self.taken[key] = self.taken.get(key, Decimal(0)) + qty

    def record_trade(
        self, symbol: str, price: Decimal, qty: Decimal, buyer_is_maker: bool, time_ms: int
    ) -> None:
        self.trades.append((symbol, price, qty, buyer_is_maker, time_ms))

    def publish(self, stream: str, payload: Any) -> None:
        self.published.append((stream, payload))


class Harness:
    def __init__(self) -> None:
        self.market = FakeMarket()
        self.clock = FakeClock()
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.engine = FuturesEngine(
            market=self.market,
            clock=self.clock,
            symbols=lookup,
            sink=lambda acc, ev: self.events.append((acc, ev)),
            all_symbols=lambda: [SPECS["BTCUSDT"], SPECS["ETHUSDT"]],
        )

    def of(self, account_id: str, kind: str | None = None, *, deposits: bool = False) -> list[dict[str, Any]]:
        """Events of one account; the DEPOSIT/WITHDRAW updates of test set-up funding only with `deposits`."""
        return [
            e
            for a, e in self.events
            if a == account_id
            and (kind is None or e["e"] == kind)
            and (deposits or e.get("a", {}).get("m") not in ("DEPOSIT", "WITHDRAW"))
        ]

    def tick(self, *, advance_ms: int = 1000, sim_advance_ms: int = 0) -> None:
        self.clock.now += advance_ms
        self.clock.sim += sim_advance_ms
        self.engine.tick(self.clock.now, self.clock.sim, ["BTCUSDT", "ETHUSDT"])
