"""Taker matching: users' resting orders and the market's synthetic liquidity, best price first.

At one price users' resting orders go before the synthetic quantity (they were there first as far as the
simulator can tell). Every execution moves balances through the ledger and is reported to the market so it
shows up in public trades, klines and streams.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from simulator.spot.domain.enums import Event, ExecType, OrderStatus, Side, StpMode
from simulator.spot.domain.fmt import q_down, q_half, q_up, s8
from simulator.spot.domain.order import Trade
from simulator.spot.engine.state import EngineState
from simulator.spot.engine.views import fill

if TYPE_CHECKING:
    from typing import Any

    from simulator.spot.domain.order import Order

ZERO = Decimal(0)
SYNTHETIC_DEPTH = 100


def opposite(side: Side) -> Side:
    return Side.SELL if side == Side.BUY else Side.BUY


def better_or_equal(a: Decimal, b: Decimal, taker_side: Side) -> bool:
    """Is resting price `a` at least as good as `b` for a taker on `taker_side`?"""
    return a <= b if taker_side == Side.BUY else a >= b


def within_limit(price: Decimal, limit: Decimal | None, taker_side: Side) -> bool:
    if limit is None:
        return True
    return price <= limit if taker_side == Side.BUY else price >= limit


def floor_step(value: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return q_down(value)
    return (value / step).to_integral_value(ROUND_DOWN) * step


class MatchingMixin(EngineState):
    def _levels(self, symbol: str, side: Side) -> list[list[Decimal]]:
        return [[p, q] for p, q in self.market.synthetic_levels(symbol, side, SYNTHETIC_DEPTH) if q > 0]

    def walk(
        self,
        symbol: str,
        side: Side,
        *,
        qty: Decimal | None = None,
        quote: Decimal | None = None,
        limit: Decimal | None = None,
        step: Decimal = ZERO,
        skip_account: str | None = None,
    ) -> tuple[Decimal, Decimal]:
        """Dry run: (base quantity, exact quote amount) a taker could execute right now.

        `skip_account`'s own orders are left out: self-trade prevention keeps the taker from trading with
        them, so it would fill deeper (and dearer) than they suggest."""
        book = self.book(symbol)
        opp = opposite(side)
        user = [
            (p, sum((o.remaining for o in book.levels[opp][p] if o.account_id != skip_account), ZERO))
            for p in book.prices[opp]
        ]
        if side == Side.BUY:
            merged = sorted(user + [(p, q) for p, q in self._levels(symbol, side)], key=lambda lv: lv[0])
        else:
            merged = sorted(user + [(p, q) for p, q in self._levels(symbol, side)], key=lambda lv: -lv[0])
        base = cost = ZERO
        for price, level_qty in merged:
            if level_qty <= 0:
                continue
            if not within_limit(price, limit, side):
                break
            if quote is not None:
                take = min(level_qty, floor_step((quote - cost) / price, step))
            else:
                assert qty is not None
                take = min(level_qty, qty - base)
            if take <= 0:
                break
            base += take
            cost += take * price
        return base, cost

    def _execute_taker(self, o: Order, limit: Decimal | None, fills: list[dict[str, Any]]) -> None:
        book = self.book(o.symbol)
        opp = opposite(o.side)
        synthetic = self._levels(o.symbol, o.side)
        si = 0
        while o.is_open and o.remaining > 0:
            while si < len(synthetic) and synthetic[si][1] <= 0:
                si += 1
            user_price = book.best(opp)
            syn_price = synthetic[si][0] if si < len(synthetic) else None
            use_user = user_price is not None and (
                syn_price is None or better_or_equal(user_price, syn_price, o.side)
            )
            price = user_price if use_user else syn_price
            if price is None or not within_limit(price, limit, o.side):
                return
            if use_user:
                maker = book.first_at(opp, price)
                assert maker is not None
                if maker.account_id == o.account_id and o.stp_mode != StpMode.NONE:
                    if not self._prevent(o, maker):
                        return
                    continue
                shown = maker.visible if maker.iceberg_qty else maker.remaining
                qty = min(o.remaining, shown)
                fills.append(fill(self._trade(o, maker, price, qty)))
                if maker.is_open and maker.iceberg_qty:
                    maker.visible -= qty
                    if maker.visible <= 0:
                        maker.visible = min(maker.iceberg_qty, maker.remaining)
                        book.requeue(maker)
            else:
                qty = min(o.remaining, synthetic[si][1])
                synthetic[si][1] -= qty
                self.market.consume(o.symbol, o.side, price, qty)
                fills.append(fill(self._trade(o, None, price, qty)))

    def _prevent(self, taker: Order, maker: Order) -> bool:
        """Self-trade prevention by the taker's mode; True if the taker may keep matching."""
        match_id = self.next_prevented_id
        self.next_prevented_id += 1
        shown = maker.visible if maker.iceberg_qty else maker.remaining
        qty = min(taker.remaining, shown)
        mode = taker.stp_mode
        self.prevented.setdefault(taker.account_id, []).append(
            {
                "symbol": taker.symbol,
                "preventedMatchId": match_id,
                "takerOrderId": taker.order_id,
                "makerSymbol": maker.symbol,
                "makerOrderId": maker.order_id,
                "tradeGroupId": 1,
                "selfTradePreventionMode": str(mode),
                "price": s8(maker.price),
                "makerPreventedQuantity": s8(qty),
                "transactTime": self.now_ms(),
            }
        )
        if mode in (StpMode.DECREMENT, StpMode.TRANSFER):
            return self._decrement(taker, maker, qty, match_id)
        expire_taker = mode in (StpMode.EXPIRE_TAKER, StpMode.EXPIRE_BOTH)
        expire_maker = mode in (StpMode.EXPIRE_MAKER, StpMode.EXPIRE_BOTH)
        for order, other, expire in ((maker, taker, expire_maker), (taker, maker, expire_taker)):
            if not expire:
                continue
            order.prevented_match_id = match_id
            order.prevented_qty += qty
            order.apply(Event.STP_EXPIRE)
            order.update_time = self.now_ms()
            self._report(
                order,
                ExecType.TRADE_PREVENTION,
                prevented_match_id=match_id,
                prevented_qty=qty,
                counter_order_id=other.order_id,
            )
            self._close_if_final(order)
        return not expire_taker

    def _decrement(self, taker: Order, maker: Order, qty: Decimal, match_id: int) -> bool:
        """DECREMENT: both orders lose the overlapping quantity; one that reaches zero expires in match."""
        for order, other in ((maker, taker), (taker, maker)):
            order.prevented_match_id = match_id
            order.prevented_qty += qty
            order.decremented += qty
            order.update_time = self.now_ms()
            if order.remaining <= 0:
                order.apply(Event.STP_EXPIRE)
            elif order is maker and maker.iceberg_qty:
                maker.visible -= qty
                if maker.visible <= 0:
                    maker.visible = min(maker.iceberg_qty, maker.remaining)
                    self.book(maker.symbol).requeue(maker)
            self._report(
                order,
                ExecType.TRADE_PREVENTION,
                prevented_match_id=match_id,
                prevented_qty=qty,
                counter_order_id=other.order_id,
            )
            if not self._close_if_final(order) and (order.side == Side.SELL or order.price > 0):
                self._release_excess(order)
        return taker.is_open

    def _trade(self, taker: Order | None, maker: Order | None, price: Decimal, qty: Decimal) -> Trade:
        """Execute `qty` at `price` (None = the synthetic market); returns the taker's trade if any."""
        spec = self.spec((taker or maker).symbol)  # type: ignore[union-attr]
        now = self.now_ms()
        trade_id = self.next_trade_id
        self.next_trade_id += 1
        quote = q_down(price * qty)
        result: Trade | None = None
        for order, is_maker in ((maker, True), (taker, False)):
            if order is None:
                continue
            trade = self._settle(
                order,
                spec.base_asset,
                spec.quote_asset,
                trade_id,
                price,
                qty,
                quote,
                is_maker=is_maker,
                now=now,
            )
            result = trade if result is None or not is_maker else result
        buyer = taker if taker is not None and taker.side == Side.BUY else maker
        if taker is None or maker is None:
            party = taker or maker
            assert party is not None
            if party.side == Side.BUY:
                self.ledger.market_gives(spec.base_asset, qty)
                self.ledger.market_takes(spec.quote_asset, quote)
            else:
                self.ledger.market_gives(spec.quote_asset, quote)
                self.ledger.market_takes(spec.base_asset, qty)
        buyer_is_maker = maker is not None and buyer is maker
        self._recording = True
        try:
            self.market.record_trade(spec.symbol, price, qty, buyer_is_maker, now)
        finally:
            self._recording = False
        assert result is not None
        return result

    def _settle(
        self,
        order: Order,
        base: str,
        quote_asset: str,
        trade_id: int,
        price: Decimal,
        qty: Decimal,
        quote: Decimal,
        *,
        is_maker: bool,
        now: int,
    ) -> Trade:
        if order.order_list_id != -1 and order.executed_qty == 0:
            self._on_list_member_executing(order)
        maker_rate, taker_rate = self.rates(order.account_id)
        rate = maker_rate if is_maker else taker_rate
        if order.side == Side.BUY:
            spent_asset, spent, got_asset, got = quote_asset, quote, base, qty
        else:
            spent_asset, spent, got_asset, got = base, qty, quote_asset, quote
        fee = q_half(got * rate)
        self.ledger.spend(order.account_id, spent_asset, spent, from_locked=True)
        order.locked -= spent
        self.ledger.receive(order.account_id, got_asset, got, fee)
        order.executed_qty += qty
        order.cum_quote += quote
        order.update_time = now
        order.apply(Event.FILL if order.remaining <= 0 else Event.PARTIAL_FILL)
        trade = Trade(
            trade_id=trade_id,
            account_id=order.account_id,
            symbol=order.symbol,
            order_id=order.order_id,
            order_list_id=order.order_list_id,
            price=price,
            qty=qty,
            quote_qty=quote,
            commission=fee,
            commission_asset=got_asset,
            time=now,
            is_buyer=order.side == Side.BUY,
            is_maker=is_maker,
        )
        self.trades.setdefault(order.account_id, []).append(trade)
        self._report(
            order,
            ExecType.TRADE,
            last_qty=qty,
            last_price=price,
            commission=fee,
            commission_asset=got_asset,
            trade_id=trade_id,
            is_maker=is_maker,
        )
        if order.status == OrderStatus.FILLED:
            self._close_if_final(order)
        elif order.side == Side.BUY and order.price > 0:
            # Price improvement goes back to free: a resting buy only holds price x remaining.
            self._release_excess(order)
        return trade

    def _release_excess(self, order: Order) -> None:
        if order.side == Side.BUY:
            need = q_up((order.price or order.stop_price) * order.remaining)
        else:
            need = order.remaining
        excess = order.locked - need
        if excess > 0:
            self.ledger.unlock(order.account_id, order.locked_asset, excess)
            order.locked = need

    def _on_list_member_executing(self, order: Order) -> None:
        """Overridden by the order-list mixin (an OCO leg executing expires its sibling)."""
