"""Matching and fill accounting: takers walk users' resting orders and core's synthetic liquidity.

Every fill goes through `_apply_fill`, the single place that moves positions, wallets, income and
emits TRADE_LITE / ACCOUNT_UPDATE / ORDER_TRADE_UPDATE in Binance's order.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.domain import margin as mg
from simulator.futures.domain.position import Position, apply_fill, unrealized
from simulator.futures.engine import events
from simulator.futures.engine.base import EngineBase

if TYPE_CHECKING:
    from simulator.futures.domain.order import Order

ZERO = Decimal(0)
SYNTHETIC_DEPTH = 100


class MatchingMixin(EngineBase):
    # -- the book of resting user orders ------------------------------------------------------------
    def _resting(self, symbol: str, side: str) -> list[Order]:
        orders = [o for o in self.books.get(symbol, []) if o.side == side and o.is_open]
        if side == "BUY":
            return sorted(orders, key=lambda o: (-o.price, o.seq))
        return sorted(orders, key=lambda o: (o.price, o.seq))

    def _rest(self, order: Order) -> None:
        order.seq = self.ledger.next_seq()
        self.books.setdefault(order.symbol, []).append(order)

    def _unrest(self, order: Order) -> None:
        book = self.books.get(order.symbol, [])
        if order in book:
            book.remove(order)

    def book_levels(self, symbol: str) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
        bids: dict[Decimal, Decimal] = {}
        asks: dict[Decimal, Decimal] = {}
        for o in self.books.get(symbol, []):
            if o.is_open:
                side = bids if o.side == "BUY" else asks
                side[o.price] = side.get(o.price, ZERO) + o.remaining
        return bids, asks

    # -- taker matching -----------------------------------------------------------------------------
    def _crosses(self, side: str, price: Decimal, limit: Decimal | None) -> bool:
        if limit is None:
            return True
        return price <= limit if side == "BUY" else price >= limit

    def available_liquidity(self, order: Order, limit: Decimal | None) -> Decimal:
        """Quantity a taker could get right now (FOK check, GTX check)."""
        opposite = "SELL" if order.side == "BUY" else "BUY"
        total = sum(
            (
                o.remaining
                for o in self._resting(order.symbol, opposite)
                if self._crosses(order.side, o.price, limit)
            ),
            ZERO,
        )
        book_side = "asks" if order.side == "BUY" else "bids"
        for price, qty in self.market.synthetic_levels(order.symbol, book_side, SYNTHETIC_DEPTH):
            if self._crosses(order.side, price, limit):
                total += qty
        return total

    def _match(self, order: Order, limit: Decimal | None, max_qty: Decimal) -> None:
        opposite = "SELL" if order.side == "BUY" else "BUY"
        makers = self._resting(order.symbol, opposite)
        book_side = "asks" if order.side == "BUY" else "bids"
        synth = [[p, q] for p, q in self.market.synthetic_levels(order.symbol, book_side, SYNTHETIC_DEPTH)]
        remaining = max_qty
        self._matching = True
        try:
            while remaining > 0 and order.is_open:
                maker = makers[0] if makers else None
                level = synth[0] if synth else None
                use_user = maker is not None and (
                    level is None
                    or (maker.price <= level[0] if order.side == "BUY" else maker.price >= level[0])
                )
                if use_user:
                    assert maker is not None
                    if not self._crosses(order.side, maker.price, limit):
                        break
                    if maker.account_id == order.account_id and self._self_trade(order, maker):
                        makers.pop(0)
                        continue
                    qty = min(remaining, maker.remaining)
                    price = maker.price
                    self._apply_fill(order, qty, price, maker=False)
                    self._apply_fill(maker, qty, price, maker=True)
                    if not maker.is_open:
                        makers.pop(0)
                        self._unrest(maker)
                elif level is not None:
                    price = level[0]
                    if not self._crosses(order.side, price, limit):
                        break
                    qty = min(remaining, level[1])
                    self._apply_fill(order, qty, price, maker=False)
                    self.market.consume(order.symbol, book_side, price, qty)
                    level[1] -= qty
                    if level[1] <= 0:
                        synth.pop(0)
                else:
                    break
                remaining -= qty
                self.market.record_trade(order.symbol, price, qty, order.side == "SELL", self.now())
        finally:
            self._matching = False

    def _self_trade(self, taker: Order, maker: Order) -> bool:
        """Applies self-trade prevention; True when the maker must be skipped (or the taker stopped)."""
        mode = taker.stp_mode
        if mode == "NONE":
            return False
        now = self.now()
        if mode in ("EXPIRE_MAKER", "EXPIRE_BOTH"):
            self._finish(maker, "EXPIRE_IN_MATCH", now, reason=1)
        if mode in ("EXPIRE_TAKER", "EXPIRE_BOTH"):
            self._finish(taker, "EXPIRE_IN_MATCH", now, reason=1)
        return True

    def _finish(self, order: Order, event: str, now: int, reason: int = 0) -> None:
        order.transition(event)
        order.update_time = now
        order.expiry_reason = reason
        self._unrest(order)
        exec_type = {"CANCEL": "CANCELED", "EXPIRE": "EXPIRED", "EXPIRE_IN_MATCH": "EXPIRED"}[event]
        self.emit(
            order.account_id,
            events.order_trade_update(order, self.spec(order.symbol), exec_type=exec_type, event_ms=now),
        )

    # -- fill accounting ----------------------------------------------------------------------------
    def _apply_fill(
        self,
        order: Order,
        qty: Decimal,
        price: Decimal,
        *,
        maker: bool,
        fee_override: Decimal | None = None,
        exec_type: str = "TRADE",
    ) -> None:
        acc = self.account(order.account_id)
        spec = self.spec(order.symbol)
        now = self.now()
        key = (order.symbol, order.position_side)
        old = acc.position(*key)
        signed = qty if order.side == "BUY" else -qty
        new, realized = apply_fill(old, signed, price)
        if acc.isolated(order.symbol):
            closed = min(abs(old.amount), qty) if old.amount and (old.amount > 0) != (signed > 0) else ZERO
            released = old.isolated_wallet * closed / abs(old.amount) if closed else ZERO
            added = (qty - closed) * price / acc.lev(order.symbol)
            new = _with(new, isolated_wallet=old.isolated_wallet - released + added)
        elif old.isolated_wallet:
            new = _with(new, isolated_wallet=ZERO)
        rate = acc.maker_rate if maker else acc.taker_rate
        commission = fee_override if fee_override is not None else qty * price * rate
        asset = spec.margin_asset
        acc.wallet[asset] = acc.wallet.get(asset, ZERO) + realized - commission
        new = _with(new, update_time=now)
        if new.amount == 0:
            new = _with(new, isolated_wallet=ZERO)
        acc.positions[key] = new
        acc.update_time = now
        order.add_fill(qty, price)
        order.realized_pnl += realized
        order.update_time = now
        trade_id = self.ledger.trade_id()
        self._record_trade(order, qty, price, realized, commission, trade_id, maker=maker, now=now)
        lite = events.trade_lite(
            order, spec, event_ms=now, last_qty=qty, last_price=price, trade_id=trade_id, maker=maker
        )
        self._emit_lite(order, lite)
        self.emit(
            order.account_id,
            self.position_account_update(order.account_id, order.symbol, order.position_side, "ORDER", now),
        )
        self.emit(
            order.account_id,
            events.order_trade_update(
                order,
                spec,
                exec_type=exec_type,
                event_ms=now,
                last_qty=qty,
                last_price=price,
                commission=commission,
                trade_id=trade_id,
                maker=maker,
                realized=realized,
            ),
        )

    def _emit_lite(self, order: Order, lite: dict[str, Any]) -> None:
        # Binance sends the taker's TRADE_LITE ahead of its NEW update (see the recorded sequence).
        anchor = self._lite_anchor
        if anchor is not None and anchor[0] == order.order_id:
            self._outbox.insert(anchor[1], (order.account_id, lite))
            self._lite_anchor = (anchor[0], anchor[1] + 1)
        else:
            self.emit(order.account_id, lite)

    def _record_trade(
        self,
        order: Order,
        qty: Decimal,
        price: Decimal,
        realized: Decimal,
        commission: Decimal,
        trade_id: int,
        *,
        maker: bool,
        now: int,
    ) -> None:
        spec = self.spec(order.symbol)
        self.ledger.trades.append(
            {
                "account_id": order.account_id,
                "symbol": order.symbol,
                "id": trade_id,
                "orderId": order.order_id,
                "side": order.side,
                "price": str(price),
                "qty": str(qty),
                "realizedPnl": str(realized),
                "marginAsset": spec.margin_asset,
                "quoteQty": str(qty * price),
                "commission": str(commission),
                "commissionAsset": spec.margin_asset,
                "time": now,
                "positionSide": order.position_side,
                "buyer": order.side == "BUY",
                "maker": maker,
            }
        )
        if realized:
            self.add_income(
                order.account_id,
                order.symbol,
                "REALIZED_PNL",
                realized,
                spec.margin_asset,
                now,
                trade_id=str(trade_id),
            )
        if commission:
            self.add_income(
                order.account_id,
                order.symbol,
                "COMMISSION",
                -commission,
                spec.margin_asset,
                now,
                trade_id=str(trade_id),
            )

    def add_income(
        self,
        account_id: str,
        symbol: str,
        kind: str,
        amount: Decimal,
        asset: str,
        now: int,
        *,
        trade_id: str = "",
        info: str = "",
    ) -> None:
        self.ledger.income.append(
            {
                "account_id": account_id,
                "symbol": symbol,
                "incomeType": kind,
                "income": str(amount),
                "asset": asset,
                "info": info or kind,
                "time": now,
                "tranId": self.ledger.tran_id(),
                "tradeId": trade_id,
            }
        )

    def position_account_update(
        self, account_id: str, symbol: str, position_side: str, reason: str, now: int
    ) -> dict[str, Any]:
        acc = self.account(account_id)
        spec = self.spec(symbol)
        pos = acc.position(symbol, position_side)
        asset = spec.margin_asset
        wallet = acc.wallet.get(asset, ZERO)
        iso = sum(
            (p.isolated_wallet for p in acc.positions.values() if self.spec(p.symbol).margin_asset == asset),
            ZERO,
        )
        entry = events.position_entry(
            pos,
            spec,
            upnl=unrealized(pos, self.mark(symbol)),
            isolated=acc.isolated(symbol),
            taker_rate=acc.taker_rate,
        )
        return events.account_update(
            event_ms=now, reason=reason, balances=[(asset, wallet, wallet - iso, ZERO)], positions=[entry]
        )

    def maint_of(self, account_id: str, symbol: str, position_side: str) -> Decimal:
        acc = self.account(account_id)
        pos = acc.position(symbol, position_side)
        return mg.maint_margin(pos.amount, self.mark(symbol), self.spec(symbol).bracket_table())


def _with(pos: Position, **changes: Any) -> Position:
    return replace(pos, **changes)
