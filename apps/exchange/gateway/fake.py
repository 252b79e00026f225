"""In-memory gateway for unit tests of other apps: same interface, deterministic, no network, no Redis.

MARKET orders fill at once at `prices[symbol]`; LIMIT orders rest until `fill(...)` is called. Balances are
checked (-2010 insufficient balance) and duplicate clientOrderIds refused, like the exchange. `fail_next`
queues an error for the next call of a method, to exercise callers' handling of each error class.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from apps.exchange.domain.errors import OrderNotFoundError, RejectedError, explain
from apps.exchange.domain.types import (
    AccountInfo,
    AccountTrade,
    AlgoOrderReport,
    Balance,
    CommissionRates,
    FuturesBalance,
    FuturesSymbolConfig,
    Income,
    OrderListReport,
    OrderReport,
    OrderRequest,
    Position,
)
from apps.exchange.gateway.fake_market import FakeMarketData

if TYPE_CHECKING:
    from apps.exchange.domain.weights import Market

ZERO = Decimal(0)
# Binance's BTCUSDT table of 2024 (first three brackets), the same for every symbol of the fake. Binance
# sends JSON numbers here; strings keep floats out of the fake and parse the same way.
FAKE_BRACKETS: tuple[dict[str, Any], ...] = (
    {
        "bracket": 1,
        "initialLeverage": 125,
        "notionalCap": 50000,
        "notionalFloor": 0,
        "maintMarginRatio": "0.004",
        "cum": "0",
    },
    {
        "bracket": 2,
        "initialLeverage": 100,
        "notionalCap": 600000,
        "notionalFloor": 50000,
        "maintMarginRatio": "0.005",
        "cum": "50",
    },
    {
        "bracket": 3,
        "initialLeverage": 75,
        "notionalCap": 3000000,
        "notionalFloor": 600000,
        "maintMarginRatio": "0.0065",
        "cum": "950",
    },
)


@dataclass
class _Order:
    report: OrderReport


class FakeGateway(FakeMarketData):
    def __init__(self, *, prices: dict[str, Decimal] | None = None, now_ms: int = 1_700_000_000_000) -> None:
        super().__init__()
        self.prices: dict[str, Decimal] = dict(
            prices or {"BTCUSDT": Decimal("50000"), "ETHUSDT": Decimal("3000")}
        )
        self.now_ms = now_ms
        self.balances: dict[str, Decimal] = defaultdict(Decimal, {"USDT": Decimal(10000), "BTC": Decimal(1)})
        self.futures_wallet: Decimal = Decimal(10000)
        self.positions_by_symbol: dict[str, Decimal] = defaultdict(Decimal)
        self.entry: dict[str, Decimal] = {}
        self.leverage: dict[str, int] = defaultdict(lambda: 20)
        self.margin_types: dict[str, str] = defaultdict(lambda: "CROSSED")
        self.hedge = False
        self.orders: dict[tuple[Market, str], _Order] = {}
        self.algo: dict[str, AlgoOrderReport] = {}
        self.trades: list[AccountTrade] = []
        self._ids = itertools.count(1)
        self.listen_keys: set[str] = set()

    # ---------------------------------------------------------------- test controls
    def fill(self, market: Market, client_order_id: str, price: Decimal | None = None) -> OrderReport:
        order = self.orders[(market, client_order_id)]
        return self._execute(order, price or order.report.price)

    # ---------------------------------------------------------------- orders
    def place_order(self, market: Market, request: OrderRequest) -> OrderReport:
        self._enter("place_order")
        if (market, request.client_order_id) in self.orders:
            raise RejectedError(
                "Duplicate order sent.", code=-2010, explanation=explain(-2010, "Duplicate order")
            )
        qty = request.quantity or ZERO
        price = request.price or self.prices[request.symbol]
        if market == "spot" and request.side == "BUY" and qty * price > self.balances["USDT"]:
            msg = "Account has insufficient balance for requested action."
            raise RejectedError(msg, code=-2010, explanation=explain(-2010, msg))
        report = OrderReport(
            market=market,
            symbol=request.symbol,
            order_id=next(self._ids),
            client_order_id=request.client_order_id,
            status="NEW",
            side=request.side,
            type=request.type,
            price=request.price or ZERO,
            orig_qty=qty,
            executed_qty=ZERO,
            cum_quote=ZERO,
            avg_price=None,
            time_in_force=request.time_in_force,
            stop_price=request.stop_price,
            position_side=request.position_side,
            reduce_only=request.reduce_only,
            update_time_ms=self.now_ms,
        )
        order = _Order(report)
        self.orders[(market, request.client_order_id)] = order
        if request.type == "MARKET":
            return self._execute(order, self.prices[request.symbol])
        return report

    def _execute(self, order: _Order, price: Decimal) -> OrderReport:
        r = order.report
        signed = r.orig_qty if r.side == "BUY" else -r.orig_qty
        if r.market == "spot":
            self.balances["USDT"] -= signed * price
            self.balances[r.symbol.removesuffix("USDT")] += signed
        else:
            self.positions_by_symbol[r.symbol] += signed
            self.entry[r.symbol] = price
        trade_id = next(self._ids)
        self.trades.append(
            AccountTrade(
                r.market,
                r.symbol,
                trade_id,
                r.order_id,
                r.side,
                price,
                r.orig_qty,
                r.orig_qty * price,
                ZERO,
                "USDT",
                maker=False,
                realized_pnl=None,
                position_side=r.position_side,
                time_ms=self.now_ms,
            )
        )
        order.report = replace(
            r, status="FILLED", executed_qty=r.orig_qty, cum_quote=r.orig_qty * price, avg_price=price
        )
        return order.report

    def _find(self, market: Market, order_id: int | None, client_order_id: str | None) -> _Order:
        for (m, cid), order in self.orders.items():
            if m == market and (cid == client_order_id or order.report.order_id == order_id):
                return order
        raise OrderNotFoundError("Order does not exist.", code=-2013, explanation=explain(-2013, ""))

    def query_order(
        self, market: Market, symbol: str, *, order_id: int | None = None, client_order_id: str | None = None
    ) -> OrderReport:
        self._enter("query_order")
        return self._find(market, order_id, client_order_id).report

    def cancel_order(
        self,
        market: Market,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
        kill_switch: bool = False,
    ) -> OrderReport:
        self._enter("cancel_order")
        order = self._find(market, order_id, client_order_id)
        if order.report.status not in ("NEW", "PARTIALLY_FILLED"):
            raise RejectedError(
                "Unknown order sent.", code=-2011, explanation=explain(-2011, "Unknown order")
            )
        order.report = replace(order.report, status="CANCELED")
        return order.report

    def cancel_all_orders(self, market: Market, symbol: str, *, kill_switch: bool = False) -> None:
        self._enter("cancel_all_orders")
        for (m, _), order in self.orders.items():
            if m == market and order.report.symbol == symbol and order.report.status == "NEW":
                order.report = replace(order.report, status="CANCELED")

    def open_orders(self, market: Market, symbol: str | None = None) -> list[OrderReport]:
        self._enter("open_orders")
        return [
            o.report
            for (m, _), o in self.orders.items()
            if m == market and o.report.status == "NEW" and symbol in (None, o.report.symbol)
        ]

    def cancel_replace_order(
        self,
        symbol: str,
        *,
        cancel_order_id: int | None = None,
        cancel_client_order_id: str | None = None,
        new: OrderRequest,
    ) -> OrderReport:
        self.cancel_order("spot", symbol, order_id=cancel_order_id, client_order_id=cancel_client_order_id)
        return self.place_order("spot", new)

    def amend_order_quantity(
        self,
        symbol: str,
        *,
        new_quantity: Decimal,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderReport:
        self._enter("amend_order_quantity")
        order = self._find("spot", order_id, client_order_id)
        order.report = replace(order.report, orig_qty=new_quantity)
        return order.report

    def modify_futures_order(
        self,
        symbol: str,
        *,
        side: str,
        quantity: Decimal,
        price: Decimal,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderReport:
        self._enter("modify_futures_order")
        order = self._find("futures", order_id, client_order_id)
        order.report = replace(order.report, orig_qty=quantity, price=price)
        return order.report

    def place_oco(
        self,
        symbol: str,
        *,
        side: str,
        quantity: Decimal,
        list_client_order_id: str,
        above: dict[str, str],
        below: dict[str, str],
    ) -> OrderListReport:
        self._enter("place_oco")
        legs = tuple(
            self.place_order(
                "spot",
                OrderRequest(
                    symbol=symbol,
                    side=side,
                    type=leg.get("type", "LIMIT_MAKER"),  # type: ignore[arg-type]
                    client_order_id=f"{list_client_order_id}-{n}",
                    quantity=quantity,
                    price=Decimal(leg.get("price", leg.get("stopPrice", "0"))),
                ),
            )
            for n, leg in enumerate((above, below))
        )
        return OrderListReport(
            next(self._ids), list_client_order_id, symbol, "OCO", "EXEC_STARTED", "EXECUTING", legs
        )

    def _list_leg(
        self, symbol: str, list_id: str, n: int, leg: dict[str, str], *, pending: bool
    ) -> OrderReport:
        request = OrderRequest(
            symbol=symbol,
            side=leg["side"],  # type: ignore[arg-type]
            type=leg["type"],
            client_order_id=leg.get("clientOrderId", f"{list_id}-{n}"),
            quantity=Decimal(leg["quantity"]),
            price=Decimal(leg["price"]) if "price" in leg else None,
            stop_price=Decimal(leg["stopPrice"]) if "stopPrice" in leg else None,
            time_in_force=leg.get("timeInForce"),
        )
        if not pending:
            return self.place_order("spot", request)
        # A pending leg waits for the working order to fill: the exchange reports it PENDING_NEW.
        report = replace(self.place_order("spot", replace(request, type="LIMIT")), type=leg["type"])
        report = replace(report, status="PENDING_NEW")
        self.orders[("spot", request.client_order_id)].report = report
        return report

    def place_oto(
        self, symbol: str, *, list_client_order_id: str, working: dict[str, str], pending: dict[str, str]
    ) -> OrderListReport:
        self._enter("place_oto")
        legs = (
            self._list_leg(symbol, list_client_order_id, 0, working, pending=False),
            self._list_leg(symbol, list_client_order_id, 1, pending, pending=True),
        )
        return OrderListReport(
            next(self._ids), list_client_order_id, symbol, "OTO", "EXEC_STARTED", "EXECUTING", legs
        )

    def place_otoco(
        self,
        symbol: str,
        *,
        list_client_order_id: str,
        working: dict[str, str],
        pending_side: str,
        pending_quantity: Decimal,
        pending_above: dict[str, str],
        pending_below: dict[str, str],
    ) -> OrderListReport:
        self._enter("place_otoco")
        shared = {"side": pending_side, "quantity": str(pending_quantity)}
        legs = (
            self._list_leg(symbol, list_client_order_id, 0, working, pending=False),
            self._list_leg(symbol, list_client_order_id, 1, pending_above | shared, pending=True),
            self._list_leg(symbol, list_client_order_id, 2, pending_below | shared, pending=True),
        )
        return OrderListReport(
            next(self._ids), list_client_order_id, symbol, "OTO", "EXEC_STARTED", "EXECUTING", legs
        )

    def cancel_order_list(self, symbol: str, *, list_client_order_id: str) -> OrderListReport:
        self._enter("cancel_order_list")
        legs = tuple(
            self.cancel_order("spot", symbol, client_order_id=f"{list_client_order_id}-{n}") for n in (0, 1)
        )
        return OrderListReport(0, list_client_order_id, symbol, "OCO", "ALL_DONE", "ALL_DONE", legs)

    def place_algo_order(self, request: OrderRequest) -> AlgoOrderReport:
        self._enter("place_algo_order")
        report = AlgoOrderReport(
            next(self._ids),
            request.client_order_id,
            request.symbol,
            request.side,
            request.type,
            "NEW",
            request.quantity or ZERO,
            request.stop_price,
            request.price,
            request.position_side,
            self.now_ms,
        )
        self.algo[request.client_order_id] = report
        return report

    def query_algo_order(self, *, client_algo_id: str) -> AlgoOrderReport:
        self._enter("query_algo_order")
        if client_algo_id not in self.algo:
            raise OrderNotFoundError("Order does not exist.", code=-2013)
        return self.algo[client_algo_id]

    def cancel_algo_order(self, *, client_algo_id: str) -> AlgoOrderReport:
        self._enter("cancel_algo_order")
        report = replace(self.query_algo_order(client_algo_id=client_algo_id), status="CANCELED")
        self.algo[client_algo_id] = report
        return report

    def open_algo_orders(self, symbol: str | None = None) -> list[AlgoOrderReport]:
        self._enter("open_algo_orders")
        return [a for a in self.algo.values() if a.status == "NEW" and symbol in (None, a.symbol)]

    def cancel_all_algo_orders(self, symbol: str, *, kill_switch: bool = False) -> None:
        self._enter("cancel_all_algo_orders")
        for key, report in list(self.algo.items()):
            if report.symbol == symbol and report.status == "NEW":
                self.algo[key] = replace(report, status="CANCELED")

    def countdown_cancel_all(self, symbol: str, *, countdown_ms: int) -> None:
        self._enter("countdown_cancel_all")

    # ---------------------------------------------------------------- futures settings
    def set_leverage(self, symbol: str, leverage: int) -> int:
        self._enter("set_leverage")
        self.leverage[symbol] = leverage
        return leverage

    def set_margin_type(self, symbol: str, margin_type: str) -> None:
        self._enter("set_margin_type")
        if self.margin_types[symbol] == margin_type:
            raise RejectedError("No need to change margin type.", code=-4046, explanation=explain(-4046, ""))
        self.margin_types[symbol] = margin_type

    def set_position_mode(self, *, hedge: bool) -> None:
        self._enter("set_position_mode")
        self.hedge = hedge

    def position_mode_is_hedge(self) -> bool:
        self._enter("position_mode_is_hedge")
        return self.hedge

    def futures_symbol_config(self, symbol: str) -> FuturesSymbolConfig:
        self._enter("futures_symbol_config")
        return FuturesSymbolConfig(symbol, self.margin_types[symbol], self.leverage[symbol], 125)

    def leverage_brackets(self, symbol: str | None = None) -> list[dict[str, Any]]:
        self._enter("leverage_brackets")
        names = [symbol] if symbol else sorted(self.prices)
        return [{"symbol": name, "brackets": [dict(b) for b in FAKE_BRACKETS]} for name in names]

    # ---------------------------------------------------------------- account
    def account(self, market: Market) -> AccountInfo:
        self._enter("account")
        if market == "spot":
            balances = tuple(Balance(a, v, ZERO) for a, v in sorted(self.balances.items()) if v)
            return AccountInfo(
                "spot", can_trade=True, can_withdraw=False, permissions=("SPOT",), balances=balances
            )
        fb = FuturesBalance("USDT", self.futures_wallet, ZERO, self.futures_wallet, self.futures_wallet)
        return AccountInfo(
            "futures",
            can_trade=True,
            can_withdraw=None,
            permissions=("FUTURES",),
            futures_balances=(fb,),
            total_wallet_balance=self.futures_wallet,
            available_balance=self.futures_wallet,
        )

    def balances(self, market: Market) -> list[Balance] | list[FuturesBalance]:
        info = self.account(market)
        return list(info.balances) if market == "spot" else list(info.futures_balances)

    def positions(self, symbol: str | None = None) -> list[Position]:
        self._enter("positions")
        out = []
        for sym, amt in self.positions_by_symbol.items():
            if amt and symbol in (None, sym):
                mark, entry = self.prices[sym], self.entry[sym]
                out.append(
                    Position(
                        sym,
                        "BOTH",
                        amt,
                        entry,
                        mark,
                        amt * (mark - entry),
                        ZERO,
                        self.leverage[sym],
                        "cross",
                        amt * mark,
                        self.now_ms,
                    )
                )
        return out

    def account_trades(
        self,
        market: Market,
        symbol: str,
        *,
        start_ms: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[AccountTrade]:
        self._enter("account_trades")
        return [t for t in self.trades if t.market == market and t.symbol == symbol][:limit]

    def income(
        self,
        *,
        symbol: str | None = None,
        income_type: str | None = None,
        start_ms: int | None = None,
        limit: int = 100,
    ) -> list[Income]:
        self._enter("income")
        return []

    def commission_rates(self, market: Market, symbol: str) -> CommissionRates:
        self._enter("commission_rates")
        return CommissionRates(symbol, Decimal("0.001"), Decimal("0.001"))

    # ---------------------------------------------------------------- user data streams
    def futures_listen_key_start(self) -> str:
        self._enter("futures_listen_key_start")
        key = f"fake-listen-key-{next(self._ids)}"
        self.listen_keys.add(key)
        return key

    def futures_listen_key_keepalive(self, listen_key: str) -> None:
        self._enter("futures_listen_key_keepalive")
        if listen_key not in self.listen_keys:
            raise RejectedError("This listenKey does not exist.", code=-1125, explanation=explain(-1125, ""))

    def futures_listen_key_close(self, listen_key: str) -> None:
        self._enter("futures_listen_key_close")
        self.listen_keys.discard(listen_key)
