"""SpotEngine: the public operations (place, cancel, amend, lists, queries) plus persistence.

The in-process API (also what the benchmark uses): `engine.place(account_id, NewOrder(...))` returns
`(Order, fills)`; `engine.cancel(...)`, `engine.open_for(...)`, `engine.ledger` for balances. Every public
call delivers its user-data events to `engine.listeners` before returning.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.spot.domain.enums import Event, ExecType, OrderStatus, Side
from simulator.spot.domain.fmt import s8
from simulator.spot.domain.order import Order, OrderList, Trade
from simulator.spot.engine import views
from simulator.spot.engine.book import Book
from simulator.spot.engine.events import balance_update
from simulator.spot.engine.lists import ListsMixin
from simulator.spot.engine.state import new_client_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.spot.domain.requests import NewOrder
    from simulator.spot.engine.state import MarketPort, SpecSource

ZERO = Decimal(0)
# executionReport `r` for the matching-engine messages (SPOT-DOCS user-data-stream.md "Order Reject Reason").
REJECT_REASONS = {
    "Account has insufficient balance for requested action.": "INSUFFICIENT_BALANCES",
    "Order would trigger immediately.": "STOP_PRICE_WOULD_TRIGGER_IMMEDIATELY",
    "Order would immediately match and take.": "WOULD_MATCH_IMMEDIATELY",
    "The relationship of the prices for the orders is not correct.": "OCO_BAD_PRICES",
}


def cancel_rejected(msg: str = "Unknown order sent.") -> BinanceError:
    return BinanceError(-2011, msg)


class SpotEngine(ListsMixin):
    def __init__(self, symbols: SpecSource, market: MarketPort, now_ms: Callable[[], int]) -> None:
        super().__init__(symbols, market, now_ms)
        self.oco_groups = {}
        self._last_trade: dict[str, Decimal] = {}

    def place(self, account_id: str, req: NewOrder) -> tuple[Order, list[dict[str, Any]]]:
        before = self.next_trade_id
        order, fills = super().place(account_id, req)
        if self.next_trade_id != before and fills:
            # Our own prints move the last price too, so stops on this symbol may fire.
            try:
                self.check_stops(req.symbol, Decimal(fills[-1]["price"]))
            finally:
                self.flush()
        return order, fills

    # -- cancel --------------------------------------------------------------------------------------
    def cancel(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        client_id: str | None = None,
        new_client_id_: str | None = None,
        restrictions: str | None = None,
    ) -> dict[str, Any]:
        try:
            self.spec(symbol)
            try:
                order = self.find(account_id, symbol, order_id, client_id)
            except BinanceError as err:
                raise cancel_rejected() if err.code == -2013 else err from None
            if not order.is_open:
                raise cancel_rejected()
            if (restrictions == "ONLY_NEW" and order.status != OrderStatus.NEW) or (
                restrictions == "ONLY_PARTIALLY_FILLED" and order.status != OrderStatus.PARTIALLY_FILLED
            ):
                raise cancel_rejected("Order was not canceled due to cancel restrictions.")
            cancel_id = new_client_id_ or new_client_id()
            now = self.now_ms()
            if order.order_list_id != -1:
                # Canceling any leg cancels the whole list (SPOT-DOCS).
                self._cancel_list_orders(self.lists[order.order_list_id], cancel_id, order)
            else:
                self._cancel_one(order, cancel_id)
            return views.canceled(order, cancel_id, now)
        finally:
            self.flush()

    def _cancel_one(self, order: Order, cancel_id: str) -> None:
        order.apply(Event.CANCEL)
        order.update_time = self.now_ms()
        self._report(order, ExecType.CANCELED, client_order_id=cancel_id)
        self._close_if_final(order)

    def _cancel_list_orders(self, lst: OrderList, cancel_id: str, target: Order | None = None) -> None:
        # Pending legs first: once the working order is gone they would otherwise expire, not cancel.
        for oid in reversed(lst.order_ids):
            member = self.orders[oid]
            if member.is_open:
                self._cancel_one(member, cancel_id if member is target or target is None else new_client_id())

    def cancel_all(self, account_id: str, symbol: str) -> list[dict[str, Any]]:
        try:
            self.spec(symbol)
            open_orders = self.open_for(account_id, symbol)
            if not open_orders:
                raise cancel_rejected()
            now = self.now_ms()
            out: list[dict[str, Any]] = []
            done_lists: set[int] = set()
            for order in open_orders:
                if order.order_list_id != -1:
                    if order.order_list_id in done_lists:
                        continue
                    done_lists.add(order.order_list_id)
                    out.append(self._cancel_list_view(self.lists[order.order_list_id], None, now))
                elif order.is_open:
                    cancel_id = new_client_id()
                    self._cancel_one(order, cancel_id)
                    out.append(views.canceled(order, cancel_id, now))
            return out
        finally:
            self.flush()

    def cancel_list(
        self,
        account_id: str,
        symbol: str,
        *,
        list_id: int | None,
        list_client_id: str | None,
        new_client_id_: str | None = None,
    ) -> dict[str, Any]:
        try:
            self.spec(symbol)
            lst = self.find_list(account_id, list_id, list_client_id)
            if lst.symbol != symbol or not lst.is_open:
                raise cancel_rejected()
            return self._cancel_list_view(lst, new_client_id_, self.now_ms())
        finally:
            self.flush()

    def _cancel_list_view(self, lst: OrderList, new_list_client_id: str | None, now: int) -> dict[str, Any]:
        members = [self.orders[i] for i in lst.order_ids]
        ids = {m.order_id: new_client_id() for m in members if m.is_open}
        for member in reversed(members):
            if member.order_id in ids:
                self._cancel_one(member, ids[member.order_id])
        if new_list_client_id:
            lst.list_client_order_id = new_list_client_id
        out = views.order_list(lst, members)
        out["orderReports"] = [
            views.canceled(m, ids.get(m.order_id, m.client_order_id), now) for m in members
        ]
        return out

    def find_list(self, account_id: str, list_id: int | None, list_client_id: str | None) -> OrderList:
        lst: OrderList | None = None
        if list_id is not None:
            lst = self.lists.get(list_id)
        elif list_client_id is not None:
            lst = next(
                (
                    x
                    for x in reversed(self.account_lists.get(account_id, []))
                    if x.list_client_order_id == list_client_id
                ),
                None,
            )
        if lst is None or lst.account_id != account_id:
            raise BinanceError(-2011, "Order list does not exist.")
        return lst

    # -- amend (keep priority) -----------------------------------------------------------------------
    def amend(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None,
        client_id: str | None,
        new_qty: Decimal,
        new_client_id_: str | None,
    ) -> dict[str, Any]:
        try:
            spec = self.spec(symbol)
            order = self.find(account_id, symbol, order_id, client_id)
            if not order.is_open:
                raise BinanceError(-2038, "Order amend rejected.")
            if new_qty >= order.orig_qty:
                raise BinanceError(-2038, "Order amend (quantity increase) is not supported.")
            if new_qty <= order.executed_qty:
                raise BinanceError(-2038, "Order amend rejected.")
            limit = next(
                (
                    int(f["maxNumOrderAmends"])
                    for f in spec.filters
                    if f["filterType"] == "MAX_NUM_ORDER_AMENDS"
                ),
                None,
            )
            if limit is not None and order.amends >= limit:
                raise BinanceError(-1013, "Filter failure: MAX_NUM_ORDER_AMENDS")
            orig_client = order.client_order_id
            order.client_order_id = new_client_id_ or new_client_id()
            self.client_ids[(account_id, symbol, order.client_order_id)] = order
            # OCO legs share one quantity (and one reservation), so an amend applies to the whole pair.
            group = self.oco_groups.get(order.order_list_id, []) if order.order_list_id != -1 else []
            siblings = [self.orders[i] for i in group if i != order.order_id and self.orders[i].is_open]
            now = self.now_ms()
            for target in [*siblings, order]:
                if new_qty <= target.executed_qty:
                    continue
                target.orig_qty = new_qty
                target.amends += 1
                if target.iceberg_qty:
                    target.visible = min(target.visible, target.remaining)
                self._release_excess(target)
                target.update_time = now
                target.apply(Event.AMEND)
                self._report(target, ExecType.REPLACED)
            exec_id = self.next_exec_id - 1
            amended = {
                "symbol": symbol,
                "orderId": order.order_id,
                "orderListId": order.order_list_id,
                "origClientOrderId": orig_client,
                "clientOrderId": order.client_order_id,
                "price": s8(order.price),
                "qty": s8(order.orig_qty),
                "executedQty": s8(order.executed_qty),
                "preventedQty": s8(order.prevented_qty),
                "quoteOrderQty": s8(order.quote_order_qty),
                "cumulativeQuoteQty": s8(order.cum_quote),
                "status": str(order.status),
                "timeInForce": order.time_in_force,
                "type": str(order.type),
                "side": str(order.side),
                "workingTime": order.working_time,
                "selfTradePreventionMode": str(order.stp_mode),
            }
            out: dict[str, Any] = {"transactTime": now, "executionId": exec_id, "amendedOrder": amended}
            if order.order_list_id != -1:
                lst = self.lists[order.order_list_id]
                listed = views.order_list(lst, [self.orders[i] for i in lst.order_ids])
                out["listStatus"] = {
                    k: listed[k]
                    for k in (
                        "orderListId",
                        "contingencyType",
                        "listOrderStatus",
                        "listClientOrderId",
                        "symbol",
                        "orders",
                    )
                }
            return out
        finally:
            self.flush()

    # -- queries -------------------------------------------------------------------------------------
    def all_orders(self, account_id: str, symbol: str) -> list[Order]:
        return [o for o in self.account_orders.get(account_id, []) if o.symbol == symbol]

    def my_trades(self, account_id: str, symbol: str) -> list[Trade]:
        return [t for t in self.trades.get(account_id, []) if t.symbol == symbol]

    def book_depth(self, symbol: str) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
        """Core's book source: users' shown quantity per level, merged into depth REST and streams."""
        book = self.books.get(symbol)
        if book is None:
            return {}, {}
        return book.depth(Side.BUY), book.depth(Side.SELL)

    def report_rejected(self, account_id: str, req: NewOrder, err: BinanceError) -> None:
        """The new half of a cancel-replace that the engine refused still gets an executionReport
        (x=REJECTED), the one case where Binance reports a rejection on the user stream."""
        try:
            spec = self.spec(req.symbol)
            order = self.build_order(account_id, spec, req, self.now_ms())
            order.status = OrderStatus.REJECTED  # born rejected: no transition leads here
            self._report(order, ExecType.REJECTED, reject_reason=REJECT_REASONS.get(err.msg, "NONE"))
        finally:
            self.flush()

    # -- funding -------------------------------------------------------------------------------------
    def set_balances(self, account_id: str, balances: dict[str, Decimal]) -> None:
        now = self.now_ms()
        for asset, amount in balances.items():
            delta = self.ledger.set_free(account_id, asset, amount)
            if delta:
                self._emit(account_id, balance_update(now, asset, delta))
        self.flush()

    # -- lifecycle -----------------------------------------------------------------------------------
    def reset(self) -> None:
        self.ledger.reset()
        self._init_state()
        self.oco_groups = {}
        self._last_trade = {}

    def dump_state(self) -> dict[str, Any]:
        return {
            "orders": [o.to_state() for o in self.orders.values()],
            "trades": [t.to_state() for ts in self.trades.values() for t in ts],
            "lists": [lst.to_state() for lst in self.lists.values()],
            "oco_groups": {str(k): v for k, v in self.oco_groups.items()},
            "ledger": self.ledger.dump_state(),
            "commission": {a: [str(m), str(t)] for a, (m, t) in self.commission.items()},
            "prevented": self.prevented,
            "ids": [
                self.next_order_id,
                self.next_trade_id,
                self.next_list_id,
                self.next_exec_id,
                self.next_prevented_id,
            ],
        }

    def load_state(self, data: dict[str, Any]) -> None:
        self.reset()
        self.ledger.load_state(data.get("ledger", {}))
        for raw in data.get("orders", []):
            order = Order.from_state(raw)
            self.orders[order.order_id] = order
            self.account_orders.setdefault(order.account_id, []).append(order)
            self.client_ids[(order.account_id, order.symbol, order.client_order_id)] = order
            if order.is_open:
                self.open_orders.setdefault(order.account_id, {})[order.order_id] = order
                if order.is_algo and order.working_time < 0:
                    self.stops.setdefault(order.symbol, {})[order.order_id] = order
                elif order.status != OrderStatus.PENDING_NEW:
                    self.books.setdefault(order.symbol, Book()).add(order)
        for raw in data.get("trades", []):
            trade = Trade.from_state(raw)
            self.trades.setdefault(trade.account_id, []).append(trade)
        for raw in data.get("lists", []):
            lst = OrderList.from_state(raw)
            self.lists[lst.order_list_id] = lst
            self.account_lists.setdefault(lst.account_id, []).append(lst)
        self.oco_groups = {int(k): v for k, v in data.get("oco_groups", {}).items()}
        self.prevented = data.get("prevented", {})
        self.commission = {a: (Decimal(m), Decimal(t)) for a, (m, t) in data.get("commission", {}).items()}
        ids = data.get("ids")
        if ids:
            (
                self.next_order_id,
                self.next_trade_id,
                self.next_list_id,
                self.next_exec_id,
                self.next_prevented_id,
            ) = ids
