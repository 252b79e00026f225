"""The endpoint table: path, HTTP method, security, weight, group and priority of every exchange call.

Weights follow Binance's documentation (fact sheet §3). The limiter charges them before sending and the
response headers correct the shared counters afterwards, so a wrong weight here costs throughput, never a ban.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal

Market = Literal["spot", "futures"]
Method = Literal["get", "post", "put", "delete"]
Group = Literal["system", "market_data", "account", "orders", "user_stream"]
WeightRule = int | Callable[[Mapping[str, Any]], int]


class Priority(IntEnum):
    """Lower value goes first when callers queue on the same pool."""

    URGENT = 0  # kill switch and cancels
    ORDER = 1
    ACCOUNT = 2
    MARKET_DATA = 3


@dataclass(frozen=True)
class Endpoint:
    name: str
    market: Market
    method: Method
    path: str
    version: int = 3
    signed: bool = False
    group: Group = "market_data"
    priority: Priority = Priority.MARKET_DATA
    weight: WeightRule = 1
    # Counts on the per-account ORDERS pools (10 s / 1 min / 1 day).
    counts_orders: int = 0
    is_write: bool = False
    # Reads and cancels are retried with backoff; order placement never is.
    retryable: bool = True
    # URL family: spot REST ("api"), futures REST ("fapi") or wallet/account REST ("sapi", live only).
    family: Literal["api", "fapi", "sapi"] = "api"

    def weight_for(self, params: Mapping[str, Any]) -> int:
        return self.weight(params) if callable(self.weight) else self.weight


def _spot_depth(params: Mapping[str, Any]) -> int:
    limit = int(params.get("limit", 100))
    return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250


def _futures_depth(params: Mapping[str, Any]) -> int:
    limit = int(params.get("limit", 500))
    return 2 if limit <= 50 else 5 if limit <= 100 else 10 if limit <= 500 else 20


def _futures_klines(params: Mapping[str, Any]) -> int:
    limit = int(params.get("limit", 500))
    return 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10


def _one_or_all(one: int, every: int) -> Callable[[Mapping[str, Any]], int]:
    def rule(params: Mapping[str, Any]) -> int:
        return one if params.get("symbol") else every

    return rule


def _spot(name: str, method: Method, path: str, **kw: Any) -> Endpoint:
    return Endpoint(name=f"spot.{name}", market="spot", method=method, path=path, **kw)


def _fut(name: str, method: Method, path: str, version: int = 1, **kw: Any) -> Endpoint:
    return Endpoint(
        name=f"futures.{name}",
        market="futures",
        method=method,
        path=path,
        version=version,
        family="fapi",
        **kw,
    )


_ACCOUNT = {"signed": True, "group": "account", "priority": Priority.ACCOUNT}
_ORDER = {
    "signed": True,
    "group": "orders",
    "priority": Priority.ORDER,
    "is_write": True,
    "retryable": False,
    "counts_orders": 1,
}
_CANCEL = {"signed": True, "group": "orders", "priority": Priority.URGENT, "is_write": True}
_SETTING = {"signed": True, "group": "account", "priority": Priority.ACCOUNT, "is_write": True}
_STREAM = {"group": "user_stream", "priority": Priority.ACCOUNT}

ENDPOINTS: tuple[Endpoint, ...] = (
    # ------------------------------------------------------------------ spot
    _spot("ping", "get", "ping", group="system"),
    _spot("time", "get", "time", group="system"),
    _spot("exchange_info", "get", "exchangeInfo", weight=20, group="system"),
    _spot("depth", "get", "depth", weight=_spot_depth),
    _spot("trades", "get", "trades", weight=25),
    _spot("agg_trades", "get", "aggTrades", weight=4),
    _spot("klines", "get", "klines", weight=2),
    _spot("avg_price", "get", "avgPrice", weight=2),
    _spot("ticker_24hr", "get", "ticker/24hr", weight=_one_or_all(2, 80)),
    _spot("ticker_price", "get", "ticker/price", weight=_one_or_all(2, 4)),
    _spot("book_ticker", "get", "ticker/bookTicker", weight=_one_or_all(2, 4)),
    _spot("order.place", "post", "order", **_ORDER),
    _spot("order.test", "post", "order/test", signed=True, group="orders", priority=Priority.ORDER),
    _spot("order.query", "get", "order", weight=4, **_ACCOUNT),
    _spot("order.cancel", "delete", "order", **_CANCEL),
    _spot("order.cancel_all", "delete", "openOrders", **_CANCEL),
    _spot("order.cancel_replace", "post", "order/cancelReplace", **_ORDER),
    _spot("order.amend", "put", "order/amend/keepPriority", weight=4, **{**_ORDER, "counts_orders": 0}),
    _spot("order_list.oco", "post", "orderList/oco", **{**_ORDER, "counts_orders": 2}),
    _spot("order_list.oto", "post", "orderList/oto", **{**_ORDER, "counts_orders": 2}),
    _spot("order_list.otoco", "post", "orderList/otoco", **{**_ORDER, "counts_orders": 3}),
    _spot("order_list.query", "get", "orderList", weight=4, **_ACCOUNT),
    _spot("order_list.cancel", "delete", "orderList", **_CANCEL),
    _spot("open_orders", "get", "openOrders", weight=_one_or_all(6, 80), **_ACCOUNT),
    _spot("all_orders", "get", "allOrders", weight=20, **_ACCOUNT),
    _spot("account", "get", "account", weight=20, **_ACCOUNT),
    _spot("my_trades", "get", "myTrades", weight=20, **_ACCOUNT),
    _spot("commission", "get", "account/commission", weight=20, **_ACCOUNT),
    _spot("rate_limit_order", "get", "rateLimit/order", weight=40, **_ACCOUNT),
    # Key-level restrictions (withdrawals, futures): served by live Binance and the local exchange.
    _spot(
        "api_restrictions", "get", "account/apiRestrictions", version=1, weight=1, family="sapi", **_ACCOUNT
    ),
    # ------------------------------------------------------------------ USD-M futures
    _fut("ping", "get", "ping", group="system"),
    _fut("time", "get", "time", group="system"),
    _fut("exchange_info", "get", "exchangeInfo", group="system"),
    _fut("depth", "get", "depth", weight=_futures_depth),
    _fut("trades", "get", "trades", weight=5),
    _fut("agg_trades", "get", "aggTrades", weight=20),
    _fut("klines", "get", "klines", weight=_futures_klines),
    _fut("mark_price", "get", "premiumIndex", weight=_one_or_all(1, 10)),
    _fut("funding_rate", "get", "fundingRate", weight=1),
    _fut("ticker_24hr", "get", "ticker/24hr", weight=_one_or_all(1, 40)),
    _fut("ticker_price", "get", "ticker/price", version=2, weight=_one_or_all(1, 2)),
    _fut("book_ticker", "get", "ticker/bookTicker", weight=_one_or_all(2, 5)),
    _fut("order.place", "post", "order", weight=0, **_ORDER),
    _fut("order.query", "get", "order", **_ACCOUNT),
    _fut("order.cancel", "delete", "order", **_CANCEL),
    _fut("order.cancel_all", "delete", "allOpenOrders", **_CANCEL),
    _fut("order.modify", "put", "order", **{**_ORDER, "counts_orders": 1}),
    _fut("algo_order.place", "post", "algoOrder", weight=0, **_ORDER),
    _fut("algo_order.query", "get", "algoOrder", **_ACCOUNT),
    _fut("algo_order.cancel", "delete", "algoOrder", **_CANCEL),
    _fut("algo_order.cancel_all", "delete", "algoOpenOrders", **_CANCEL),
    _fut("open_algo_orders", "get", "openAlgoOrders", weight=_one_or_all(1, 40), **_ACCOUNT),
    _fut("countdown_cancel_all", "post", "countdownCancelAll", **_CANCEL),
    _fut("open_orders", "get", "openOrders", weight=_one_or_all(1, 40), **_ACCOUNT),
    _fut("all_orders", "get", "allOrders", weight=5, **_ACCOUNT),
    _fut("leverage", "post", "leverage", **_SETTING),
    _fut("margin_type", "post", "marginType", **_SETTING),
    _fut("position_mode", "post", "positionSide/dual", **_SETTING),
    _fut("position_mode.query", "get", "positionSide/dual", weight=30, **_ACCOUNT),
    _fut("account", "get", "account", version=3, weight=5, **_ACCOUNT),
    _fut("balance", "get", "balance", version=3, weight=5, **_ACCOUNT),
    _fut("position_risk", "get", "positionRisk", version=3, weight=5, **_ACCOUNT),
    _fut("user_trades", "get", "userTrades", weight=5, **_ACCOUNT),
    _fut("income", "get", "income", weight=30, **_ACCOUNT),
    _fut("commission_rate", "get", "commissionRate", weight=20, **_ACCOUNT),
    _fut("leverage_bracket", "get", "leverageBracket", **_ACCOUNT),
    _fut("symbol_config", "get", "symbolConfig", weight=5, **_ACCOUNT),
    _fut("listen_key.start", "post", "listenKey", **_STREAM),
    _fut("listen_key.keepalive", "put", "listenKey", **_STREAM),
    _fut("listen_key.close", "delete", "listenKey", **_STREAM),
)

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}


def endpoint(name: str) -> Endpoint:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"No exchange endpoint named {name!r}") from None
