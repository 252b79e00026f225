"""Time-driven work run from on_tick: mark price, funding, triggers, liquidation, countdown, expiry."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from simulator.futures.domain import fmt
from simulator.futures.domain import margin as mg
from simulator.futures.domain.order import Order
from simulator.futures.domain.position import Position, unrealized
from simulator.futures.engine import events, funding
from simulator.futures.engine.algo import AlgoMixin
from simulator.futures.engine.placing import is_closing

ZERO = Decimal(0)
MARGIN_CALL_RATIO = Decimal("0.8")
MARK_PUBLISH_MS = 1000
FORCE_ORDER_WINDOW_MS = 1000  # Binance pushes at most one liquidation snapshot per symbol per second


class TickingMixin(AlgoMixin):
    funding_history: dict[str, list[tuple[int, Decimal]]]
    next_funding: dict[str, int]
    last_rate: dict[str, Decimal]
    _last_mark_publish: int
    # symbol -> time of the last forceOrder push, and the largest liquidation held back since then
    _force_sent: dict[str, int]
    _force_held: dict[str, dict[str, Any]]

    def init_ticking(self) -> None:
        self.funding_history = funding.load_history()
        self.next_funding = {}
        self.last_rate = {}
        self._last_mark_publish = 0
        self._force_sent = {}
        self._force_held = {}

    def tick(self, now_ms: int, sim_ms: int, symbols: list[str]) -> None:
        self.update_marks(symbols)
        self.apply_funding(sim_ms, symbols)
        self.check_algos()
        self.check_liquidations()
        self.check_countdowns(now_ms)
        self.check_gtd(now_ms)
        self.release_force_orders(now_ms)
        if now_ms - self._last_mark_publish >= MARK_PUBLISH_MS:
            self._last_mark_publish = now_ms
            self.publish_marks(now_ms, symbols)
        self.flush()

    # -- mark price ---------------------------------------------------------------------------------
    def update_marks(self, symbols: list[str]) -> None:
        for symbol in symbols:
            bid, ask = self.market.best_bid_ask(symbol)
            last = self.market.last_price(symbol)
            samples = [p for p in (bid, ask, last) if p is not None and p > 0]
            if not samples:
                continue
            # Index stands in for the spot basket; the mark is a smoothed median so one print cannot
            # liquidate anyone (Binance: median of price1/price2/contract price).
            raw = sorted(samples)[len(samples) // 2]
            self.index[symbol] = raw
            prev = self.marks.get(symbol)
            mark = raw if prev is None else prev + (raw - prev) * self.mark_alpha
            self.marks[symbol] = mark.quantize(Decimal("0.00000001"))

    def premium_index(self, symbol: str, sim_ms: int) -> dict[str, Any]:
        mark, index = self.mark(symbol), self.index.get(symbol, self.mark(symbol))
        return {
            "symbol": symbol,
            "markPrice": fmt.fixed(mark, 8),
            "indexPrice": fmt.fixed(index, 8),
            "estimatedSettlePrice": fmt.fixed(index, 8),
            "lastFundingRate": fmt.fixed(self.predicted_rate(symbol, sim_ms), 8),
            "interestRate": "0.00010000",
            # Scheduled in replayed time, shown in server time like every other timestamp.
            "nextFundingTime": self.clock.wall_for_sim(
                self.next_funding.get(symbol, funding.next_boundary(sim_ms))
            ),
            "time": self.now(),
        }

    def predicted_rate(self, symbol: str, sim_ms: int) -> Decimal:
        at = self.next_funding.get(symbol, funding.next_boundary(sim_ms))
        recorded = funding.recorded_rate(self.funding_history.get(symbol, []), at)
        if recorded is not None:
            return recorded
        return funding.premium_rate(self.mark(symbol), self.index.get(symbol, self.mark(symbol)))

    def publish_marks(self, now_ms: int, symbols: list[str]) -> None:
        rows = []
        for symbol in symbols:
            if self.mark(symbol) <= 0:
                continue
            p = self.premium_index(symbol, self.clock.sim_ms())
            payload = {
                "e": "markPriceUpdate",
                "E": now_ms,
                "s": symbol,
                "p": p["markPrice"],
                "ap": p["markPrice"],
                "P": p["estimatedSettlePrice"],
                "i": p["indexPrice"],
                "r": p["lastFundingRate"],
                "T": p["nextFundingTime"],
            }
            rows.append(payload)
            self.market.publish(f"{symbol.lower()}@markPrice", payload)
        if rows:
            self.market.publish("!markPrice@arr", rows)  # type: ignore[arg-type]

    # -- funding ------------------------------------------------------------------------------------
    def apply_funding(self, sim_ms: int, symbols: list[str]) -> None:
        for symbol in symbols:
            due = self.next_funding.get(symbol)
            if due is None:
                self.next_funding[symbol] = funding.next_boundary(sim_ms)
                continue
            if sim_ms < due:
                continue
            rate = self.predicted_rate(symbol, sim_ms)
            # A fast replay may skip several boundaries in one tick; settle once, not in a storm.
            self.next_funding[symbol] = funding.next_boundary(sim_ms)
            # Settled funding is history the client sees: stamp it with server time.
            self.settle_funding(symbol, rate, self.now())

    def settle_funding(self, symbol: str, rate: Decimal, funding_time: int) -> None:
        mark = self.mark(symbol)
        spec = self.spec(symbol)
        self.ledger.funding_history.setdefault(symbol, []).append(
            {
                "symbol": symbol,
                "fundingRate": fmt.fixed(rate, 8),
                "fundingTime": funding_time,
                "markPrice": fmt.fixed(mark, 8),
            }
        )
        self.last_rate[symbol] = rate
        now = self.now()
        for acc in self.accounts.values():
            for key, pos in list(acc.positions.items()):
                if pos.symbol != symbol or pos.amount == 0:
                    continue
                pay = mg.funding_payment(pos.amount, mark, rate)
                asset = spec.margin_asset
                acc.wallet[asset] = acc.wallet.get(asset, ZERO) + pay
                isolated = acc.isolated(symbol)
                if isolated:
                    acc.positions[key] = _replace(pos, isolated_wallet=pos.isolated_wallet + pay)
                self.add_income(acc.account_id, symbol, "FUNDING_FEE", pay, asset, now)
                update = self.position_account_update(
                    acc.account_id, symbol, pos.position_side, "FUNDING_FEE", now
                )
                if not isolated:
                    update["a"]["P"] = []  # cross funding reports balances only
                self.emit(acc.account_id, update)

    # -- liquidation ---------------------------------------------------------------------------------
    def check_liquidations(self) -> None:
        for acc in list(self.accounts.values()):
            if not any(p.amount for p in acc.positions.values()):
                continue
            for asset in self.margin_assets(acc.account_id):
                risk = self.account_risk(acc.account_id, asset)
                cross = [r for r in risk.positions if not r.isolated]
                ratio = mg.margin_ratio(risk.cross_maint, risk.cross_margin_balance)
                if cross and ratio >= 1:
                    self.liquidate(acc.account_id, [r.position for r in cross])
                    continue
                self._maybe_margin_call(acc.account_id, risk.cross_wallet, ratio, cross)
                for r in risk.positions:
                    if r.isolated and r.position.isolated_wallet + r.upnl <= r.maint_margin:
                        self.liquidate(acc.account_id, [r.position])

    def _maybe_margin_call(
        self, account_id: str, cross_wallet: Decimal, ratio: Decimal, cross: list[Any]
    ) -> None:
        acc = self.account(account_id)
        if ratio < MARGIN_CALL_RATIO:
            acc.margin_call_sent = False
            return
        if acc.margin_call_sent:
            return
        acc.margin_call_sent = True
        rows = [
            {
                "s": r.position.symbol,
                "ps": r.position.position_side,
                "pa": fmt.plain(r.position.amount),
                "mt": "CROSSED",
                "iw": "0",
                "mp": fmt.fixed(r.mark, 8),
                "up": fmt.wallet(r.upnl),
                "mm": fmt.wallet(r.maint_margin),
            }
            for r in cross
        ]
        self.emit(account_id, events.margin_call(event_ms=self.now(), cross_wallet=cross_wallet, rows=rows))

    def liquidate(self, account_id: str, positions: list[Position]) -> None:
        acc = self.account(account_id)
        now = self.now()
        for sym in {p.symbol for p in positions}:
            for order in self.open_orders(account_id, sym):
                self._finish(order, "CANCEL", now, reason=5)
        for pos in positions:
            spec = self.spec(pos.symbol)
            mark = self.mark(pos.symbol)
            qty = abs(pos.amount)
            realized = unrealized(pos, mark)
            cushion = (
                pos.isolated_wallet if acc.isolated(pos.symbol) else acc.wallet.get(spec.margin_asset, ZERO)
            )
            fee = max(ZERO, min(qty * mark * spec.liquidation_fee, cushion + realized))
            order = Order(
                order_id=self.ledger.order_id(),
                account_id=account_id,
                symbol=pos.symbol,
                side="SELL" if pos.amount > 0 else "BUY",
                position_side=pos.position_side,
                type="LIQUIDATION",
                orig_type="LIQUIDATION",
                time_in_force="IOC",
                orig_qty=qty,
                price=mark,
                client_order_id=f"autoclose-{now}",
                time=now,
                update_time=now,
                reduce_only=True,
            )
            self.ledger.orders[order.order_id] = order
            isolated = acc.isolated(pos.symbol)
            self._apply_fill(order, qty, mark, maker=False, fee_override=fee, exec_type="CALCULATED")
            wallet = acc.wallet.get(spec.margin_asset, ZERO)
            # The insurance fund absorbs losses beyond the margin at stake, so the user never owes the
            # exchange: an isolated position can lose only its isolated wallet, a cross account its wallet.
            shortfall = -(cushion + realized - fee) if isolated else -wallet
            if shortfall > 0:
                acc.wallet[spec.margin_asset] = wallet + shortfall
                self.add_income(account_id, pos.symbol, "INSURANCE_CLEAR", shortfall, spec.margin_asset, now)
            self.push_force_order(pos.symbol, events.force_order(order, spec, event_ms=now, price=mark), now)

    def push_force_order(self, symbol: str, payload: dict[str, Any], now_ms: int) -> None:
        """`@forceOrder` / `!forceOrder@arr` carry the largest liquidation per symbol per 1000 ms."""
        if now_ms - self._force_sent.get(symbol, -FORCE_ORDER_WINDOW_MS) >= FORCE_ORDER_WINDOW_MS:
            self._force_sent[symbol] = now_ms
            self.market.publish(f"{symbol.lower()}@forceOrder", payload)
            self.market.publish("!forceOrder@arr", payload)
            return
        held = self._force_held.get(symbol)
        if held is None or Decimal(payload["o"]["q"]) > Decimal(held["o"]["q"]):
            self._force_held[symbol] = payload

    def release_force_orders(self, now_ms: int) -> None:
        for symbol, payload in list(self._force_held.items()):
            if now_ms - self._force_sent.get(symbol, 0) >= FORCE_ORDER_WINDOW_MS:
                del self._force_held[symbol]
                self.push_force_order(symbol, {**payload, "E": now_ms}, now_ms)

    # -- countdown / GTD ------------------------------------------------------------------------------
    def check_countdowns(self, now_ms: int) -> None:
        for acc in self.accounts.values():
            for symbol, (_, deadline) in list(acc.countdown.items()):
                if now_ms >= deadline:
                    del acc.countdown[symbol]
                    for order in self.open_orders(acc.account_id, symbol):
                        self._finish(order, "CANCEL", now_ms)

    def check_gtd(self, now_ms: int) -> None:
        resting = [o for book in self.books.values() for o in book]
        for order in resting:
            if order.is_open and order.good_till_date and now_ms >= order.good_till_date:
                self._finish(order, "EXPIRE", now_ms, reason=6)

    # -- public trades through resting orders ---------------------------------------------------------
    def on_public_trade(self, symbol: str, price: Decimal, qty: Decimal) -> None:
        if self._matching:
            return  # our own prints (record_trade) must not fill the book a second time
        budget = qty
        for side in ("BUY", "SELL"):
            for order in self._resting(symbol, side):
                if budget <= 0:
                    break
                through = order.price >= price if side == "BUY" else order.price <= price
                if not through:
                    break
                fill = min(budget, order.remaining)
                if order.reduce_only or is_closing(
                    order.side, order.position_side, dual_side=self.account(order.account_id).dual_side
                ):
                    held = self.account(order.account_id).position(symbol, order.position_side).amount
                    # Only the part that still reduces the position may fill (it may have flipped or closed).
                    closable = abs(held) if held and (held > 0) == (order.side == "SELL") else ZERO
                    fill = min(fill, closable)
                    if fill <= 0:
                        self._finish(order, "EXPIRE", self.now(), reason=4)
                        continue
                self._apply_fill(order, fill, order.price, maker=True)
                if not order.is_open:
                    self._unrest(order)
                budget -= fill
        self.flush()


def _replace(pos: Position, **changes: Any) -> Position:
    return replace(pos, **changes)
