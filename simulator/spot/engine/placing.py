"""Placing one order: symbol and type checks, filters, triggers, balance locks, then matching or resting."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.spot.domain.enums import (
    ALGO_TYPES,
    LIMIT_PRICED,
    STOP_LOSS_TYPES,
    Event,
    ExecType,
    OrderType,
    Side,
    StpMode,
    TimeInForce,
)
from simulator.spot.domain.filters import OpenCounts, OrderCheck, check_filters
from simulator.spot.domain.fmt import q_up
from simulator.spot.domain.ledger import InsufficientBalance
from simulator.spot.domain.order import Order
from simulator.spot.engine.matching import MatchingMixin, opposite, within_limit
from simulator.spot.engine.state import new_client_id

if TYPE_CHECKING:
    from simulator.spot.domain.requests import NewOrder
    from simulator.symbols import SymbolSpec

ZERO = Decimal(0)
TYPE_NAMES = {
    OrderType.MARKET: "Market",
    OrderType.STOP_LOSS: "Stop loss",
    OrderType.STOP_LOSS_LIMIT: "Stop loss",
    OrderType.TAKE_PROFIT: "Take profit",
    OrderType.TAKE_PROFIT_LIMIT: "Take profit",
    OrderType.LIMIT_MAKER: "Limit maker",
    OrderType.LIMIT: "Limit",
}


def rejected(msg: str) -> BinanceError:
    return BinanceError(-2010, msg)


def insufficient() -> BinanceError:
    return rejected("Account has insufficient balance for requested action.")


def stop_triggered(o_type: OrderType, side: Side, stop: Decimal, last: Decimal) -> bool:
    """Has the market reached a stop order's trigger (SPOT-DOCS: stop-loss above for BUY, below for SELL)?"""
    if (o_type in STOP_LOSS_TYPES) == (side == Side.BUY):
        return last >= stop
    return last <= stop


def activation_reached(side: Side, stop: Decimal, last: Decimal) -> bool:
    """A trailing order's stopPrice is its activation price: SELL trails once the market is at or above it."""
    return last >= stop if side == Side.SELL else last <= stop


class PlacingMixin(MatchingMixin):
    def _check_symbol(self, spec: SymbolSpec, req: NewOrder) -> None:
        if spec.status != "TRADING":
            raise rejected("Market is closed.")
        raw = spec.raw
        if str(req.type) not in raw.get("orderTypes", []):
            raise rejected(f"{TYPE_NAMES[req.type]} orders are not supported for this symbol.")
        if req.iceberg_qty and not raw.get("icebergAllowed", True):
            raise rejected("Iceberg orders are not supported for this symbol.")
        if req.quote_order_qty is not None and not raw.get("quoteOrderQtyMarketAllowed", True):
            raise rejected("Quote order qty market orders are not support for this symbol.")
        if req.trailing_delta is not None and not raw.get("allowTrailingStop", True):
            raise BinanceError(-1013, "Filter failure: TRAILING_DELTA")
        if req.stp_mode is not None and str(req.stp_mode) not in raw.get(
            "allowedSelfTradePreventionModes", [str(m) for m in StpMode]
        ):
            raise BinanceError(-1130, "Data sent for parameter 'selfTradePreventionMode' is not valid.")

    def counts(self, account_id: str, symbol: str) -> OpenCounts:
        orders = [o for o in self.open_orders.get(account_id, {}).values() if o.symbol == symbol]
        return OpenCounts(
            orders=len(orders),
            algo=sum(1 for o in orders if o.is_algo),
            iceberg=sum(1 for o in orders if o.iceberg_qty > 0),
        )

    def validate(
        self, account_id: str, req: NewOrder, *, extra_open: int = 0, pending: bool = False
    ) -> SymbolSpec:
        """Every check of a new order that doesn't need balances; raises Binance's error.

        A `pending` OTO leg is checked against the filters only: whether it would trigger or take is
        decided when its working order fills."""
        spec = self.spec(req.symbol)
        self._check_symbol(spec, req)
        if req.client_order_id is not None:
            prior = self.client_ids.get((account_id, req.symbol, req.client_order_id))
            if prior is not None and prior.is_open:
                raise rejected("Duplicate order sent.")
        counts = self.counts(account_id, req.symbol)
        if extra_open:
            counts = OpenCounts(counts.orders + extra_open, counts.algo, counts.iceberg)
        check = OrderCheck(
            side=req.side,
            type=req.type,
            qty=req.quantity,
            price=req.price,
            stop_price=req.stop_price,
            iceberg_qty=req.iceberg_qty,
            quote_order_qty=req.quote_order_qty,
            trailing_delta=req.trailing_delta,
        )
        failed = check_filters(
            spec.filters, check, avg_price=self.market.avg_price(req.symbol), counts=counts
        )
        if failed:
            raise BinanceError(-1013, f"Filter failure: {failed}")
        if pending:
            return spec
        last = self.market.last_price(req.symbol)
        if req.type in ALGO_TYPES and req.stop_price is not None and last is not None:
            if req.trailing_delta is None:
                immediate = stop_triggered(req.type, req.side, req.stop_price, last)
            else:
                immediate = activation_reached(req.side, req.stop_price, last)
            if immediate:
                raise rejected("Order would trigger immediately.")
        if req.type == OrderType.LIMIT_MAKER and req.price is not None and self._would_take(req):
            raise rejected("Order would immediately match and take.")
        return spec

    def _would_take(self, req: NewOrder) -> bool:
        assert req.price is not None
        book = self.book(req.symbol)
        best = book.best(opposite(req.side))
        if best is not None and within_limit(best, req.price, req.side):
            return True
        levels = self.market.synthetic_levels(req.symbol, req.side, 1)
        return bool(levels) and within_limit(levels[0][0], req.price, req.side)

    def stp_skip(self, account_id: str, spec: SymbolSpec, mode: StpMode | None) -> str | None:
        """The account whose resting orders a dry run must skip (None when self-trades are allowed)."""
        effective = mode or StpMode(spec.raw.get("defaultSelfTradePreventionMode", "NONE"))
        return None if effective == StpMode.NONE else account_id

    def _lock_need(
        self, account_id: str, spec: SymbolSpec, req: NewOrder
    ) -> tuple[str, Decimal, Decimal | None]:
        """(asset, amount to lock, base qty for quote-qty orders) before the order may exist."""
        step = spec.step_size
        skip = self.stp_skip(account_id, spec, req.stp_mode)
        if req.type == OrderType.MARKET:
            if req.side == Side.BUY:
                if req.quote_order_qty is not None:
                    qty, _ = self.walk(
                        req.symbol, req.side, quote=req.quote_order_qty, step=step, skip_account=skip
                    )
                    return spec.quote_asset, req.quote_order_qty, qty
                _, cost = self.walk(req.symbol, req.side, qty=req.quantity, skip_account=skip)
                return spec.quote_asset, q_up(cost), None
            if req.quote_order_qty is not None:
                qty, _ = self.walk(
                    req.symbol, req.side, quote=req.quote_order_qty, step=step, skip_account=skip
                )
                return spec.base_asset, qty, qty
            assert req.quantity is not None
            return spec.base_asset, req.quantity, None
        assert req.quantity is not None
        if req.side == Side.SELL:
            return spec.base_asset, req.quantity, None
        price = req.price if req.type in LIMIT_PRICED else req.stop_price
        if price is None:  # trailing market stop without a stop price: reserve at the current price
            price = self.market.last_price(req.symbol) or ZERO
        return spec.quote_asset, q_up(price * req.quantity), None

    def check_balance(
        self, account_id: str, spec: SymbolSpec, req: NewOrder
    ) -> tuple[str, Decimal, Decimal | None]:
        asset, amount, qty = self._lock_need(account_id, spec, req)
        if amount > self.ledger.free(account_id, asset):
            raise insufficient()
        return asset, amount, qty

    def build_order(self, account_id: str, spec: SymbolSpec, req: NewOrder, now: int) -> Order:
        order_id = self.next_order_id
        self.next_order_id += 1
        tif = str(req.time_in_force) if req.time_in_force is not None else "GTC"
        stp = req.stp_mode or StpMode(spec.raw.get("defaultSelfTradePreventionMode", "NONE"))
        return Order(
            order_id=order_id,
            account_id=account_id,
            symbol=req.symbol,
            side=req.side,
            type=req.type,
            time_in_force=tif,
            orig_qty=req.quantity or ZERO,
            price=req.price or ZERO,
            client_order_id=req.client_order_id or new_client_id(),
            time=now,
            update_time=now,
            stp_mode=stp,
            stop_price=req.stop_price or ZERO,
            iceberg_qty=req.iceberg_qty or ZERO,
            quote_order_qty=req.quote_order_qty or ZERO,
            trailing_delta=req.trailing_delta,
            strategy_id=req.strategy_id,
            strategy_type=req.strategy_type,
        )

    def place(self, account_id: str, req: NewOrder) -> tuple[Order, list[dict[str, Any]]]:
        """Validate, lock, register and execute one order; events are delivered before returning."""
        try:
            spec = self.validate(account_id, req)
            asset, amount, quote_qty = self.check_balance(account_id, spec, req)
            now = self.now_ms()
            order = self.build_order(account_id, spec, req, now)
            if quote_qty is not None:
                order.orig_qty = quote_qty
            self.ledger.lock(account_id, asset, amount)
            order.locked_asset, order.locked = asset, amount
            self._register(order)
            fills: list[dict[str, Any]] = []
            self._start(order, fills, now)
            return order, fills
        except InsufficientBalance:
            raise insufficient() from None
        finally:
            self.flush()

    def _start(self, order: Order, fills: list[dict[str, Any]], now: int) -> None:
        """Report NEW, then either arm the stop or work the order."""
        if order.is_algo:
            self._arm_stop(order, now)
            self._report(order, ExecType.NEW)
            return
        order.working_time = now
        self._report(order, ExecType.NEW)
        self._work(order, fills)

    def _arm_stop(self, order: Order, now: int) -> None:
        if order.trailing_delta is not None and not order.stop_price:
            last = self.market.last_price(order.symbol)
            order.trail_active = True
            order.trail_peak = last or ZERO
            order.trailing_time = now
        self.stops.setdefault(order.symbol, {})[order.order_id] = order

    def _work(self, order: Order, fills: list[dict[str, Any]]) -> None:
        """Match a working order as taker; rest, expire or finish what is left."""
        if order.orig_qty <= 0:
            order.apply(Event.EXPIRE)
            self._report(order, ExecType.EXPIRED)
            self._close_if_final(order)
            return
        market_like = order.type in (OrderType.MARKET, OrderType.STOP_LOSS, OrderType.TAKE_PROFIT)
        limit = None if market_like else order.price
        if order.time_in_force == TimeInForce.FOK and order.type != OrderType.MARKET:
            skip = None if order.stp_mode == StpMode.NONE else order.account_id
            fillable, _ = self.walk(
                order.symbol, order.side, qty=order.orig_qty, limit=limit, skip_account=skip
            )
            if fillable < order.orig_qty:
                order.expiry_reason = "UNFILLED_FOK_ORDER_EXPIRED"
                order.apply(Event.EXPIRE)
                self._report(order, ExecType.EXPIRED)
                self._close_if_final(order)
                return
        if order.type != OrderType.LIMIT_MAKER:
            self._execute_taker(order, limit, fills)
        if not order.is_open:
            return
        if market_like or order.time_in_force != TimeInForce.GTC:
            order.expiry_reason = "INSUFFICIENT_LIQUIDITY" if market_like else "UNFILLED_IOC_QUANTITY_EXPIRED"
            order.apply(Event.EXPIRE)
            self._report(order, ExecType.EXPIRED)
            self._close_if_final(order)
            return
        if order.iceberg_qty:
            order.visible = min(order.iceberg_qty, order.remaining)
        self.book(order.symbol).add(order)
