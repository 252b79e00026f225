"""Spot OTO and OTOCO lists: a working order, and one (OTO) or an OCO pair (OTOCO) of pending orders the
exchange places once the working order fills.

Built like OCO lists (lists.py): each leg is an Order saved PENDING_NEW with its own clientOrderId and the
list's listClientOrderId, legs in id order (working first, then pending, or pending above then below); the
first leg carries the idempotency key and the one submission task. The exchange answers pending legs with
status PENDING_NEW, which is also ours for "not live yet": they stay PENDING_NEW (with their orderId) until
the user stream or a reconcile reports them NEW once the working order has filled.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Literal

from django.db import IntegrityError, transaction

from apps.exchange.domain.errors import (
    AuthError,
    ConfigurationError,
    OperationalError,
    RejectedError,
    UnknownOutcomeError,
)
from apps.exchange.gateway import get_gateway
from apps.monitoring.services import audit_record
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.domain.state import OrderStatus
from apps.orders.lists import ListPlacement, _leg_params, _legs, _save_leg, _settle_failure
from apps.orders.models import EventSource, Order
from apps.orders.placement import OrderRefused, order_check
from apps.orders.services import order_transition
from apps.orders.submission import order_apply_report, schedule_reconcile

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import AbstractBaseUser

    from apps.exchange.domain.types import OrderListReport
    from apps.orders.domain.intent import PlacementIntent

OTO = "OTO"
OTOCO = "OTOCO"
Contingency = Literal["OTO", "OTOCO"]
LEG_NAMES: dict[str, tuple[str, ...]] = {
    OTO: ("working", "pending"),
    OTOCO: ("working", "pending_above", "pending_below"),
}


def _check(contingency: Contingency, legs: list[PlacementIntent]) -> None:
    errors: dict[str, list[str]] = {}
    for name, leg in zip(LEG_NAMES[contingency], legs, strict=True):
        try:
            order_check(intent=leg)
        except OrderRefused as refused:
            errors.update({f"{name}.{field}": messages for field, messages in refused.errors.items()})
    if errors:
        raise OrderRefused(errors)


def order_oto_place(
    *,
    actor: AbstractBaseUser,
    contingency: Contingency,
    legs: list[PlacementIntent],
    idempotency_key: str = "",
) -> ListPlacement:
    """Validate every leg, save them PENDING_NEW in one audited transaction, submit the list after commit.

    `legs` is [working, pending] for OTO and [working, pending above, pending below] for OTOCO.
    """
    from apps.orders.tasks import submit_order

    if len(legs) != len(LEG_NAMES[contingency]):
        raise ValueError(f"{contingency} takes {len(LEG_NAMES[contingency])} legs")
    if idempotency_key:
        first = Order.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if first is not None:
            return ListPlacement(_legs(first), created=False)
    _check(contingency, legs)
    list_id = f"l-{secrets.token_hex(12)}"
    try:
        with transaction.atomic():
            saved = [
                _save_leg(actor, leg, list_id, idempotency_key if n == 0 else "", contingency)
                for n, leg in enumerate(legs)
            ]
            audit_record(
                actor=actor,
                action="orders.place",
                target_type="order_list",
                target_id=list_id,
                after={"contingency_type": contingency, "orders": [leg.pk for leg in saved]},
            )
            first_id = saved[0].pk
            transaction.on_commit(lambda: submit_order.delay(first_id))
    except IntegrityError:
        first = Order.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if not idempotency_key or first is None:
            raise
        return ListPlacement(_legs(first), created=False)
    return ListPlacement(saved, created=True)


def _full_leg(leg: Order) -> dict[str, str]:
    quantity: Decimal = leg.requested_quantity  # type: ignore[assignment]
    return _leg_params(leg) | {"side": leg.side, "quantity": format(quantity.normalize(), "f")}


def _send(contingency: str, symbol: str, list_id: str, legs: list[Order]) -> OrderListReport:
    gateway = get_gateway()
    if contingency == OTO:
        return gateway.place_oto(
            symbol, list_client_order_id=list_id, working=_full_leg(legs[0]), pending=_full_leg(legs[1])
        )
    above, below = legs[1], legs[2]
    return gateway.place_otoco(
        symbol,
        list_client_order_id=list_id,
        working=_full_leg(legs[0]),
        pending_side=above.side,
        pending_quantity=above.requested_quantity,  # type: ignore[arg-type]
        pending_above=_leg_params(above),
        pending_below=_leg_params(below),
    )


def order_oto_submit(*, order: Order) -> str:
    """Send the OTO/OTOCO list `order` belongs to; every leg must still be PENDING_NEW and unsent."""
    legs = _legs(order)
    expected = len(LEG_NAMES.get(order.contingency_type, ()))
    if len(legs) != expected or any(
        leg.status != OrderStatus.PENDING_NEW or leg.exchange_order_id for leg in legs
    ):
        return "done"
    try:
        report = _send(order.contingency_type, order.symbol.symbol, order.list_client_order_id, legs)
    except UnknownOutcomeError as error:
        return _settle_failure(legs, error, lost=True)
    except (RejectedError, AuthError, ConfigurationError, OperationalError) as error:
        return _settle_failure(legs, error, lost=False)
    by_client_id: dict[str, Any] = {r.client_order_id: r for r in report.orders}
    for leg in legs:
        leg_report = by_client_id.get(leg.client_order_id)
        if leg_report is None:
            # The list was accepted but its answer does not show this leg: ask the exchange about it.
            with transaction.atomic():
                order_transition(order_id=leg.pk, event=Event.OUTCOME_UNKNOWN, source=EventSource.TASK)
                schedule_reconcile(leg.pk)
            continue
        if leg_report.status == OrderStatus.PENDING_NEW:
            # Accepted but waiting for the working order: no transition, but keep the exchange's id so a
            # redelivered task sends nothing and later reports are matched by orderId.
            Order.objects.filter(pk=leg.pk, exchange_order_id__isnull=True).update(
                exchange_order_id=leg_report.order_id
            )
            continue
        order_apply_report(order_id=leg.pk, report=leg_report, source=EventSource.TASK)
    return "done"
