"""What an operation needs to run for one caller, whether it came over REST or the WebSocket API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.accounts import Account
    from simulator.exchange import Exchange
    from simulator.spot.engine import SpotEngine


class DataError(BinanceError):
    """cancelReplace's partial/total failure: Binance adds the per-step outcome under `data`."""

    def __init__(self, code: int, msg: str, status: int, data: dict[str, Any]) -> None:
        super().__init__(code, msg, status)
        self.data = data

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "msg": self.msg, "data": self.data}


@dataclass
class Ctx:
    exchange: Exchange
    engine: SpotEngine
    account: Account
    # REST passes its request (order-count headers land on it); the WebSocket API passes the peer address.
    request: web.Request | None
    ip: str
    # Orders this request added to the unfilled-order count (taken back if the request fails).
    orders_counted: int = 0

    @property
    def account_id(self) -> str:
        return self.account.account_id

    def charge(self, weight: int) -> None:
        self.exchange.ratelimit.charge(self.request if self.request is not None else self.ip, "spot", weight)

    def count_order(self) -> None:
        self.exchange.ratelimit.charge_order(self.request, self.account_id, "spot")
        self.orders_counted += 1

    def uncount_orders(self) -> None:
        """Only successful placements count towards ORDERS (SPOT-DOCS "Unfilled Order Count Rules")."""
        for _ in range(self.orders_counted):
            self.exchange.ratelimit.order_filled(self.account_id, "spot")
        self.orders_counted = 0
