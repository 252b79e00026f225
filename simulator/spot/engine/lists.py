"""Order lists: OCO (two legs, one cancels the other) and OTO/OTOCO (a working order whose fill releases
one pending order or a pending OCO pair). SPOT-DOCS rest-api.md "Order lists"."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.spot.domain.enums import STOP_LOSS_TYPES, Event, ExecType, OrderStatus, OrderType
from simulator.spot.domain.ledger import InsufficientBalance
from simulator.spot.domain.order import OrderList
from simulator.spot.domain.requests import NewOrder
from simulator.spot.engine.events import list_status
from simulator.spot.engine.placing import insufficient, rejected
from simulator.spot.engine.state import new_client_id
from simulator.spot.engine.triggers import TriggerMixin

if TYPE_CHECKING:
    from simulator.spot.domain.order import Order
    from simulator.symbols import SymbolSpec

ZERO = Decimal(0)
# Either leg may be any of these (BUY OCOs put the stop above, SELL OCOs below); exactly one must be a
# stop-loss, which _validate_oco checks.
LEG_TYPES = frozenset(
    {
        OrderType.STOP_LOSS_LIMIT,
        OrderType.STOP_LOSS,
        OrderType.LIMIT_MAKER,
        OrderType.TAKE_PROFIT,
        OrderType.TAKE_PROFIT_LIMIT,
    }
)


def bad_prices() -> BinanceError:
    return rejected("The relationship of the prices for the orders is not correct.")


def leg_level(req: NewOrder) -> Decimal:
    """The price at which a leg acts: its stop price if it has one, else its limit price."""
    if req.stop_price:
        return req.stop_price
    return req.price or ZERO


class ListsMixin(TriggerMixin):
    # One entry per list: the order ids that cancel each other (both OCO legs, or OTOCO's pending pair).
    oco_groups: dict[int, list[int]]

    def _list_id(self) -> int:
        self.next_list_id += 1
        return self.next_list_id - 1

    def _new_list(
        self, account_id: str, symbol: str, kind: str, client_id: str | None, now: int
    ) -> OrderList:
        lst = OrderList(
            order_list_id=self._list_id(),
            account_id=account_id,
            symbol=symbol,
            contingency_type=kind,
            list_client_order_id=client_id or new_client_id(),
            transaction_time=now,
        )
        self.lists[lst.order_list_id] = lst
        self.account_lists.setdefault(account_id, []).append(lst)
        return lst

    def _check_list_client_id(self, account_id: str, client_id: str | None) -> None:
        if client_id is None:
            return
        for lst in self.account_lists.get(account_id, []):
            if lst.list_client_order_id == client_id and lst.is_open:
                raise rejected("Duplicate order sent.")

    def _check_list_count(self, account_id: str, symbol: str) -> None:
        limit = next(
            (
                int(f["maxNumOrderLists"])
                for f in self.spec(symbol).filters
                if f["filterType"] == "MAX_NUM_ORDER_LISTS"
            ),
            None,
        )
        lists = self.account_lists.get(account_id, [])
        if limit is not None and sum(1 for x in lists if x.is_open and x.symbol == symbol) >= limit:
            raise BinanceError(-1013, "Filter failure: MAX_NUM_ORDER_LISTS")

    def _validate_oco(self, account_id: str, above: NewOrder, below: NewOrder) -> SymbolSpec:
        if above.type not in LEG_TYPES or below.type not in LEG_TYPES:
            raise BinanceError(-1014, "Unsupported order combination.")
        # One leg is the stop-loss, the other the profit side (LIMIT_MAKER or TAKE_PROFIT*).
        if sum(1 for leg in (above, below) if leg.type in STOP_LOSS_TYPES) != 1:
            raise BinanceError(-1014, "Unsupported order combination.")
        last = self.market.last_price(above.symbol)
        if leg_level(above) <= leg_level(below) or (
            last is not None and not leg_level(below) < last < leg_level(above)
        ):
            raise bad_prices()
        spec = self.validate(account_id, above, extra_open=1)
        self.validate(account_id, below, extra_open=1)
        return spec

    def place_oco(
        self,
        account_id: str,
        above: NewOrder,
        below: NewOrder,
        list_client_id: str | None,
    ) -> tuple[OrderList, list[Order]]:
        try:
            self._check_list_client_id(account_id, list_client_id)
            self._check_list_count(account_id, above.symbol)
            spec = self._validate_oco(account_id, above, below)
            now = self.now_ms()
            needs = [self._lock_need(account_id, spec, leg) for leg in (below, above)]
            asset, amount = needs[0][0], max(needs[0][1], needs[1][1])
            if amount > self.ledger.free(account_id, asset):
                raise insufficient()
            lst = self._new_list(account_id, above.symbol, "OCO", list_client_id, now)
            legs = [self.build_order(account_id, spec, leg, now) for leg in (below, above)]
            self.ledger.lock(account_id, asset, amount)
            legs[0].locked_asset = legs[1].locked_asset = asset
            legs[0].locked = amount
            self._link(lst, legs, oco=legs)
            self._launch(lst, legs, now)
            return lst, legs
        except InsufficientBalance:
            raise insufficient() from None
        finally:
            self.flush()

    def place_oto(
        self,
        account_id: str,
        working: NewOrder,
        pending: list[NewOrder],
        list_client_id: str | None,
    ) -> tuple[OrderList, list[Order]]:
        """OTO (one pending order) or OTOCO (a pending above/below pair, given as [above, below])."""
        try:
            self._check_list_client_id(account_id, list_client_id)
            if working.type not in (OrderType.LIMIT, OrderType.LIMIT_MAKER):
                raise BinanceError(-1014, "Unsupported order combination.")
            self._check_list_count(account_id, working.symbol)
            spec = self.validate(account_id, working, extra_open=len(pending))
            for leg in pending:
                self.validate(account_id, leg, extra_open=len(pending), pending=True)
            if len(pending) == 2 and leg_level(pending[0]) <= leg_level(pending[1]):
                raise bad_prices()
            asset, amount, _ = self.check_balance(account_id, spec, working)
            now = self.now_ms()
            lst = self._new_list(account_id, working.symbol, "OTO", list_client_id, now)
            first = self.build_order(account_id, spec, working, now)
            rest = [self.build_order(account_id, spec, leg, now) for leg in reversed(pending)]
            for order in rest:
                order.status = OrderStatus.PENDING_NEW
            self.ledger.lock(account_id, asset, amount)
            first.locked_asset, first.locked = asset, amount
            self._link(lst, [first, *rest], oco=rest if len(rest) == 2 else [])
            self._launch(lst, [first, *rest], now)
            return lst, [first, *rest]
        except InsufficientBalance:
            raise insufficient() from None
        finally:
            self.flush()

    def _link(self, lst: OrderList, orders: list[Order], *, oco: list[Order]) -> None:
        for order in orders:
            order.order_list_id = lst.order_list_id
            lst.order_ids.append(order.order_id)
            self._register(order)
        self.oco_groups[lst.order_list_id] = [o.order_id for o in oco]

    def _launch(self, lst: OrderList, orders: list[Order], now: int) -> None:
        for order in orders:
            if order.status == OrderStatus.PENDING_NEW:
                self._report(order, ExecType.NEW)
        self._emit(lst.account_id, self._list_event(lst))
        for order in orders:
            if order.status != OrderStatus.PENDING_NEW and order.is_open:
                self._start(order, [], now)

    def _list_event(self, lst: OrderList) -> dict[str, Any]:
        return list_status(lst, [self.orders[i] for i in lst.order_ids], self.now_ms())

    # -- contingencies -------------------------------------------------------------------------------
    def _on_list_member_executing(self, order: Order) -> None:
        """An OCO leg that triggers or trades expires its sibling and inherits the shared reservation."""
        group = self.oco_groups.get(order.order_list_id, [])
        if order.order_id not in group:
            return
        for sibling_id in group:
            sibling = self.orders[sibling_id]
            if sibling is order or not sibling.is_open:
                continue
            order.locked += sibling.locked
            sibling.locked = ZERO
            sibling.apply(Event.EXPIRE)
            sibling.update_time = self.now_ms()
            self._report(sibling, ExecType.EXPIRED)
            self._close_if_final(sibling)

    def _on_list_member_final(self, order: Order) -> None:
        lst = self.lists.get(order.order_list_id)
        if lst is None:
            return
        members = [self.orders[i] for i in lst.order_ids]
        if lst.contingency_type == "OTO" and order is members[0]:
            if order.status == OrderStatus.FILLED:
                self._activate(lst, members[1:])
            else:
                for pending in members[1:]:
                    if pending.is_open:
                        pending.expiry_reason = "OTO_PHASE_ONE_EXPIRED"
                        pending.apply(Event.EXPIRE)
                        self._report(pending, ExecType.EXPIRED)
                        self._close_if_final(pending)
        if lst.is_open and all(not m.is_open for m in members):
            lst.list_status_type = lst.list_order_status = "ALL_DONE"
            self._emit(lst.account_id, self._list_event(lst))

    def _activate(self, lst: OrderList, pending: list[Order]) -> None:
        """The working leg filled: reserve for the pending leg(s) and start them."""
        now = self.now_ms()
        spec = self.spec(lst.symbol)
        legs = [p for p in pending if p.status == OrderStatus.PENDING_NEW]
        if not legs:
            return
        needs = [self._lock_need(lst.account_id, spec, self._as_request(p)) for p in legs]
        asset, amount = needs[0][0], max(n[1] for n in needs)
        try:
            self.ledger.lock(lst.account_id, asset, amount)
        except InsufficientBalance:
            for leg in legs:
                leg.expiry_reason = "INSUFFICIENT_BALANCES"
                leg.apply(Event.EXPIRE)
                self._report(leg, ExecType.EXPIRED)
                self._close_if_final(leg)
            return
        legs[0].locked = amount
        for leg in legs:
            leg.locked_asset = asset
            leg.apply(Event.ACTIVATE)
            leg.update_time = now
        for leg in legs:
            if leg.is_open:
                self._start(leg, [], now)

    @staticmethod
    def _as_request(order: Order) -> NewOrder:
        return NewOrder(
            symbol=order.symbol,
            side=order.side,
            type=order.type,
            quantity=order.orig_qty,
            price=order.price or None,
            stop_price=order.stop_price or None,
        )
