"""Order and conditional (algo) order records. Status changes only through `transition()`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from simulator.futures.domain.enums import ALGO_OPEN_STATUSES, OPEN_STATUSES, next_algo_status, next_status

ZERO = Decimal(0)


@dataclass
class Order:
    order_id: int
    account_id: str
    symbol: str
    side: str
    position_side: str
    type: str
    orig_type: str
    time_in_force: str
    orig_qty: Decimal
    price: Decimal
    client_order_id: str
    time: int
    update_time: int
    status: str = "NEW"
    stop_price: Decimal = ZERO
    executed_qty: Decimal = ZERO
    cum_quote: Decimal = ZERO
    reduce_only: bool = False
    close_position: bool = False
    working_type: str = "CONTRACT_PRICE"
    price_protect: bool = False
    price_match: str = "NONE"
    stp_mode: str = "NONE"
    good_till_date: int = 0
    activate_price: Decimal | None = None
    price_rate: Decimal | None = None
    realized_pnl: Decimal = ZERO
    expiry_reason: int = 0
    seq: int = 0  # arrival order inside a price level (time priority)

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def avg_price(self) -> Decimal:
        return self.cum_quote / self.executed_qty if self.executed_qty else ZERO

    def transition(self, event: str) -> None:
        self.status = next_status(self.status, event)

    def add_fill(self, qty: Decimal, price: Decimal) -> None:
        self.executed_qty += qty
        self.cum_quote += qty * price
        self.transition("FILL" if self.executed_qty >= self.orig_qty else "PARTIAL_FILL")

    def dump(self) -> dict[str, Any]:
        return _dump(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> Order:
        return cls(**_load(cls, data))


@dataclass
class AlgoOrder:
    algo_id: int
    client_algo_id: str
    account_id: str
    symbol: str
    side: str
    position_side: str
    order_type: str
    time_in_force: str
    quantity: Decimal
    price: Decimal
    trigger_price: Decimal
    create_time: int
    update_time: int
    status: str = "NEW"
    working_type: str = "CONTRACT_PRICE"
    price_match: str = "NONE"
    close_position: bool = False
    price_protect: bool = False
    reduce_only: bool = False
    activate_price: Decimal | None = None
    callback_rate: Decimal | None = None
    stp_mode: str = "NONE"
    good_till_date: int = 0
    trigger_time: int = 0
    actual_order_id: int = 0
    actual_price: Decimal = ZERO
    actual_qty: Decimal = ZERO
    extreme: Decimal | None = None  # trailing stop: best price seen since activation
    activated: bool = False
    reject_reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in ALGO_OPEN_STATUSES

    def transition(self, event: str) -> None:
        self.status = next_algo_status(self.status, event)

    def dump(self) -> dict[str, Any]:
        return _dump(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> AlgoOrder:
        return cls(**_load(cls, data))


_DECIMAL_FIELDS = {
    "orig_qty",
    "price",
    "stop_price",
    "executed_qty",
    "cum_quote",
    "activate_price",
    "price_rate",
    "realized_pnl",
    "quantity",
    "trigger_price",
    "callback_rate",
    "actual_price",
    "actual_qty",
    "extreme",
}


def _dump(obj: Order | AlgoOrder) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(obj).items()}


def _load(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k not in names:
            continue
        out[k] = Decimal(v) if k in _DECIMAL_FIELDS and v is not None else v
    return out
