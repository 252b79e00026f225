"""The payloads of `order` and `fill` account events: the fields a dashboard row needs, amounts as strings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from apps.orders.api.fields import plain_decimal

if TYPE_CHECKING:
    from apps.orders.models import Fill, Order


class OrderPayload(TypedDict):
    id: int
    client_order_id: str
    symbol: str
    market: str
    side: str
    type: str
    status: str
    exchange_status: str
    exchange_order_id: int | None
    executed_qty: str
    avg_price: str | None
    external: bool
    updated_at: str


class FillPayload(TypedDict):
    id: int
    order_id: int
    symbol: str
    market: str
    trade_id: int
    price: str
    quantity: str
    commission: str
    commission_asset: str
    is_maker: bool
    realized_pnl: str | None
    trade_time: str


def _text(value: Any) -> str | None:
    return None if value is None else plain_decimal(value)


def order_payload(order: Order) -> OrderPayload:
    return OrderPayload(
        id=order.pk,
        client_order_id=order.client_order_id,
        symbol=order.symbol.symbol,
        market=order.market,
        side=order.side,
        type=order.order_type,
        status=order.status,
        exchange_status=order.exchange_status,
        exchange_order_id=order.exchange_order_id,
        executed_qty=plain_decimal(order.exchange_executed_qty),
        avg_price=_text(order.exchange_avg_price),
        external=order.external,
        updated_at=order.updated_at.isoformat(),
    )


def fill_payload(fill: Fill) -> FillPayload:
    return FillPayload(
        id=fill.pk,
        order_id=fill.order_id,
        symbol=fill.symbol.symbol,
        market=fill.market,
        trade_id=fill.exchange_trade_id,
        price=plain_decimal(fill.price),
        quantity=plain_decimal(fill.quantity),
        commission=plain_decimal(fill.commission),
        commission_asset=fill.commission_asset,
        is_maker=fill.is_maker,
        realized_pnl=_text(fill.realized_pnl),
        trade_time=fill.trade_time.isoformat(),
    )
