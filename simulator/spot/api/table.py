"""One table of spot trading/account operations, used by both REST routes and WebSocket API methods."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from simulator.errors import BinanceError
from simulator.spot.api import ops_account, ops_lists, ops_orders

if TYPE_CHECKING:
    from simulator.params import Params
    from simulator.spot.api.context import Ctx

Security = Literal["TRADE", "USER_DATA"]
Op = Callable[["Ctx", "Params"], Any]


@dataclass(frozen=True)
class Operation:
    security: Security
    op: Op
    # Order/cancel/list requests cost no weight when they succeed and 1 when they fail (2026-04-02);
    # the others charge their own weight once they know it (it depends on the parameters).
    order_like: bool = False


def run(operation: Operation, ctx: Ctx, params: Params) -> Any:
    if not operation.order_like:
        return operation.op(ctx, params)
    ctx.charge(0)
    try:
        return operation.op(ctx, params)
    except BinanceError:
        ctx.charge(1)
        ctx.uncount_orders()
        raise


T, U = "TRADE", "USER_DATA"
O = True  # noqa: E741 - reads as a column marker in the tables below

# (method, path under /api/v3/) → operation
REST: dict[tuple[str, str], Operation] = {
    ("POST", "order"): Operation(T, ops_orders.place, O),
    ("POST", "order/test"): Operation(T, ops_orders.test),
    ("GET", "order"): Operation(U, ops_orders.status),
    ("DELETE", "order"): Operation(T, ops_orders.cancel, O),
    ("GET", "openOrders"): Operation(U, ops_orders.open_orders),
    ("DELETE", "openOrders"): Operation(T, ops_orders.cancel_open_orders, O),
    ("GET", "allOrders"): Operation(U, ops_orders.all_orders),
    ("POST", "order/cancelReplace"): Operation(T, ops_orders.cancel_replace, O),
    ("PUT", "order/amend/keepPriority"): Operation(T, ops_orders.amend),
    ("POST", "orderList/oco"): Operation(T, ops_lists.oco, O),
    ("POST", "order/oco"): Operation(T, ops_lists.oco_legacy, O),
    ("POST", "orderList/oto"): Operation(T, ops_lists.oto, O),
    ("POST", "orderList/otoco"): Operation(T, ops_lists.otoco, O),
    ("GET", "orderList"): Operation(U, ops_lists.status),
    ("DELETE", "orderList"): Operation(T, ops_lists.cancel, O),
    ("GET", "allOrderList"): Operation(U, ops_lists.all_lists),
    ("GET", "openOrderList"): Operation(U, ops_lists.open_lists),
    ("GET", "account"): Operation(U, ops_account.account),
    ("GET", "myTrades"): Operation(U, ops_account.my_trades),
    ("GET", "rateLimit/order"): Operation(U, ops_account.rate_limit_order),
    ("GET", "myPreventedMatches"): Operation(U, ops_account.prevented_matches),
    ("GET", "account/commission"): Operation(U, ops_account.commission),
}

# WebSocket API method → operation (SPOT-DOCS web-socket-api.md; the names python-binance 1.0.37 sends).
WS: dict[str, Operation] = {
    "order.place": REST[("POST", "order")],
    "order.test": REST[("POST", "order/test")],
    "order.status": REST[("GET", "order")],
    "order.cancel": REST[("DELETE", "order")],
    "order.cancelReplace": REST[("POST", "order/cancelReplace")],
    "order.amend.keepPriority": REST[("PUT", "order/amend/keepPriority")],
    "openOrders.status": REST[("GET", "openOrders")],
    "openOrders.cancelAll": REST[("DELETE", "openOrders")],
    "orderList.place": REST[("POST", "order/oco")],
    "orderList.place.oco": REST[("POST", "orderList/oco")],
    "orderList.place.oto": REST[("POST", "orderList/oto")],
    "orderList.place.otoco": REST[("POST", "orderList/otoco")],
    "orderList.status": REST[("GET", "orderList")],
    "orderList.cancel": REST[("DELETE", "orderList")],
    "openOrderLists.status": REST[("GET", "openOrderList")],
    "allOrderLists": REST[("GET", "allOrderList")],
    "allOrders": REST[("GET", "allOrders")],
    "account.status": REST[("GET", "account")],
    "account.commission": REST[("GET", "account/commission")],
    "account.rateLimits.orders": REST[("GET", "rateLimit/order")],
    "myTrades": REST[("GET", "myTrades")],
    "myPreventedMatches": REST[("GET", "myPreventedMatches")],
}
