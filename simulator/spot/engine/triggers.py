"""Stop and trailing-stop triggers, and resting orders filled by public trades that print through them."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.spot.domain.enums import Event, ExecType, OrderType, Side, StpMode
from simulator.spot.domain.fmt import q_up
from simulator.spot.domain.ledger import InsufficientBalance
from simulator.spot.engine.placing import PlacingMixin, activation_reached, stop_triggered

if TYPE_CHECKING:
    from simulator.spot.domain.order import Order

ZERO = Decimal(0)
BIPS = Decimal(10000)
# A cascade of stops triggering each other ends within this many rounds (each round needs a new price).
MAX_TRIGGER_ROUNDS = 50


class TriggerMixin(PlacingMixin):
    def on_public_trade(self, symbol: str, price: Decimal, qty: Decimal, time_ms: int) -> None:
        """Core's trade listener: fill resting orders the market traded through, then fire stops."""
        if self._recording:
            return
        try:
            self._fill_through(symbol, price, qty)
            self.check_stops(symbol, price)
        finally:
            self.flush()

    def _fill_through(self, symbol: str, price: Decimal, qty: Decimal) -> None:
        """Orders priced strictly better than the print fill completely (the level must have been
        exhausted for the market to trade beyond it); orders at the print share its quantity in time order."""
        book = self.book(symbol)
        if not book.prices[Side.BUY] and not book.prices[Side.SELL]:
            return
        for side in (Side.BUY, Side.SELL):
            pool = qty
            for order in book.orders_better_than(side, price, inclusive=True):
                if not order.is_open:
                    continue
                if order.price == price:
                    take = min(order.remaining, pool)
                    pool -= take
                else:
                    take = order.remaining
                if take > 0:
                    self._trade(None, order, order.price, take)
                    if order.is_open and order.iceberg_qty:
                        order.visible = min(order.visible, order.remaining)

    def check_stops(self, symbol: str, price: Decimal) -> None:
        for _ in range(MAX_TRIGGER_ROUNDS):
            stops = self.stops.get(symbol)
            if not stops:
                return
            now = self.now_ms()
            fired = [o for o in list(stops.values()) if o.is_open and self._fires(o, price, now)]
            if not fired:
                return
            for order in fired:
                stops.pop(order.order_id, None)
                if order.is_open:
                    self._trigger(order, now)
            latest = self.market.last_price(symbol)
            if latest is None or latest == price:
                return
            price = latest

    def _fires(self, order: Order, price: Decimal, now: int) -> bool:
        if order.trailing_delta is None:
            return stop_triggered(order.type, order.side, order.stop_price, price)
        delta = Decimal(order.trailing_delta) / BIPS
        if not order.trail_active:
            if activation_reached(order.side, order.stop_price, price):
                order.trail_active = True
                order.trail_peak = price
                order.trailing_time = now
            return False
        if order.side == Side.SELL:
            order.trail_peak = max(order.trail_peak, price)
            return price <= order.trail_peak * (1 - delta)
        order.trail_peak = min(order.trail_peak, price) if order.trail_peak > 0 else price
        return price >= order.trail_peak * (1 + delta)

    def _trigger(self, order: Order, now: int) -> None:
        if order.order_list_id != -1:
            self._on_list_member_executing(order)
        order.apply(Event.TRIGGER)
        order.working_time = now
        order.update_time = now
        if order.type in (OrderType.STOP_LOSS, OrderType.TAKE_PROFIT) and order.side == Side.BUY:
            # The reservation was made at the stop price; a market buy needs what the book costs now.
            self.ledger.unlock(order.account_id, order.locked_asset, order.locked)
            order.locked = ZERO
            skip = None if order.stp_mode == StpMode.NONE else order.account_id
            _, cost = self.walk(order.symbol, order.side, qty=order.remaining, skip_account=skip)
            try:
                self.ledger.lock(order.account_id, order.locked_asset, q_up(cost))
                order.locked = q_up(cost)
            except InsufficientBalance:
                order.expiry_reason = "INSUFFICIENT_LIQUIDITY"
                order.apply(Event.EXPIRE)
                self._report(order, ExecType.EXPIRED)
                self._close_if_final(order)
                return
        fills: list[dict[str, Any]] = []
        self._work(order, fills)

    def on_tick(self, now_ms: int, sim_ms: int) -> None:
        """Stops also fire on price moves that printed no trade (e.g. after a pause or a jump); a delisted
        symbol's open orders are expired by the exchange."""
        try:
            for symbol in [s for s, stops in self.stops.items() if stops]:
                price = self.market.last_price(symbol)
                if price is not None:
                    self.check_stops(symbol, price)
            self._expire_delisted()
        finally:
            self.flush()

    def _expire_delisted(self) -> None:
        symbols = {o.symbol for orders in self.open_orders.values() for o in orders.values()}
        delisted = {s for s in symbols if self.spec(s).delisted}
        if not delisted:
            return
        doomed = [o for orders in self.open_orders.values() for o in orders.values() if o.symbol in delisted]
        for order in sorted(doomed, key=lambda o: -o.order_id):
            if order.is_open:
                order.expiry_reason = "EXCHANGE_CANCELED"
                order.apply(Event.EXPIRE)
                order.update_time = self.now_ms()
                self._report(order, ExecType.EXPIRED)
                self._close_if_final(order)
