"""New orders, cancels and amends: validation in Binance's order of checks, then matching."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.futures.domain import brackets as br
from simulator.futures.domain import symbol as rules
from simulator.futures.domain.enums import ALGO_TYPES
from simulator.futures.domain.errors import FuturesError
from simulator.futures.domain.order import Order
from simulator.futures.engine import events
from simulator.futures.engine.matching import MatchingMixin
from simulator.futures.engine.risk import symbol_initial_margin

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.futures.engine.state import AccountState

ZERO = Decimal(0)
CLIENT_ID_RE = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
GTD_MIN_AHEAD_MS = 600_000


@dataclass
class OrderRequest:
    symbol: str
    side: str
    type: str
    quantity: Decimal | None = None
    price: Decimal | None = None
    position_side: str | None = None
    time_in_force: str | None = None
    reduce_only: bool = False
    reduce_only_sent: bool = False
    close_position: bool = False
    client_order_id: str | None = None
    stop_price: Decimal | None = None
    working_type: str = "CONTRACT_PRICE"
    price_protect: bool = False
    price_match: str = "NONE"
    stp_mode: str = "NONE"
    good_till_date: int = 0
    activate_price: Decimal | None = None
    price_rate: Decimal | None = None
    orig_type: str | None = None


def new_client_id() -> str:
    return "sim" + secrets.token_hex(11)


def is_closing(side: str, position_side: str, *, dual_side: bool) -> bool:
    return dual_side and (
        (side == "SELL" and position_side == "LONG") or (side == "BUY" and position_side == "SHORT")
    )


def check_position_side(acc: AccountState, requested: str | None) -> str:
    ps = requested or "BOTH"
    if acc.dual_side and ps == "BOTH":
        raise FuturesError(-4061, "Order's position side does not match user's setting.")
    if not acc.dual_side and ps != "BOTH":
        raise FuturesError(-4061, "Order's position side does not match user's setting.")
    return ps


class PlacingMixin(MatchingMixin):
    def place_order(
        self,
        account_id: str,
        req: OrderRequest,
        *,
        from_algo: bool = False,
        on_accepted: Callable[[Order], None] | None = None,
    ) -> Order:
        """`on_accepted` sees the order as accepted (NEW), before matching: Binance's ACK response."""
        try:
            return self._place(account_id, req, from_algo=from_algo, on_accepted=on_accepted)
        finally:
            self._lite_anchor = None
            self.flush()

    def _place(  # noqa: C901
        self,
        account_id: str,
        req: OrderRequest,
        *,
        from_algo: bool,
        on_accepted: Callable[[Order], None] | None = None,
    ) -> Order:
        spec = self.spec(req.symbol)
        if spec.status != "TRADING":
            raise FuturesError(-1122, "Invalid symbol status.")
        if req.type in ALGO_TYPES and not from_algo:
            raise FuturesError(
                -4120,
                "Order type not supported for this endpoint. "
                "Please use the Algo Order API endpoints instead.",
            )
        acc = self.account(account_id)
        ps = check_position_side(acc, req.position_side)
        if acc.dual_side and req.reduce_only_sent:
            raise FuturesError(-1106, "Parameter 'reduceOnly' sent when not required.")
        now = self.now()
        tif = self._check_type_fields(req, now)
        price = self._resolve_price(req)
        qty = self._resolve_quantity(acc, req, ps)
        market = req.type == "MARKET"
        if not market:
            rules.check_price(spec, price)
        rules.check_quantity(spec, qty, market=market)
        mark = self.mark(req.symbol)
        if not market:
            rules.check_percent_price(spec, req.side, price, mark)
        client_id = req.client_order_id or new_client_id()
        if not CLIENT_ID_RE.match(client_id):
            raise FuturesError(-4015, "Client order id is not valid.")
        if any(o.client_order_id == client_id for o in self.open_orders(account_id)):
            raise FuturesError(-4116, "clientOrderId is duplicated.")
        pos = acc.position(req.symbol, ps)
        closing = is_closing(req.side, ps, dual_side=acc.dual_side)
        reducing = req.reduce_only or req.close_position or closing
        if reducing:
            self._check_reduce(acc, req, ps, qty, closing=closing)
        else:
            rules.check_notional(spec, mark if market else price, qty)
        if len(self.open_orders(account_id, req.symbol)) >= spec.max_num_orders:
            raise FuturesError(-2025, "Reach max open order limit.")
        order = Order(
            order_id=self.ledger.order_id(),
            account_id=account_id,
            symbol=req.symbol,
            side=req.side,
            position_side=ps,
            type=req.type,
            orig_type=req.orig_type or req.type,
            time_in_force=tif,
            orig_qty=qty,
            price=ZERO if market else price,
            client_order_id=client_id,
            time=now,
            update_time=now,
            stop_price=req.stop_price or ZERO,
            reduce_only=req.reduce_only,
            close_position=req.close_position,
            working_type=req.working_type,
            price_protect=req.price_protect,
            price_match=req.price_match,
            stp_mode=req.stp_mode,
            good_till_date=req.good_till_date if tif == "GTD" else 0,
            activate_price=req.activate_price,
            price_rate=req.price_rate,
        )
        if not reducing:
            self._check_margin(acc, order, mark)
        limit = None if market else price
        if tif == "GTX" and self.available_liquidity(order, limit) > 0:
            raise FuturesError(
                -5022,
                "Due to the order could not be executed as maker, the Post Only order "
                "will be rejected. The order will not be recorded in the order history",
            )
        if tif == "FOK" and self.available_liquidity(order, limit) < qty:
            raise FuturesError(
                -5021,
                "Due to the order could not be filled immediately, the FOK order has been "
                "rejected. The order will not be recorded in the order history",
            )
        self.ledger.orders[order.order_id] = order
        self.emit(
            account_id,
            events.order_trade_update(
                order, spec, exec_type="NEW", event_ms=now, **self._side_notionals(order)
            ),
        )
        self._lite_anchor = (order.order_id, len(self._outbox) - 1)
        if on_accepted is not None:
            on_accepted(order)
        max_qty = min(qty, abs(pos.amount)) if reducing else qty
        self._match(order, limit, max_qty)
        self._lite_anchor = None
        if order.is_open:
            if market or tif in ("IOC", "FOK"):
                self._finish(order, "EXPIRE", self.now(), reason=9 if market else 2)
            elif reducing and order.executed_qty >= max_qty:
                self._finish(order, "EXPIRE", self.now(), reason=4)
            else:
                self._rest(order)
        return order

    def _side_notionals(self, order: Order) -> dict[str, Decimal]:
        notional = order.orig_qty * order.price
        return {"bids_notional": notional} if order.side == "BUY" else {"asks_notional": notional}

    def _check_type_fields(self, req: OrderRequest, now: int) -> str:
        if req.type == "LIMIT":
            if req.time_in_force is None:
                raise FuturesError(
                    -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."
                )
            if req.price is None and req.price_match == "NONE":
                raise FuturesError(
                    -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."
                )
            if req.price is not None and req.price_match != "NONE":
                raise FuturesError(-1106, "Parameter 'price' sent when not required.")
        elif req.type == "MARKET":
            if req.price is not None:
                raise FuturesError(-1106, "Parameter 'price' sent when not required.")
        else:
            raise FuturesError(-1116, "Invalid orderType.")
        if req.quantity is None and not req.close_position:
            raise FuturesError(
                -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."
            )
        tif = req.time_in_force or "GTC"
        if tif == "GTD" and not (now + GTD_MIN_AHEAD_MS < req.good_till_date < 253402300799000):
            raise FuturesError(
                -5040,
                "goodTillDate must be greater than current time plus 600 seconds and "
                "smaller than 253402300799000",
            )
        return tif

    def _resolve_price(self, req: OrderRequest) -> Decimal:
        if req.type == "MARKET":
            return ZERO
        if req.price is not None:
            return req.price
        # priceMatch: OPPONENT* takes the opposite best (n-th) level, QUEUE* joins our own side.
        opponent = req.price_match.startswith("OPPONENT")
        book_side = (
            ("asks" if req.side == "BUY" else "bids")
            if opponent
            else ("bids" if req.side == "BUY" else "asks")
        )
        depth = int(req.price_match.split("_")[1]) if "_" in req.price_match else 1
        levels = self.market.synthetic_levels(req.symbol, book_side, depth)
        if not levels:
            raise FuturesError(-2020, "Unable to fill.")
        return levels[min(depth, len(levels)) - 1][0]

    def _resolve_quantity(self, acc: AccountState, req: OrderRequest, ps: str) -> Decimal:
        if req.close_position:
            amount = abs(acc.position(req.symbol, ps).amount)
            if amount == 0:
                raise FuturesError(-2022, "ReduceOnly Order is rejected.")
            return amount
        assert req.quantity is not None
        return req.quantity

    def _check_reduce(
        self, acc: AccountState, req: OrderRequest, ps: str, qty: Decimal, *, closing: bool
    ) -> None:
        pos = acc.position(req.symbol, ps)
        if pos.amount == 0:
            raise FuturesError(-2022, "ReduceOnly Order is rejected.")
        if not closing and (pos.amount > 0) == (req.side == "BUY"):
            raise FuturesError(-2022, "ReduceOnly Order is rejected.")
        if closing and qty > abs(pos.amount):
            raise FuturesError(-2022, "ReduceOnly Order is rejected.")

    def _check_margin(self, acc: AccountState, order: Order, mark: Decimal) -> None:
        spec = self.spec(order.symbol)
        ref = order.price if order.price > 0 else mark
        if ref <= 0:
            raise FuturesError(-2020, "Unable to fill.")
        open_for_symbol = self.open_orders(acc.account_id, order.symbol)
        before = symbol_initial_margin(acc, order.symbol, open_for_symbol, mark)
        probe = Order(**{**order.__dict__, "price": ref})
        after = symbol_initial_margin(acc, order.symbol, [*open_for_symbol, probe], mark)
        needed = after - before
        if needed <= 0:
            return
        notional_after = (
            abs(acc.position(order.symbol, order.position_side).amount) * mark + order.orig_qty * ref
        )
        if notional_after > br.max_notional_for_leverage(spec.bracket_table(), acc.lev(order.symbol)):
            raise FuturesError(-2027, "Exceeded the maximum allowable position at current leverage.")
        fee_buffer = order.orig_qty * ref * acc.taker_rate
        available = self.account_risk(acc.account_id, spec.margin_asset).available
        if needed + fee_buffer > available:
            raise FuturesError(-2019, "Margin is insufficient.")

    # -- cancel / amend ---------------------------------------------------------------------------
    def cancel_order(
        self, account_id: str, symbol: str, order_id: int | None, client_id: str | None
    ) -> Order:
        order = self.find_order(account_id, symbol, order_id, client_id)
        if not order.is_open:
            raise FuturesError(-2011, "Unknown order sent.")
        self._finish(order, "CANCEL", self.now())
        self.flush()
        return order

    def cancel_all(self, account_id: str, symbol: str) -> list[Order]:
        done = []
        for order in self.open_orders(account_id, symbol):
            self._finish(order, "CANCEL", self.now())
            done.append(order)
        self.flush()
        return done

    def amend_order(
        self,
        account_id: str,
        symbol: str,
        order_id: int | None,
        client_id: str | None,
        *,
        side: str,
        quantity: Decimal,
        price: Decimal | None,
        price_match: str,
    ) -> Order:
        order = self.find_order(account_id, symbol, order_id, client_id)
        if not order.is_open:
            raise FuturesError(-2013, "Order does not exist.")
        if order.type != "LIMIT":
            raise FuturesError(-4000, "Invalid order status.")
        if side != order.side:
            raise FuturesError(-4000, "Invalid order status.")
        spec = self.spec(symbol)
        new_price = (
            price
            if price is not None
            else self._resolve_price(
                OrderRequest(symbol=symbol, side=side, type="LIMIT", price_match=price_match)
            )
        )
        if quantity == order.orig_qty and new_price == order.price:
            raise FuturesError(-5027, "No need to modify the order.")
        rules.check_price(spec, new_price)
        rules.check_quantity(spec, quantity, market=False)
        rules.check_percent_price(spec, side, new_price, self.mark(symbol))
        if quantity <= order.executed_qty:
            raise FuturesError(-4005, "Quantity greater than max quantity.")
        self._unrest(order)
        order.orig_qty, order.price = quantity, new_price
        order.price_match = price_match
        order.stp_mode = "NONE"  # Binance resets STP on modify
        order.update_time = self.now()
        order.transition("AMEND")
        self.emit(
            account_id,
            events.order_trade_update(order, spec, exec_type="AMENDMENT", event_ms=order.update_time),
        )
        try:
            self._match(order, new_price, order.remaining)
            if order.is_open:
                self._rest(order)
        finally:
            self.flush()
        return order
