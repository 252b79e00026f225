"""The writes that talk to the exchange: submit a saved order, apply what the exchange says, reconcile.

Every gateway call here runs outside any transaction; only the state change that follows it is atomic
(order_transition). The error class of a failed call decides the next step (apps.exchange.domain.errors):
rejected → REJECTED with Binance's code; unknown outcome → UNKNOWN and reconcile by origClientOrderId,
never a second submission; temporary → the task retries later (nothing was executed).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from django.db import transaction
from django.utils import timezone

from apps.exchange.domain.errors import (
    AuthError,
    ConfigurationError,
    OperationalError,
    OrderNotFoundError,
    RejectedError,
    UnknownOutcomeError,
)
from apps.exchange.domain.types import OrderRequest
from apps.exchange.gateway import get_gateway
from apps.orders.domain.report import ExchangeReport
from apps.orders.domain.state import InvalidTransition, OrderStatus, apply_exchange_status
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import EventSource, Order, OrderEvent
from apps.orders.services import fill_record, order_transition

if TYPE_CHECKING:
    from apps.exchange.domain.errors import ExchangeError
    from apps.exchange.domain.types import OrderReport
    from apps.exchange.domain.weights import Market

logger = logging.getLogger(__name__)

# A request older than Binance's recvWindow (5 s by default) is refused by the matching engine, so an order
# still unknown to the exchange well after that was never placed. The margin covers clock offset and queues.
PROCESSING_WINDOW: Final = timedelta(seconds=30)

Outcome = Literal["done", "unknown", "pending"]


def gateway_market(market: str) -> Market:
    return "futures" if market == "USDM" else "spot"


def order_request(order: Order) -> OrderRequest:
    """The gateway request for a saved order: exactly what we stored, in Binance's names."""
    futures = order.market == "USDM"
    return OrderRequest(
        symbol=order.symbol.symbol,
        side=order.side,  # type: ignore[arg-type]
        type=order.order_type,
        client_order_id=order.client_order_id,
        quantity=order.requested_quantity,
        quote_quantity=order.requested_quote_quantity,
        price=order.requested_price,
        stop_price=order.requested_stop_price,
        time_in_force=order.time_in_force or None,
        trailing_delta=order.trailing_delta,
        callback_rate=order.callback_rate,
        activation_price=order.activation_price,
        position_side=(order.position_side or None) if futures else None,  # type: ignore[arg-type]
        reduce_only=True if futures and order.reduce_only else None,
        close_position=True if futures and order.close_position else None,
        working_type=(order.working_type or None) if futures else None,
    )


def _report(order: Order, report: OrderReport) -> ExchangeReport:
    update = datetime.fromtimestamp(report.update_time_ms / 1000, tz=UTC) if report.update_time_ms else None
    return ExchangeReport(
        client_order_id=report.client_order_id,
        exchange_order_id=report.order_id,
        status=report.status,
        executed_qty=report.executed_qty,
        cumulative_quote=report.cum_quote,
        update_time=update,
    )


def error_payload(error: ExchangeError) -> dict[str, Any]:
    return {"code": error.code, "msg": error.message, "explanation": error.explanation}


def order_apply_report(
    *, order_id: int, report: OrderReport, source: EventSource | str, order: Order | None = None
) -> Order:
    """`_apply_report` in one transaction: a reader never sees FILLED without the fills that make it."""
    with transaction.atomic():
        return _apply_report(order_id=order_id, report=report, source=source, order=order)


def _apply_report(
    *, order_id: int, report: OrderReport, source: EventSource | str, order: Order | None = None
) -> Order:
    """Bring the order to the status the exchange reports (through the table) and record the fills it lists.

    Fills in a placement response are always taker fills: the order being placed is the one that crossed.
    `order`, when the caller just read it, saves the full read; its status and executed quantity are read
    again (the stream may have moved it while our request was in flight).
    """
    if order is None:
        order = Order.objects.select_related("symbol").get(pk=order_id)
    else:
        fresh = Order.objects.values("status", "exchange_executed_qty").get(pk=order_id)
        order.status, order.exchange_executed_qty = fresh["status"], fresh["exchange_executed_qty"]
    payload = {"status": report.status, "orderId": report.order_id, "executedQty": str(report.executed_qty)}
    # Executed quantity only grows at the exchange: a report with less than we hold is older than what the
    # user stream already told us (a REST answer overtaken by executionReports); it must not move the order
    # back (PARTIALLY_FILLED → NEW through UNKNOWN). Its fills are still recorded below, once each.
    steps = (
        []
        if report.executed_qty < order.exchange_executed_qty
        else apply_exchange_status(OrderStatus(order.status), report.status)
    )
    try:
        for event, _target in steps:
            order = order_transition(
                order_id=order_id, event=event, source=source, payload=payload, report=_report(order, report)
            )
    except InvalidTransition:
        # The order already moved past this report (the user stream overtook a REST answer); the newer
        # state stands. order_transition has logged the refused edge.
        order = Order.objects.select_related("symbol").get(pk=order_id)
    trade_time = (
        datetime.fromtimestamp(report.update_time_ms / 1000, tz=UTC)
        if report.update_time_ms
        else timezone.now()
    )
    for fill in report.fills:
        fill_record(
            order_id=order_id,
            exchange_trade_id=fill.trade_id,
            price=fill.price,
            quantity=fill.quantity,
            commission=fill.commission,
            commission_asset=fill.commission_asset,
            is_maker=False,
            trade_time=trade_time,
        )
    return order


def schedule_reconcile(order_id: int) -> None:
    """Enqueue reconciliation once the caller's transaction (the move to UNKNOWN) commits."""
    from apps.orders.tasks import reconcile_order

    transaction.on_commit(lambda: reconcile_order.apply_async((order_id,), countdown=2))


def _mark_unknown(order: Order, error: ExchangeError) -> None:
    try:
        with transaction.atomic():
            order_transition(
                order_id=order.pk,
                event=Event.OUTCOME_UNKNOWN,
                source=EventSource.TASK,
                payload=error_payload(error),
            )
            schedule_reconcile(order.pk)
    except InvalidTransition:
        # The user stream already brought the order to a final state while our request was failing: the
        # exchange's own word stands and there is nothing left to find out.
        logger.info("order %s: already settled by the exchange's stream; no reconcile needed", order.pk)


def order_submit(*, order_id: int, redelivered: bool = False) -> Outcome:
    """Send a PENDING_NEW order once. Returns "done" (acked or rejected), "unknown" (reconcile scheduled).

    Returns "done" without calling the exchange when the order is gone or no longer PENDING_NEW (a
    redelivered task). Temporary errors (nothing executed) propagate for the task to retry.
    `redelivered`: the broker handed the task out again because a worker died holding it, perhaps after
    sending; sending again could place the order twice, so the order goes UNKNOWN and is reconciled by
    its clientOrderId instead (order lists and cancelReplace keep their own paths).
    """
    order = Order.objects.select_related("symbol").filter(pk=order_id).first()
    if order is None or order.status != OrderStatus.PENDING_NEW:
        return "done"
    if redelivered and not order.list_client_order_id and order.replaces_id is None:
        payload = {
            "code": None,
            "msg": "submission redelivered",
            "explanation": "A worker died holding this submission; the exchange is asked, never sent twice.",
        }
        with transaction.atomic():
            order_transition(
                order_id=order_id, event=Event.OUTCOME_UNKNOWN, source=EventSource.TASK, payload=payload
            )
            schedule_reconcile(order_id)
        return "unknown"
    from apps.orders.algo import algo_apply_report, algo_place, is_algo
    from apps.orders.modify import order_replace_send, order_replace_settle

    if order.list_client_order_id:
        from apps.orders.lists import order_list_submit

        return "unknown" if order_list_submit(order=order) == "unknown" else "done"
    try:
        if is_algo(order):
            algo_apply_report(order_id=order_id, report=algo_place(order), source=EventSource.TASK)
            return "done"
        if order.replaces_id is not None:
            report = order_replace_send(order=order)
        else:
            report = get_gateway().place_order(gateway_market(order.market), order_request(order))
    except UnknownOutcomeError as error:
        logger.warning("order %s: outcome unknown after submit (%s); reconciling", order_id, error)
        _mark_unknown(order, error)
        order_replace_settle(order=order, placed=False)
        return "unknown"
    except (RejectedError, AuthError, ConfigurationError, OperationalError) as error:
        # Each of these means the exchange did not take the order: a definite "not placed".
        order_transition(
            order_id=order_id, event=Event.REJECT, source=EventSource.TASK, payload=error_payload(error)
        )
        order_replace_settle(order=order, placed=False)
        return "done"
    order_apply_report(order_id=order_id, report=report, source=EventSource.TASK, order=order)
    order_replace_settle(order=order, placed=True)
    return "done"


def order_submit_give_up(*, order_id: int, reason: str) -> None:
    """After the last retry of a temporary failure: nothing was ever executed, so the order is REJECTED."""
    payload = {"code": None, "msg": reason, "explanation": "Not placed: the exchange could not be reached."}
    try:
        order_transition(order_id=order_id, event=Event.REJECT, source=EventSource.TASK, payload=payload)
    except (InvalidTransition, Order.DoesNotExist):
        logger.info("order %s: no longer waiting for submission", order_id)


def _unknown_since(order_id: int) -> datetime | None:
    return (
        OrderEvent.objects.filter(order_id=order_id, to_status=OrderStatus.UNKNOWN)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )


def order_reconcile(*, order_id: int, now: datetime | None = None) -> Outcome:
    """Resolve an UNKNOWN order by asking the exchange for its origClientOrderId.

    Found → the order takes the exchange's status (and fills). Not found → "pending" while the request
    could still be in the exchange's processing window, then REJECTED as never placed. Temporary errors
    propagate for the task to retry.
    """
    order = Order.objects.select_related("symbol").filter(pk=order_id).first()
    if order is None or order.status != OrderStatus.UNKNOWN:
        return "done"
    from apps.orders.algo import algo_apply_report, algo_query, is_algo

    try:
        if is_algo(order):
            algo_apply_report(order_id=order_id, report=algo_query(order), source=EventSource.RECONCILE)
            return "done"
        # By orderId once the exchange gave us one: an amend sent without newClientOrderId (another client, or
        # before the gateway kept the id) changes the clientOrderId behind our back.
        report = get_gateway().query_order(
            gateway_market(order.market),
            order.symbol.symbol,
            order_id=order.exchange_order_id,
            client_order_id=None if order.exchange_order_id else order.client_order_id,
        )
    except OrderNotFoundError as error:
        since = _unknown_since(order_id) or order.updated_at
        if (now or timezone.now()) - since < PROCESSING_WINDOW:
            return "pending"
        payload = error_payload(error) | {
            "explanation": "Not placed: the exchange has no order with this clientOrderId after its "
            "processing window."
        }
        order_transition(order_id=order_id, event=Event.REJECT, source=EventSource.RECONCILE, payload=payload)
        return "done"
    if report.client_order_id != order.client_order_id and report.order_id == order.exchange_order_id:
        # Same exchange order under a new clientOrderId (amended without keeping our id): take the new id.
        Order.objects.filter(pk=order_id).update(client_order_id=report.client_order_id)
    order_apply_report(order_id=order_id, report=report, source=EventSource.RECONCILE)
    return "done"
