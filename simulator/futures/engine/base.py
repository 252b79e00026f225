"""Engine base: shared state, lookups and the event outbox. Behaviour lives in the mixins."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.domain.errors import FuturesError
from simulator.futures.engine import risk
from simulator.futures.engine.state import AccountState, Ledger

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.futures.domain.order import Order
    from simulator.futures.domain.symbol import FuturesSymbol
    from simulator.futures.engine.ports import ClockPort, EventSink, MarketPort, SymbolLookup

ZERO = Decimal(0)


class EngineBase:
    def __init__(
        self,
        *,
        market: MarketPort,
        clock: ClockPort,
        symbols: SymbolLookup,
        sink: EventSink,
        all_symbols: Callable[[], list[FuturesSymbol]] | None = None,
        mark_alpha: Decimal = Decimal("0.3"),
    ) -> None:
        self.market = market
        self.clock = clock
        self.symbols = symbols
        self.sink = sink
        self._all_symbols = all_symbols or (lambda: [])
        self.mark_alpha = mark_alpha
        self.accounts: dict[str, AccountState] = {}
        self.ledger = Ledger()
        self.marks: dict[str, Decimal] = {}
        self.index: dict[str, Decimal] = {}
        # Resting (on-book) user orders per symbol; price-time priority is enforced when walking them.
        self.books: dict[str, list[Order]] = {}
        self._outbox: list[tuple[str, dict[str, Any]]] = []
        self._matching = False
        # (orderId, outbox index) of a taker's NEW update, so its TRADE_LITEs can be slotted before it.
        self._lite_anchor: tuple[int, int] | None = None

    # -- lookups ---------------------------------------------------------------------------------------
    def spec(self, symbol: str) -> FuturesSymbol:
        return self.symbols(symbol)

    def all_specs(self) -> list[FuturesSymbol]:
        return self._all_symbols()

    def account(self, account_id: str) -> AccountState:
        acc = self.accounts.get(account_id)
        if acc is None:
            acc = self.accounts[account_id] = AccountState(account_id)
        return acc

    def mark(self, symbol: str) -> Decimal:
        mark = self.marks.get(symbol)
        if mark is not None:
            return mark
        last = self.market.last_price(symbol)
        if last is not None and last > 0:
            self.marks[symbol] = last
            self.index.setdefault(symbol, last)
            return last
        return ZERO

    def set_mark(self, symbol: str, price: Decimal) -> None:
        """Pins the mark (tests, control API); the next tick keeps smoothing from here."""
        self.marks[symbol] = price
        self.index[symbol] = price

    def open_orders(self, account_id: str, symbol: str | None = None) -> list[Order]:
        # Every open order rests on a book once its placement finished, so the books are the index;
        # scanning the whole order history here would make each tick O(all orders ever placed).
        books = [self.books.get(symbol, [])] if symbol is not None else list(self.books.values())
        rows = [o for book in books for o in book if o.account_id == account_id and o.is_open]
        return sorted(rows, key=lambda o: o.order_id)

    def find_order(self, account_id: str, symbol: str, order_id: int | None, client_id: str | None) -> Order:
        if order_id is not None:
            order = self.ledger.orders.get(order_id)
            if order and order.account_id == account_id and order.symbol == symbol:
                return order
        elif client_id is not None:
            matches = [
                o
                for o in self.ledger.orders.values()
                if o.account_id == account_id and o.symbol == symbol and o.client_order_id == client_id
            ]
            if matches:
                # A clientOrderId may be reused once the earlier order is closed; the newest wins.
                return max(matches, key=lambda o: o.order_id)
        raise FuturesError(-2013, "Order does not exist.")

    def account_risk(self, account_id: str, asset: str = "USDT") -> risk.AccountRisk:
        acc = self.account(account_id)
        return risk.account_risk(acc, asset, self.open_orders(account_id), self.spec, self.mark)

    def margin_assets(self, account_id: str) -> list[str]:
        acc = self.account(account_id)
        assets = set(acc.wallet) | {self.spec(p.symbol).margin_asset for p in acc.positions.values()}
        return sorted(assets) or ["USDT"]

    # -- events ----------------------------------------------------------------------------------------
    def emit(self, account_id: str, event: dict[str, Any]) -> None:
        self._outbox.append((account_id, event))

    def flush(self) -> None:
        """Delivers queued user events in order; called once a whole operation has been applied."""
        out, self._outbox = self._outbox, []
        for account_id, event in out:
            self.sink(account_id, event)

    def now(self) -> int:
        return self.clock.now_ms()
