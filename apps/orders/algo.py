"""Futures conditional (algo) orders: STOP, TAKE_PROFIT, STOP_MARKET, TAKE_PROFIT_MARKET and trailing stops.

Binance takes them on /fapi/v1/algoOrder, numbers them with an algoId of their own and reports an algo
status (NEW, TRIGGERED, FINISHED, CANCELED, EXPIRED, REJECTED). Until it triggers, an algo order is a
resting order of ours like any other; once triggered, Binance places a regular order for it, which the
user data stream reports. So TRIGGERED and FINISHED read as "still accepted" here: the algo order's own
story ends at the trigger, and the fills belong to the order it spawned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from apps.exchange.gateway import get_gateway
from apps.orders.domain.intent import FUTURES_ALGO_TYPES
from apps.orders.domain.report import ExchangeReport
from apps.orders.domain.state import OrderStatus, apply_exchange_status
from apps.orders.models import Order
from apps.orders.services import order_transition

if TYPE_CHECKING:
    from apps.exchange.domain.types import AlgoOrderReport
    from apps.orders.models import EventSource

_AS_ORDER_STATUS: Final = {
    "NEW": "NEW",
    "TRIGGERED": "NEW",
    "FINISHED": "NEW",
    "CANCELED": "CANCELED",
    "EXPIRED": "EXPIRED",
    "REJECTED": "REJECTED",
}


def is_algo(order: Order) -> bool:
    return order.market == "USDM" and order.order_type in FUTURES_ALGO_TYPES


def algo_apply_report(*, order_id: int, report: AlgoOrderReport, source: EventSource | str) -> Order:
    """Bring an algo order to the status its algo report implies, and keep its algoId."""
    Order.objects.filter(pk=order_id, exchange_algo_id__isnull=True).update(exchange_algo_id=report.algo_id)
    order = Order.objects.get(pk=order_id)
    status = _AS_ORDER_STATUS.get(report.status)
    if status is None:
        # A report without a status we know says nothing about the order's state: change nothing.
        return order
    exchange = ExchangeReport(
        client_order_id=report.client_algo_id,
        exchange_order_id=None,
        status=status,
        executed_qty=order.exchange_executed_qty,
        cumulative_quote=order.exchange_cumulative_quote,
    )
    payload = {"algoStatus": report.status, "algoId": report.algo_id}
    for event, _target in apply_exchange_status(OrderStatus(order.status), status):
        order = order_transition(
            order_id=order_id, event=event, source=source, payload=payload, report=exchange
        )
    return order


def algo_place(order: Order) -> AlgoOrderReport:
    from apps.orders.submission import order_request

    return get_gateway().place_algo_order(order_request(order))


def algo_query(order: Order) -> AlgoOrderReport:
    return get_gateway().query_algo_order(client_algo_id=order.client_order_id)


def algo_cancel(order: Order) -> AlgoOrderReport:
    """Cancel; the gateway reports a successful algo cancel as CANCELED (a refusal raises instead)."""
    return get_gateway().cancel_algo_order(client_algo_id=order.client_order_id)
