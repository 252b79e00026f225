"""Conditional (algo) orders: STOP*, TAKE_PROFIT*, TRAILING_STOP_MARKET via /fapi/v1/algoOrder.

They wait outside the book; when the working price crosses the trigger, a real MARKET/LIMIT child
order is placed through the normal path and ALGO_UPDATE reports TRIGGERED then FINISHED (or REJECTED).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulator.futures.domain.enums import ALGO_TYPES
from simulator.futures.domain.errors import FuturesError
from simulator.futures.domain.order import AlgoOrder
from simulator.futures.engine import events
from simulator.futures.engine.placing import (
    CLIENT_ID_RE,
    OrderRequest,
    check_position_side,
    is_closing,
    new_client_id,
)
from simulator.futures.engine.settings import SettingsMixin

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class AlgoRequest:
    symbol: str
    side: str
    type: str
    quantity: Decimal | None = None
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    position_side: str | None = None
    time_in_force: str | None = None
    reduce_only: bool = False
    close_position: bool = False
    client_algo_id: str | None = None
    working_type: str = "CONTRACT_PRICE"
    price_protect: bool = False
    price_match: str = "NONE"
    stp_mode: str = "NONE"
    good_till_date: int = 0
    activate_price: Decimal | None = None
    callback_rate: Decimal | None = None


def should_trigger(algo: AlgoOrder, price: Decimal) -> bool:
    if algo.order_type in ("STOP", "STOP_MARKET"):
        return price >= algo.trigger_price if algo.side == "BUY" else price <= algo.trigger_price
    if algo.order_type in ("TAKE_PROFIT", "TAKE_PROFIT_MARKET"):
        return price <= algo.trigger_price if algo.side == "BUY" else price >= algo.trigger_price
    return False


def trailing_step(algo: AlgoOrder, price: Decimal) -> bool:
    """Advances a trailing stop with a new price; True when it fires."""
    rate = (algo.callback_rate or ZERO) / HUNDRED
    if not algo.activated:
        act = algo.activate_price
        if act is None or (price <= act if algo.side == "BUY" else price >= act):
            algo.activated, algo.extreme = True, price
        return False
    assert algo.extreme is not None
    if algo.side == "BUY":
        algo.extreme = min(algo.extreme, price)
        return price >= algo.extreme * (1 + rate)
    algo.extreme = max(algo.extreme, price)
    return price <= algo.extreme * (1 - rate)


class AlgoMixin(SettingsMixin):
    def working_price(self, symbol: str, working_type: str) -> Decimal:
        if working_type == "MARK_PRICE":
            return self.mark(symbol)
        return self.market.last_price(symbol) or self.mark(symbol)

    def place_algo(self, account_id: str, req: AlgoRequest) -> AlgoOrder:  # noqa: C901
        spec = self.spec(req.symbol)
        if req.type not in ALGO_TYPES:
            raise FuturesError(-1116, "Invalid orderType.")
        acc = self.account(account_id)
        ps = check_position_side(acc, req.position_side)
        if acc.dual_side and req.reduce_only:
            raise FuturesError(-1106, "Parameter 'reduceOnly' sent when not required.")
        if req.close_position and acc.dual_side and not is_closing(req.side, ps, dual_side=True):
            # Hedge mode: closePosition only on the closing side (SELL LONG / BUY SHORT).
            raise FuturesError(-4061, "Order's position side does not match user's setting.")
        if req.type in ("STOP", "TAKE_PROFIT") and req.price is None:
            raise FuturesError(
                -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."
            )
        if req.type == "TRAILING_STOP_MARKET":
            if req.callback_rate is None:
                raise FuturesError(
                    -1102, "Mandatory parameter 'callbackRate' was not sent, was empty/null, or malformed."
                )
            if not Decimal("0.1") <= req.callback_rate <= Decimal(10):
                raise FuturesError(-2007, "Invalid callBack rate.")
        elif req.trigger_price is None:
            raise FuturesError(
                -1102, "Mandatory parameter 'triggerPrice' was not sent, was empty/null, or malformed."
            )
        if req.quantity is None and not req.close_position:
            raise FuturesError(
                -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."
            )
        if req.close_position and req.quantity is not None:
            raise FuturesError(-1106, "Parameter 'quantity' sent when not required.")
        client_id = req.client_algo_id or new_client_id()
        if not CLIENT_ID_RE.match(client_id):
            raise FuturesError(-4015, "Client order id is not valid.")
        mine = [a for a in self.ledger.algos.values() if a.account_id == account_id and a.is_open]
        if any(a.client_algo_id == client_id for a in mine):
            raise FuturesError(-4116, "clientOrderId is duplicated.")
        if sum(1 for a in mine if a.symbol == req.symbol) >= spec.max_num_algo_orders:
            raise FuturesError(-4045, "Reach max stop order limit.")
        now = self.now()
        algo = AlgoOrder(
            algo_id=self.ledger.algo_id(),
            client_algo_id=client_id,
            account_id=account_id,
            symbol=req.symbol,
            side=req.side,
            position_side=ps,
            order_type=req.type,
            time_in_force=req.time_in_force or "GTC",
            quantity=req.quantity or ZERO,
            price=req.price or ZERO,
            trigger_price=req.trigger_price or ZERO,
            create_time=now,
            update_time=now,
            working_type=req.working_type,
            price_match=req.price_match,
            close_position=req.close_position,
            price_protect=req.price_protect,
            reduce_only=req.reduce_only,
            activate_price=req.activate_price,
            callback_rate=req.callback_rate,
            stp_mode=req.stp_mode,
            good_till_date=req.good_till_date,
        )
        current = self.working_price(req.symbol, req.working_type)
        if req.type == "TRAILING_STOP_MARKET":
            trailing_step(algo, current)
        elif current > 0 and should_trigger(algo, current):
            raise FuturesError(-2021, "Order would immediately trigger.")
        self.ledger.algos[algo.algo_id] = algo
        self.emit(account_id, events.algo_update(algo, spec, event_ms=now))
        self.flush()
        return algo

    def find_algo(self, account_id: str, algo_id: int | None, client_algo_id: str | None) -> AlgoOrder:
        for algo in sorted(self.ledger.algos.values(), key=lambda a: -a.algo_id):
            if algo.account_id != account_id:
                continue
            if (algo_id is not None and algo.algo_id == algo_id) or (
                algo_id is None and algo.client_algo_id == client_algo_id
            ):
                return algo
        raise FuturesError(-2013, "Order does not exist.")

    def cancel_algo(self, account_id: str, algo_id: int | None, client_algo_id: str | None) -> AlgoOrder:
        algo = self.find_algo(account_id, algo_id, client_algo_id)
        if not algo.is_open:
            raise FuturesError(-2011, "Unknown order sent.")
        self._end_algo(algo, "CANCEL")
        self.flush()
        return algo

    def cancel_all_algos(self, account_id: str, symbol: str) -> int:
        count = 0
        for algo in list(self.ledger.algos.values()):
            if algo.account_id == account_id and algo.symbol == symbol and algo.is_open:
                self._end_algo(algo, "CANCEL")
                count += 1
        self.flush()
        return count

    def _end_algo(self, algo: AlgoOrder, event: str) -> None:
        algo.transition(event)
        algo.update_time = self.now()
        self.emit(
            algo.account_id, events.algo_update(algo, self.spec(algo.symbol), event_ms=algo.update_time)
        )

    def check_algos(self) -> None:
        for algo in list(self.ledger.algos.values()):
            if not algo.is_open:
                continue
            price = self.working_price(algo.symbol, algo.working_type)
            if price <= 0:
                continue
            fire = (
                trailing_step(algo, price)
                if algo.order_type == "TRAILING_STOP_MARKET"
                else should_trigger(algo, price)
            )
            if fire:
                self._trigger(algo)
        self.flush()

    def _trigger(self, algo: AlgoOrder) -> None:
        spec = self.spec(algo.symbol)
        now = self.now()
        algo.transition("TRIGGER")
        algo.trigger_time = algo.update_time = now
        self.emit(algo.account_id, events.algo_update(algo, spec, event_ms=now))
        limit_child = algo.order_type in ("STOP", "TAKE_PROFIT")
        req = OrderRequest(
            symbol=algo.symbol,
            side=algo.side,
            type="LIMIT" if limit_child else "MARKET",
            quantity=None if algo.close_position else algo.quantity,
            price=algo.price if limit_child else None,
            position_side=algo.position_side,
            time_in_force=algo.time_in_force if limit_child else None,
            reduce_only=algo.reduce_only,
            close_position=algo.close_position,
            client_order_id=algo.client_algo_id,
            stop_price=algo.trigger_price,
            working_type=algo.working_type,
            price_protect=algo.price_protect,
            stp_mode=algo.stp_mode,
            orig_type=algo.order_type,
            activate_price=algo.activate_price,
            price_rate=algo.callback_rate,
        )
        try:
            child = self._place(algo.account_id, req, from_algo=True)
        except FuturesError as err:
            self._lite_anchor = None
            algo.reject_reason = err.msg
            self._end_algo(algo, "REJECT")
            return
        algo.actual_order_id = child.order_id
        algo.actual_price = child.avg_price
        algo.actual_qty = child.executed_qty
        self._end_algo(algo, "FINISH")
