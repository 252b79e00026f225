"""User-data events as typed, Decimal-valued dataclasses: the one shape every handler receives.

Spot (`executionReport`, `outboundAccountPosition`, `balanceUpdate`, `listStatus`) and USD-M
(`ORDER_TRADE_UPDATE`, `TRADE_LITE`, `ACCOUNT_UPDATE`, `MARGIN_CALL`, `ALGO_UPDATE`, `listenKeyExpired`)
events are parsed into these by `domain/parse.py`; nothing downstream reads Binance's one-letter keys.
Pure: no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from decimal import Decimal

Market = Literal["SPOT", "USDM"]


@dataclass(frozen=True, slots=True)
class Trade:
    """The one trade an order event reports (execution type TRADE / CALCULATED)."""

    trade_id: int
    price: Decimal
    quantity: Decimal
    quote_quantity: Decimal
    commission: Decimal
    commission_asset: str
    is_maker: bool
    time_ms: int
    realized_pnl: Decimal | None = None  # futures only


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    """An `executionReport` (spot) or `ORDER_TRADE_UPDATE` (USD-M): the exchange's view of one order."""

    market: Market
    event_time_ms: int
    transaction_time_ms: int
    symbol: str
    client_order_id: str
    # Spot cancels carry the cancel request's id in `c` and the order's own id in `C`.
    original_client_order_id: str
    order_id: int
    side: str
    order_type: str
    time_in_force: str
    quantity: Decimal
    price: Decimal
    stop_price: Decimal
    execution_type: str
    status: str
    reject_reason: str
    cumulative_qty: Decimal
    cumulative_quote: Decimal
    trade: Trade | None = None
    order_list_id: int | None = None
    original_type: str = ""  # futures `ot`: the type the order was placed as (STOP_MARKET after a trigger)
    reduce_only: bool = False
    position_side: str = ""
    close_position: bool = False
    quote_order_qty: Decimal | None = None  # spot MARKET orders sized by quote amount (`Q`)

    @property
    def own_client_order_id(self) -> str:
        """The clientOrderId the order was placed with (not the id of a cancel request)."""
        return self.original_client_order_id or self.client_order_id


@dataclass(frozen=True, slots=True)
class TradeLite:
    """USD-M `TRADE_LITE`: a low-latency trade notice without commission or realized P&L."""

    event_time_ms: int
    transaction_time_ms: int
    symbol: str
    client_order_id: str
    order_id: int
    side: str
    price: Decimal
    quantity: Decimal
    last_price: Decimal
    last_quantity: Decimal
    trade_id: int
    is_maker: bool


@dataclass(frozen=True, slots=True)
class ListOrder:
    symbol: str
    order_id: int
    client_order_id: str


@dataclass(frozen=True, slots=True)
class ListStatus:
    """Spot `listStatus`: the state of an order list (OCO, OTO, OTOCO) and its legs' ids."""

    event_time_ms: int
    transaction_time_ms: int
    symbol: str
    order_list_id: int
    contingency_type: str
    list_status_type: str
    list_order_status: str
    list_reject_reason: str
    list_client_order_id: str
    orders: tuple[ListOrder, ...]


@dataclass(frozen=True, slots=True)
class SpotBalance:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(frozen=True, slots=True)
class SpotAccountPosition:
    """Spot `outboundAccountPosition`: absolute free/locked amounts of the assets that changed."""

    event_time_ms: int
    last_update_ms: int
    balances: tuple[SpotBalance, ...]


@dataclass(frozen=True, slots=True)
class SpotBalanceUpdate:
    """Spot `balanceUpdate`: a deposit, withdrawal or transfer, as a signed delta."""

    event_time_ms: int
    asset: str
    delta: Decimal
    clear_time_ms: int


@dataclass(frozen=True, slots=True)
class FuturesBalanceChange:
    asset: str
    wallet_balance: Decimal
    cross_wallet_balance: Decimal
    balance_change: Decimal


@dataclass(frozen=True, slots=True)
class FuturesPositionChange:
    symbol: str
    position_side: str
    amount: Decimal  # signed: negative is short
    entry_price: Decimal
    breakeven_price: Decimal | None
    accumulated_realized: Decimal
    unrealized_pnl: Decimal
    margin_type: str
    isolated_wallet: Decimal


@dataclass(frozen=True, slots=True)
class FuturesAccountUpdate:
    """USD-M `ACCOUNT_UPDATE`: wallet balances and positions after a change, with its reason (`m`)."""

    event_time_ms: int
    transaction_time_ms: int
    reason: str
    balances: tuple[FuturesBalanceChange, ...]
    positions: tuple[FuturesPositionChange, ...]


@dataclass(frozen=True, slots=True)
class MarginCallPosition:
    symbol: str
    position_side: str
    amount: Decimal
    margin_type: str
    isolated_wallet: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    maintenance_margin: Decimal


@dataclass(frozen=True, slots=True)
class MarginCall:
    """USD-M `MARGIN_CALL`: positions close to liquidation."""

    event_time_ms: int
    cross_wallet_balance: Decimal | None
    positions: tuple[MarginCallPosition, ...]


@dataclass(frozen=True, slots=True)
class AlgoUpdate:
    """USD-M `ALGO_UPDATE`: a conditional order's own story (NEW, TRIGGERED, FINISHED, CANCELED...)."""

    event_time_ms: int
    transaction_time_ms: int
    client_algo_id: str
    algo_id: int
    algo_type: str
    order_type: str
    symbol: str
    side: str
    position_side: str
    time_in_force: str
    quantity: Decimal
    status: str
    actual_order_id: int | None  # the regular order placed when it triggered
    actual_price: Decimal
    actual_quantity: Decimal
    trigger_price: Decimal
    price: Decimal
    working_type: str
    close_position: bool
    reduce_only: bool
    trigger_time_ms: int
    reject_reason: str


@dataclass(frozen=True, slots=True)
class ListenKeyExpired:
    """USD-M: the listenKey ran out; the stream must be reopened with a new one."""

    event_time_ms: int
    listen_key: str


@dataclass(frozen=True, slots=True)
class StreamTerminated:
    """Spot WS API `eventStreamTerminated`: the subscription ended (logout, unsubscribe)."""

    event_time_ms: int


@dataclass(frozen=True, slots=True)
class Unhandled:
    """An event type the platform does not act on (ACCOUNT_CONFIG_UPDATE, externalLockUpdate...)."""

    event_type: str
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


UserEvent = (
    OrderUpdate
    | TradeLite
    | ListStatus
    | SpotAccountPosition
    | SpotBalanceUpdate
    | FuturesAccountUpdate
    | MarginCall
    | AlgoUpdate
    | ListenKeyExpired
    | StreamTerminated
    | Unhandled
)

# Events that end a connection rather than change state.
CONTROL_EVENTS: tuple[type, ...] = (ListenKeyExpired, StreamTerminated)
