"""Engine state, the ports it talks to, lookups and event delivery; the behaviour lives in the mixins."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from simulator.errors import BinanceError
from simulator.spot.domain.enums import FINAL_STATUSES, ExecType, Side
from simulator.spot.domain.ledger import Ledger
from simulator.spot.engine import events
from simulator.spot.engine.book import Book
from simulator.spot.engine.events import Execution

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.spot.domain.order import Order, OrderList, Trade
    from simulator.symbols import SymbolSpec

ZERO = Decimal(0)
DEFAULT_RATE = Decimal("0.001")


class SpecSource(Protocol):
    def get(self, market: Any, symbol: str) -> SymbolSpec: ...


class MarketPort(Protocol):
    """What the engine needs from the replayed market (core's feed, or a fake in unit tests)."""

    def last_price(self, symbol: str) -> Decimal | None: ...

    def avg_price(self, symbol: str) -> Decimal | None:
        """The filters' reference price: the 5-minute volume-weighted average (GET /api/v3/avgPrice)."""
        ...

    def synthetic_levels(self, symbol: str, side: Side, depth: int) -> list[tuple[Decimal, Decimal]]:
        """Liquidity a taker on `side` can consume (asks for BUY, bids for SELL), best price first."""
        ...

    def consume(self, symbol: str, side: Side, price: Decimal, qty: Decimal) -> None:
        """A taker on `side` took `qty` of the synthetic level at `price`; it stays gone until the book is
        rebuilt, so back-to-back orders walk the book instead of refilling at the touch."""
        ...

    def record_trade(
        self,
        symbol: str,
        price: Decimal,
        qty: Decimal,
        buyer_is_maker: bool,  # noqa: FBT001
        time_ms: int,
    ) -> None: ...


def new_client_id() -> str:
    # Binance's server-generated ids are 22 base62 characters.
    return secrets.token_urlsafe(16)[:22].replace("-", "x").replace("_", "y")


def unknown_order() -> BinanceError:
    return BinanceError(-2013, "Order does not exist.")


class EngineState:
    def __init__(self, symbols: SpecSource, market: MarketPort, now_ms: Callable[[], int]) -> None:
        self.symbols = symbols
        self.market = market
        self.now_ms = now_ms
        self.ledger = Ledger()
        self.listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self._init_state()

    def _init_state(self) -> None:
        self.orders: dict[int, Order] = {}
        self.account_orders: dict[str, list[Order]] = {}
        self.open_orders: dict[str, dict[int, Order]] = {}
        self.client_ids: dict[tuple[str, str, str], Order] = {}
        self.books: dict[str, Book] = {}
        self.stops: dict[str, dict[int, Order]] = {}
        self.trades: dict[str, list[Trade]] = {}
        self.lists: dict[int, OrderList] = {}
        self.account_lists: dict[str, list[OrderList]] = {}
        self.commission: dict[str, tuple[Decimal, Decimal]] = {}
        self.next_order_id = 1
        self.next_trade_id = 1
        self.next_list_id = 1
        self.next_exec_id = 1
        self.next_prevented_id = 1
        # account → prevented matches, for GET /api/v3/myPreventedMatches
        self.prevented: dict[str, list[dict[str, Any]]] = {}
        self._events: list[tuple[str, dict[str, Any]]] = []
        # Set while we report our own trade to the market, so its echo through the trade listener is ignored.
        self._recording = False

    # -- lookups -------------------------------------------------------------------------------------
    def spec(self, symbol: str) -> SymbolSpec:
        return self.symbols.get("spot", symbol)

    def book(self, symbol: str) -> Book:
        book = self.books.get(symbol)
        if book is None:
            book = self.books[symbol] = Book()
        return book

    def rates(self, account_id: str) -> tuple[Decimal, Decimal]:
        return self.commission.get(account_id, (DEFAULT_RATE, DEFAULT_RATE))

    def find(self, account_id: str, symbol: str, order_id: int | None, client_id: str | None) -> Order:
        """Resolve `orderId` or `origClientOrderId` (the newest order with that id) within one symbol."""
        order: Order | None = None
        if order_id is not None:
            order = self.orders.get(order_id)
            if order is not None and client_id is not None and order.client_order_id != client_id:
                raise BinanceError(-2039, "Client order ID is not correct for this order ID.")
        elif client_id is not None:
            order = self.client_ids.get((account_id, symbol, client_id))
        if order is None or order.account_id != account_id or order.symbol != symbol:
            raise unknown_order()
        return order

    def open_for(self, account_id: str, symbol: str | None = None) -> list[Order]:
        orders = self.open_orders.get(account_id, {}).values()
        return sorted((o for o in orders if symbol is None or o.symbol == symbol), key=lambda o: o.order_id)

    # -- ids -----------------------------------------------------------------------------------------
    def _exec_id(self) -> int:
        self.next_exec_id += 1
        return self.next_exec_id - 1

    # -- registration and closing --------------------------------------------------------------------
    def _register(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self.account_orders.setdefault(order.account_id, []).append(order)
        self.open_orders.setdefault(order.account_id, {})[order.order_id] = order
        self.client_ids[(order.account_id, order.symbol, order.client_order_id)] = order

    def _close_if_final(self, order: Order) -> bool:
        """Release what a finished order still holds and take it off the book; True if it finished."""
        if order.status not in FINAL_STATUSES:
            return False
        if order.locked > 0:
            self.ledger.unlock(order.account_id, order.locked_asset, order.locked)
            order.locked = ZERO
        self.book(order.symbol).remove(order)
        self.stops.get(order.symbol, {}).pop(order.order_id, None)
        self.open_orders.get(order.account_id, {}).pop(order.order_id, None)
        if order.order_list_id != -1:
            self._on_list_member_final(order)
        return True

    def _on_list_member_final(self, order: Order) -> None:
        """Overridden by the order-list mixin."""

    # -- events --------------------------------------------------------------------------------------
    def _report(self, order: Order, exec_type: ExecType, **fields: Any) -> None:
        ex = Execution(exec_type=exec_type, exec_id=self._exec_id(), time=self.now_ms(), **fields)
        self._events.append((order.account_id, events.execution_report(order, ex)))

    def _emit(self, account_id: str, event: dict[str, Any]) -> None:
        self._events.append((account_id, event))

    def flush(self) -> None:
        """Deliver queued events, then one outboundAccountPosition per account whose balances moved."""
        now = self.now_ms()
        for account_id, assets in self.ledger.drain_dirty().items():
            balances = self.ledger.assets(account_id)
            self._events.append((account_id, events.account_position(now, {a: balances[a] for a in assets})))
        pending, self._events = self._events, []
        if not self.listeners:
            return
        for account_id, event in pending:
            for listener in self.listeners:
                listener(account_id, event)
