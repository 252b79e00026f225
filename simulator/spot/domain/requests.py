"""A parsed new-order request: what REST, the WebSocket API, order lists and the benchmark hand the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.spot.domain.enums import OrderType, RespType, Side, StpMode, TimeInForce

if TYPE_CHECKING:
    from decimal import Decimal


@dataclass(slots=True)
class NewOrder:
    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal | None = None
    price: Decimal | None = None
    time_in_force: TimeInForce | None = None
    quote_order_qty: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    client_order_id: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None
    resp_type: RespType | None = None
    stp_mode: StpMode | None = None

    def default_resp_type(self) -> RespType:
        # SPOT-DOCS: FULL for MARKET and LIMIT, ACK for everything else.
        if self.resp_type is not None:
            return self.resp_type
        return RespType.FULL if self.type in (OrderType.MARKET, OrderType.LIMIT) else RespType.ACK
