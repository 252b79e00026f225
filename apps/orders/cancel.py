"""Canceling: record the request (PENDING_CANCEL, audit), then send it from a task after commit.

Both steps are idempotent: asking again for an order already PENDING_CANCEL or finished changes nothing,
and the task does nothing unless the order is still PENDING_CANCEL. A cancel the exchange refuses or whose
answer is lost moves the order to UNKNOWN, and reconciliation reads its real state (it may have filled).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

from apps.exchange.domain.errors import RejectedError, UnknownOutcomeError
from apps.exchange.gateway import get_gateway
from apps.monitoring.services import audit_record
from apps.orders.domain.state import TERMINAL, InvalidTransition, OrderStatus
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import EventSource, Order
from apps.orders.services import order_transition
from apps.orders.submission import error_payload, gateway_market, order_apply_report, schedule_reconcile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


logger = logging.getLogger(__name__)

CANCELABLE = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED})
OPEN_AT_EXCHANGE = [s.value for s in CANCELABLE]


class OrderNotCancelable(Exception):
    """The order is not acknowledged yet (PENDING_NEW) or its state is being reconciled (UNKNOWN)."""


def order_cancel_request(*, actor: AbstractBaseUser | None, order_id: int) -> Order:
    """Ask to cancel one order: NEW/PARTIALLY_FILLED → PENDING_CANCEL, audited, sent after commit.

    Returns the order unchanged when it is already PENDING_CANCEL or finished (a repeated request).
    Raises OrderNotCancelable for PENDING_NEW and UNKNOWN, whose exchange state we do not know yet.
    """
    from apps.orders.tasks import cancel_order

    order = Order.objects.select_related("symbol").get(pk=order_id)
    if order.status == OrderStatus.PENDING_CANCEL or order.status in TERMINAL:
        return order
    if order.status not in CANCELABLE:
        raise OrderNotCancelable(
            f"The order is {order.status}: the exchange has not confirmed it yet; cancel it once it is NEW."
        )
    previous = order.status
    try:
        with transaction.atomic():
            order = order_transition(order_id=order_id, event=Event.CANCEL_REQUEST, source=EventSource.API)
            audit_record(
                actor=actor,
                action="orders.cancel",
                target_type="order",
                target_id=str(order_id),
                before={"status": previous},
                after={"status": order.status, "client_order_id": order.client_order_id},
            )
            transaction.on_commit(lambda: cancel_order.delay(order_id))
    except InvalidTransition:
        # It filled or was canceled between our read and the update: nothing left to cancel.
        order = Order.objects.select_related("symbol").get(pk=order_id)
    return order


def order_cancel_all_request(
    *, actor: AbstractBaseUser | None, market: str | None = None, symbol: str | None = None
) -> list[Order]:
    """Ask to cancel every order of ours that is open at the exchange, optionally for one market/symbol.

    Goes order by order through order_cancel_request, so each cancel is recorded and idempotent like a
    single one; orders placed outside the platform are not ours to cancel here.
    """
    rows = Order.objects.filter(status__in=OPEN_AT_EXCHANGE, external=False)
    if market:
        rows = rows.filter(market=market)
    if symbol:
        rows = rows.filter(symbol__symbol=symbol.strip().upper())
    return [order_cancel_request(actor=actor, order_id=pk) for pk in rows.values_list("pk", flat=True)]


def order_cancel_send(*, order_id: int) -> str:
    """Send the cancel of a PENDING_CANCEL order; "done", or "unknown" when reconciliation takes over."""
    order = Order.objects.select_related("symbol").filter(pk=order_id).first()
    if order is None or order.status != OrderStatus.PENDING_CANCEL:
        return "done"
    from apps.orders.algo import algo_apply_report, algo_cancel, is_algo

    try:
        if is_algo(order):
            algo_apply_report(order_id=order_id, report=algo_cancel(order), source=EventSource.TASK)
            return "done"
        report = get_gateway().cancel_order(
            gateway_market(order.market), order.symbol.symbol, client_order_id=order.client_order_id
        )
    except (RejectedError, UnknownOutcomeError) as error:
        # Refused ("Unknown order sent": filled or gone) or lost: either way, ask the exchange what it is.
        event = Event.OUTCOME_UNKNOWN if isinstance(error, UnknownOutcomeError) else Event.CANCEL_REJECT
        logger.info("order %s: cancel ended in %s (%s); reconciling", order_id, event, error)
        with transaction.atomic():
            order_transition(
                order_id=order_id, event=event, source=EventSource.TASK, payload=error_payload(error)
            )
            schedule_reconcile(order_id)
        return "unknown"
    # The gateway's cancel report carries the order's own clientOrderId (Binance's origClientOrderId), so
    # order_apply_report's id checks apply to it as to any other report.
    order_apply_report(order_id=order_id, report=report, source=EventSource.TASK)
    return "done"


def order_cancel_give_up(*, order_id: int, reason: str) -> None:
    """After the last retry of a cancel that never got an answer: the order's state is unknown; reconcile."""
    payload = {"code": None, "msg": reason, "explanation": "The cancel got no answer from the exchange."}
    try:
        with transaction.atomic():
            order_transition(
                order_id=order_id, event=Event.OUTCOME_UNKNOWN, source=EventSource.TASK, payload=payload
            )
            schedule_reconcile(order_id)
    except (InvalidTransition, Order.DoesNotExist):
        logger.info("order %s: no longer waiting for its cancel", order_id)
