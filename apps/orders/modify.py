"""Modifying a resting LIMIT order: record the request, send it from a task, record what the exchange did.

Three exchange paths, chosen by what changes (Binance's own rules):
- spot, quantity decrease at the same price: amend keep-priority (the order keeps its place in the queue);
- spot, anything else: cancelReplace (STOP_ON_FAILURE) — the old order is canceled and a new order, saved
  here first as PENDING_NEW with its own clientOrderId, takes its place;
- futures: PUT /fapi/v1/order (modify), which keeps the order and its ids.
An amend or modify is an OrderEvent of its own (MODIFY_REQUEST, then MODIFIED or MODIFY_REJECTED) without a
status change; a replacement is a cancel of the old order plus the placement of the new one.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.utils import timezone

from apps.exchange.domain.errors import ExchangeError, RejectedError, UnknownOutcomeError
from apps.exchange.gateway import get_gateway
from apps.monitoring.services import audit_record
from apps.orders.domain.intent import PlacementIntent, client_order_id_for
from apps.orders.domain.state import InvalidTransition, OrderStatus
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import (
    CREATED,
    MODIFIED,
    MODIFY_REJECTED,
    MODIFY_REQUEST,
    EventSource,
    Order,
    OrderEvent,
)
from apps.orders.placement import order_check
from apps.orders.services import order_transition
from apps.orders.submission import (
    error_payload,
    order_apply_report,
    order_request,
    schedule_reconcile,
)
from apps.symbols.domain.grid import plain

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from apps.exchange.domain.types import OrderReport

logger = logging.getLogger(__name__)

MODIFIABLE_TYPES: Final = frozenset({"LIMIT", "LIMIT_MAKER"})
_WORKING: Final = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED})


class OrderNotModifiable(Exception):
    """Not a resting LIMIT order, not working at the exchange, or a modification is still in flight."""


@dataclass(frozen=True, slots=True)
class Modification:
    order: Order  # the order that carries the change: the same one, or the replacement
    accepted: bool  # False when nothing was to do (same values, or the same request again)


def _pending_request(order: Order) -> OrderEvent | None:
    """The last MODIFY_REQUEST of the order when no answer to it has been recorded yet."""
    last = order.events.filter(event__in=[MODIFY_REQUEST, MODIFIED, MODIFY_REJECTED]).order_by("-id").first()
    return last if last is not None and last.event == MODIFY_REQUEST else None


def _replacement(order: Order) -> Order | None:
    return Order.objects.select_related("symbol").filter(replaces=order).order_by("-id").first()


def _path(order: Order, quantity: Decimal, price: Decimal) -> str:
    if order.market == "USDM":
        return "modify"
    decrease = quantity < (order.requested_quantity or quantity) and price == order.requested_price
    return "amend" if decrease else "replace"


def _check(order: Order, quantity: Decimal, price: Decimal) -> None:
    if order.status not in _WORKING:
        raise OrderNotModifiable(f"The order is {order.status}; only NEW or partly filled orders can change.")
    if quantity <= order.exchange_executed_qty:
        raise OrderNotModifiable("The new quantity must be above what has already been executed.")
    order_check(
        intent=PlacementIntent(
            market=order.market,
            symbol=order.symbol.symbol,
            side=order.side,
            type=order.order_type,
            quantity=quantity,
            price=price,
            time_in_force=order.time_in_force,
            # The checks judge the changed order as a whole: a reduce-only order stays reduce-only.
            reduce_only=order.reduce_only,
            close_position=order.close_position,
            position_side=order.position_side,
        )
    )


def _as_written(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(plain(value))


def order_modify_request(
    *,
    actor: AbstractBaseUser | None,
    order_id: int,
    quantity: Decimal | None = None,
    price: Decimal | None = None,
) -> Modification:
    """Ask to change a resting LIMIT order's quantity and/or price; raises OrderNotModifiable/OrderRefused.

    Idempotent: the same values again, or a request while one is in flight with the same values, return
    the order without a second exchange call; a replaced order answers with its replacement.
    """
    from apps.orders.tasks import modify_order, submit_order

    order = Order.objects.select_related("symbol").get(pk=order_id)
    # Stored values come back from the database padded to the column's scale ("0.004000000000000000"):
    # the futures precision rule and the idempotency comparison need them as written.
    new_qty = quantity if quantity is not None else _as_written(order.requested_quantity)
    new_price = price if price is not None else _as_written(order.requested_price)
    replacement = _replacement(order)
    if replacement is not None:
        return Modification(replacement, accepted=False)
    pending = _pending_request(order)
    if pending is not None:
        if pending.payload.get("quantity") == str(new_qty) and pending.payload.get("price") == str(new_price):
            return Modification(order, accepted=False)
        raise OrderNotModifiable("A modification of this order is still waiting for the exchange.")
    if new_qty == order.requested_quantity and new_price == order.requested_price:
        return Modification(order, accepted=False)
    if new_qty is None or new_price is None or order.order_type not in MODIFIABLE_TYPES:
        raise OrderNotModifiable(f"Only LIMIT orders can be modified; this one is {order.order_type}.")
    _check(order, new_qty, new_price)
    path = _path(order, new_qty, new_price)
    payload: dict[str, Any] = {"path": path, "quantity": str(new_qty), "price": str(new_price)}
    with transaction.atomic():
        target = order
        if path == "replace":
            target = _record_replacement(actor, order, new_qty, new_price)
            payload["replaced_by"] = target.pk
            order_transition(
                order_id=order.pk, event=Event.CANCEL_REQUEST, source=EventSource.API, payload=payload
            )
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            event=MODIFY_REQUEST,
            source=EventSource.API,
            payload=payload,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="orders.modify",
            target_type="order",
            target_id=str(order.pk),
            before={"quantity": str(order.requested_quantity), "price": str(order.requested_price)},
            after=payload,
        )
        if path == "replace":
            # Submitting the replacement sends the cancelReplace (order_submit sees `replaces`).
            target_id = target.pk
            transaction.on_commit(lambda: submit_order.delay(target_id))
        else:
            transaction.on_commit(lambda: modify_order.delay(order_id))
    return Modification(target, accepted=True)


def _record_replacement(
    actor: AbstractBaseUser | None, old: Order, quantity: Decimal, price: Decimal
) -> Order:
    new = Order.objects.create(
        client_order_id=f"tmp-{uuid.uuid4().hex[:24]}",  # replaced by the id-derived one below
        created_by=actor if actor is not None else old.created_by,
        symbol=old.symbol,
        market=old.market,
        side=old.side,
        order_type=old.order_type,
        time_in_force=old.time_in_force,
        requested_quantity=quantity,
        requested_price=price,
        replaces=old,
    )
    new.client_order_id = client_order_id_for(new.pk)
    new.save(update_fields=["client_order_id"])
    OrderEvent.objects.create(
        order=new,
        from_status="",
        to_status=OrderStatus.PENDING_NEW,
        event=CREATED,
        source=EventSource.API,
        payload={"replaces": old.pk},
        created_at=new.created_at,
    )
    return new


def _amended(order: Order, report: OrderReport, payload: dict[str, Any]) -> None:
    """Record an accepted amend/modify: the new figures and one MODIFIED event.

    The clientOrderId does not change: the gateway's spot amend sends the current id as newClientOrderId
    (futures modify keeps it anyway), so the report is about the same order under the same id.
    """
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(
            requested_quantity=Decimal(payload["quantity"]),
            requested_price=Decimal(payload["price"]),
            updated_at=timezone.now(),
        )
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            event=MODIFIED,
            source=EventSource.TASK,
            payload=payload | {"clientOrderId": report.client_order_id, "status": report.status},
            created_at=timezone.now(),
        )
    order_apply_report(order_id=order.pk, report=report, source=EventSource.TASK)


def _modify_failed(order: Order, error: ExchangeError, payload: dict[str, Any]) -> str:
    lost = isinstance(error, UnknownOutcomeError)
    with transaction.atomic():
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            event=MODIFY_REJECTED,
            source=EventSource.TASK,
            payload=payload | error_payload(error) | {"outcome_unknown": lost},
            created_at=timezone.now(),
        )
        if lost:
            # The amend may have happened: read the order back rather than assume either way.
            order_transition(
                order_id=order.pk,
                event=Event.OUTCOME_UNKNOWN,
                source=EventSource.TASK,
                payload=error_payload(error),
            )
            schedule_reconcile(order.pk)
    return "unknown" if lost else "done"


def order_modify_send(*, order_id: int) -> str:
    """Send the pending amend (spot) or modify (futures) of an order; nothing when none is pending."""
    order = Order.objects.select_related("symbol").filter(pk=order_id).first()
    pending = _pending_request(order) if order is not None else None
    if order is None or pending is None or order.status not in _WORKING:
        return "done"
    payload = dict(pending.payload)
    quantity, price = Decimal(payload["quantity"]), Decimal(payload["price"])
    gateway = get_gateway()
    try:
        if payload["path"] == "modify":
            report = gateway.modify_futures_order(
                order.symbol.symbol,
                side=order.side,
                quantity=quantity,
                price=price,
                client_order_id=order.client_order_id,
            )
        else:
            report = gateway.amend_order_quantity(
                order.symbol.symbol, new_quantity=quantity, client_order_id=order.client_order_id
            )
    except (RejectedError, UnknownOutcomeError) as error:
        return _modify_failed(order, error, payload)
    _amended(order, report, payload)
    return "done"


def order_modify_give_up(*, order_id: int, error: ExchangeError) -> None:
    """After the last retry of a modification that never reached the exchange: recorded as refused."""
    order = Order.objects.filter(pk=order_id).first()
    pending = _pending_request(order) if order is not None else None
    if order is not None and pending is not None:
        _modify_failed(order, error, dict(pending.payload))


def order_replace_send(*, order: Order) -> OrderReport:
    """cancelReplace for a saved replacement order; raises the gateway's errors like place_order."""
    old = order.replaces
    assert old is not None
    return get_gateway().cancel_replace_order(
        order.symbol.symbol, cancel_client_order_id=old.client_order_id, new=order_request(order)
    )


def order_replace_settle(*, order: Order, placed: bool) -> None:
    """After a replacement's submission: the old order is CANCELED when the new one went in, else unknown.

    With STOP_ON_FAILURE the exchange places the new order only after the cancel succeeded. When the new
    order did not go in, the cancel may or may not have happened: reconciliation reads the old order.
    """
    old_id = order.replaces_id
    if old_id is None:
        return
    payload = {"replaced_by": order.pk}
    try:
        if placed:
            order_transition(order_id=old_id, event=Event.CANCEL, source=EventSource.TASK, payload=payload)
            return
        with transaction.atomic():
            order_transition(
                order_id=old_id, event=Event.OUTCOME_UNKNOWN, source=EventSource.TASK, payload=payload
            )
            schedule_reconcile(old_id)
    except InvalidTransition:
        # The old order already ended (filled, or its cancel reported by the stream): nothing to settle.
        logger.info("order %s: already finished when its replacement %s settled", old_id, order.pk)
