"""Mutable engine state: per-account settings, wallets and positions; global order/trade ledgers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulator.futures.domain.order import AlgoOrder, Order
from simulator.futures.domain.position import Position

ZERO = Decimal(0)
DEFAULT_LEVERAGE = 20
DEFAULT_MAKER = Decimal("0.0002")
DEFAULT_TAKER = Decimal("0.0005")


@dataclass
class AccountState:
    account_id: str
    wallet: dict[str, Decimal] = field(default_factory=dict)
    dual_side: bool = False
    multi_assets: bool = False
    leverage: dict[str, int] = field(default_factory=dict)
    margin_type: dict[str, str] = field(default_factory=dict)  # symbol -> CROSSED | ISOLATED
    positions: dict[tuple[str, str], Position] = field(default_factory=dict)
    countdown: dict[str, tuple[int, int]] = field(default_factory=dict)  # symbol -> (countdown ms, deadline)
    maker_rate: Decimal = DEFAULT_MAKER
    taker_rate: Decimal = DEFAULT_TAKER
    update_time: int = 0
    margin_call_sent: bool = False

    def lev(self, symbol: str) -> int:
        return self.leverage.get(symbol, DEFAULT_LEVERAGE)

    def isolated(self, symbol: str) -> bool:
        return self.margin_type.get(symbol, "CROSSED") == "ISOLATED"

    def position(self, symbol: str, position_side: str) -> Position:
        return self.positions.get((symbol, position_side)) or Position(symbol, position_side)

    def dump(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "wallet": {k: str(v) for k, v in self.wallet.items()},
            "dual_side": self.dual_side,
            "multi_assets": self.multi_assets,
            "leverage": dict(self.leverage),
            "margin_type": dict(self.margin_type),
            "positions": [_dump_position(p) for p in self.positions.values()],
            "countdown": {k: list(v) for k, v in self.countdown.items()},
            "maker_rate": str(self.maker_rate),
            "taker_rate": str(self.taker_rate),
            "update_time": self.update_time,
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> AccountState:
        acc = cls(data["account_id"])
        acc.wallet = {k: Decimal(v) for k, v in data.get("wallet", {}).items()}
        acc.dual_side = bool(data.get("dual_side", False))
        acc.multi_assets = bool(data.get("multi_assets", False))
        acc.leverage = {k: int(v) for k, v in data.get("leverage", {}).items()}
        acc.margin_type = dict(data.get("margin_type", {}))
        for row in data.get("positions", []):
            p = _load_position(row)
            acc.positions[(p.symbol, p.position_side)] = p
        acc.countdown = {k: (int(v[0]), int(v[1])) for k, v in data.get("countdown", {}).items()}
        acc.maker_rate = Decimal(data.get("maker_rate", str(DEFAULT_MAKER)))
        acc.taker_rate = Decimal(data.get("taker_rate", str(DEFAULT_TAKER)))
        acc.update_time = int(data.get("update_time", 0))
        return acc


def _dump_position(p: Position) -> dict[str, Any]:
    return {
        "symbol": p.symbol,
        "position_side": p.position_side,
        "amount": str(p.amount),
        "entry_price": str(p.entry_price),
        "isolated_wallet": str(p.isolated_wallet),
        "accumulated_realized": str(p.accumulated_realized),
        "update_time": p.update_time,
    }


def _load_position(row: dict[str, Any]) -> Position:
    return Position(
        row["symbol"],
        row["position_side"],
        Decimal(row["amount"]),
        Decimal(row["entry_price"]),
        Decimal(row["isolated_wallet"]),
        Decimal(row["accumulated_realized"]),
        int(row["update_time"]),
    )


@dataclass
class Ledger:
    """Everything that is not per-account settings: orders, algo orders, trades, income, id counters."""

    orders: dict[int, Order] = field(default_factory=dict)
    algos: dict[int, AlgoOrder] = field(default_factory=dict)
    trades: list[dict[str, Any]] = field(default_factory=list)  # userTrades rows + account_id
    income: list[dict[str, Any]] = field(default_factory=list)  # income rows + account_id
    funding_history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_order_id: int = 8_000_000_001
    next_algo_id: int = 1_000_000_000_001
    next_trade_id: int = 500_000_001
    next_tran_id: int = 9_000_000_001
    seq: int = 0

    def order_id(self) -> int:
        self.next_order_id += 1
        return self.next_order_id - 1

    def algo_id(self) -> int:
        self.next_algo_id += 1
        return self.next_algo_id - 1

    def trade_id(self) -> int:
        self.next_trade_id += 1
        return self.next_trade_id - 1

    def tran_id(self) -> int:
        self.next_tran_id += 1
        return self.next_tran_id - 1

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def dump(self) -> dict[str, Any]:
        return {
            "orders": [o.dump() for o in self.orders.values()],
            "algos": [a.dump() for a in self.algos.values()],
            "trades": self.trades,
            "income": self.income,
            "funding_history": self.funding_history,
            "ids": [self.next_order_id, self.next_algo_id, self.next_trade_id, self.next_tran_id, self.seq],
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> Ledger:
        led = cls()
        for row in data.get("orders", []):
            o = Order.load(row)
            led.orders[o.order_id] = o
        for row in data.get("algos", []):
            a = AlgoOrder.load(row)
            led.algos[a.algo_id] = a
        led.trades = list(data.get("trades", []))
        led.income = list(data.get("income", []))
        led.funding_history = {k: list(v) for k, v in data.get("funding_history", {}).items()}
        ids = data.get("ids")
        if ids:
            led.next_order_id, led.next_algo_id, led.next_trade_id, led.next_tran_id, led.seq = (
                int(i) for i in ids
            )
        return led
