"""The spot order, trade and order-list records the engine mutates and the views render."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from simulator.spot.domain.enums import (
    ALGO_TYPES,
    OPEN_STATUSES,
    Event,
    OrderStatus,
    OrderType,
    Side,
    StpMode,
    next_status,
)

ZERO = Decimal(0)


@dataclass(slots=True)
class Order:
    order_id: int
    account_id: str
    symbol: str
    side: Side
    type: OrderType
    time_in_force: str
    orig_qty: Decimal
    price: Decimal
    client_order_id: str
    time: int
    stp_mode: StpMode
    stop_price: Decimal = ZERO
    iceberg_qty: Decimal = ZERO
    quote_order_qty: Decimal = ZERO
    trailing_delta: int | None = None
    trailing_time: int = -1
    strategy_id: int | None = None
    strategy_type: int | None = None
    order_list_id: int = -1
    status: OrderStatus = OrderStatus.NEW
    executed_qty: Decimal = ZERO
    cum_quote: Decimal = ZERO
    update_time: int = 0
    working_time: int = -1
    # What the order holds in the ledger (asset, amount still locked); released when it ends.
    locked_asset: str = ""
    locked: Decimal = ZERO
    # Iceberg: what is left of the shown slice.
    visible: Decimal = ZERO
    # Trailing stop state: activated and the best price seen since.
    trail_active: bool = False
    trail_peak: Decimal = ZERO
    prevented_match_id: int | None = None
    prevented_qty: Decimal = ZERO
    expiry_reason: str | None = None
    amends: int = 0
    # Quantity removed by DECREMENT self-trade prevention; it no longer trades.
    decremented: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty - self.decremented

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_algo(self) -> bool:
        return self.type in ALGO_TYPES

    @property
    def is_working(self) -> bool:
        """Binance's `isWorking`: on the book (stops only once triggered)."""
        return self.working_time >= 0 and self.status != OrderStatus.PENDING_NEW

    def apply(self, event: Event) -> OrderStatus:
        self.status = next_status(self.status, event)
        return self.status

    def to_state(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, Decimal):
                out[key] = str(value)
        return out

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Order:
        values = {"decremented": "0", **data}
        for name in (
            "decremented",
            "orig_qty",
            "price",
            "stop_price",
            "iceberg_qty",
            "quote_order_qty",
            "executed_qty",
            "cum_quote",
            "locked",
            "visible",
            "trail_peak",
            "prevented_qty",
        ):
            values[name] = Decimal(values[name])
        values["side"] = Side(values["side"])
        values["type"] = OrderType(values["type"])
        values["status"] = OrderStatus(values["status"])
        values["stp_mode"] = StpMode(values["stp_mode"])
        return cls(**values)


@dataclass(slots=True)
class Trade:
    """One side's view of an execution (a user-vs-user match yields two with the same trade_id)."""

    trade_id: int
    account_id: str
    symbol: str
    order_id: int
    order_list_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool

    def to_state(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, Decimal):
                out[key] = str(value)
        return out

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Trade:
        values = dict(data)
        for name in ("price", "qty", "quote_qty", "commission"):
            values[name] = Decimal(values[name])
        return cls(**values)


@dataclass(slots=True)
class OrderList:
    order_list_id: int
    account_id: str
    symbol: str
    contingency_type: str  # OCO | OTO
    list_client_order_id: str
    transaction_time: int
    order_ids: list[int] = field(default_factory=list)
    list_status_type: str = "EXEC_STARTED"
    list_order_status: str = "EXECUTING"

    @property
    def is_open(self) -> bool:
        return self.list_order_status == "EXECUTING"

    def to_state(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> OrderList:
        return cls(**data)
