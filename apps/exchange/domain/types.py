"""Domain objects of the gateway: typed, Decimal for every price, quantity and amount.

Requests (OrderRequest, ...) are built by callers; reports are parsed from the wire in domain/parse.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.exchange.domain.ratelimits import Pool
    from apps.exchange.domain.weights import Market

Side = Literal["BUY", "SELL"]
PositionSide = Literal["BOTH", "LONG", "SHORT"]


@dataclass(frozen=True)
class SymbolRules:
    symbol: str
    market: Market
    status: str
    base_asset: str
    quote_asset: str
    order_types: tuple[str, ...]
    filters: tuple[dict[str, Any], ...]  # raw, for apps/symbols to type
    price_precision: int | None = None
    quantity_precision: int | None = None


@dataclass(frozen=True)
class ExchangeInfo:
    market: Market
    server_time_ms: int
    pools: tuple[Pool, ...]
    symbols: tuple[SymbolRules, ...]


@dataclass(frozen=True)
class PriceLevel:
    price: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class OrderBook:
    symbol: str
    last_update_id: int
    bids: tuple[PriceLevel, ...]
    asks: tuple[PriceLevel, ...]


@dataclass(frozen=True)
class BookTicker:
    symbol: str
    bid_price: Decimal
    bid_qty: Decimal
    ask_price: Decimal
    ask_qty: Decimal


@dataclass(frozen=True)
class Kline:
    open_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time_ms: int
    quote_volume: Decimal
    trades: int


@dataclass(frozen=True)
class PublicTrade:
    trade_id: int
    price: Decimal
    quantity: Decimal
    time_ms: int
    buyer_is_maker: bool


@dataclass(frozen=True)
class OrderRequest:
    """A new order. `client_order_id` is mandatory: it is the idempotency key used to reconcile."""

    symbol: str
    side: Side
    type: str
    client_order_id: str
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: str | None = None
    position_side: PositionSide | None = None
    reduce_only: bool | None = None
    close_position: bool | None = None
    working_type: str | None = None
    trailing_delta: int | None = None
    callback_rate: Decimal | None = None
    activation_price: Decimal | None = None
    self_trade_prevention_mode: str | None = None
    good_till_date_ms: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fill:
    price: Decimal
    quantity: Decimal
    commission: Decimal
    commission_asset: str
    trade_id: int


@dataclass(frozen=True)
class OrderReport:
    market: Market
    symbol: str
    order_id: int
    client_order_id: str
    status: str
    side: str
    type: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote: Decimal
    avg_price: Decimal | None
    time_in_force: str | None
    stop_price: Decimal | None
    position_side: str | None
    reduce_only: bool | None
    update_time_ms: int | None
    fills: tuple[Fill, ...] = ()
    order_list_id: int | None = None


@dataclass(frozen=True)
class OrderListReport:
    order_list_id: int
    list_client_order_id: str
    symbol: str
    contingency_type: str
    list_status_type: str
    list_order_status: str
    orders: tuple[OrderReport, ...]


@dataclass(frozen=True)
class AlgoOrderReport:
    algo_id: int
    client_algo_id: str
    symbol: str
    side: str
    order_type: str
    status: str
    quantity: Decimal
    trigger_price: Decimal | None
    price: Decimal | None
    position_side: str | None
    update_time_ms: int | None


@dataclass(frozen=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class FuturesBalance:
    asset: str
    wallet_balance: Decimal
    unrealized_pnl: Decimal
    margin_balance: Decimal
    available_balance: Decimal


@dataclass(frozen=True)
class AccountInfo:
    market: Market
    can_trade: bool
    can_withdraw: bool | None
    permissions: tuple[str, ...]
    balances: tuple[Balance, ...] = ()
    futures_balances: tuple[FuturesBalance, ...] = ()
    total_wallet_balance: Decimal | None = None
    available_balance: Decimal | None = None


@dataclass(frozen=True)
class Position:
    symbol: str
    position_side: str
    amount: Decimal  # signed: negative is short
    entry_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    liquidation_price: Decimal
    leverage: int | None
    margin_type: str | None
    notional: Decimal
    update_time_ms: int | None


@dataclass(frozen=True)
class FuturesSymbolConfig:
    """One USD-M symbol's account settings as the exchange reports them (GET /fapi/v1/symbolConfig)."""

    symbol: str
    margin_type: str  # ISOLATED or CROSSED
    leverage: int
    max_leverage: int  # the highest leverage the symbol's first bracket allows


@dataclass(frozen=True)
class AccountTrade:
    market: Market
    symbol: str
    trade_id: int
    order_id: int
    side: str
    price: Decimal
    quantity: Decimal
    quote_quantity: Decimal
    commission: Decimal
    commission_asset: str
    maker: bool
    realized_pnl: Decimal | None
    position_side: str | None
    time_ms: int


@dataclass(frozen=True)
class Income:
    symbol: str
    income_type: str
    amount: Decimal
    asset: str
    time_ms: int
    tran_id: int
    trade_id: str
    info: str


@dataclass(frozen=True)
class CommissionRates:
    symbol: str
    maker: Decimal
    taker: Decimal


@dataclass(frozen=True)
class MarkPrice:
    symbol: str
    mark_price: Decimal
    index_price: Decimal
    funding_rate: Decimal
    next_funding_time_ms: int
