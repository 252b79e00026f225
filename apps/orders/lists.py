"""Spot OCO order lists: two legs (above and below the market) placed and canceled as one.

Each leg is an Order of its own, saved PENDING_NEW with its own clientOrderId and the list's
listClientOrderId; the first leg carries the idempotency key and is the one submission task's id. After
an unknown outcome each leg is reconciled on its own by its clientOrderId, like any single order.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from apps.orders.domain.intent import PlacementIntent, client_order_id_for
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.domain.state import OrderStatus
from apps.orders.models import CREATED, EventSource, Order, OrderEvent
from apps.orders.placement import OrderRefused, order_check
from apps.orders.services import order_transition
from apps.orders.submission import error_payload, order_apply_report, schedule_reconcile
from apps.symbols.selectors import symbol_get

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import AbstractBaseUser

    from apps.exchange.domain.errors import ExchangeError

OCO = "OCO"


@dataclass(frozen=True, slots=True)
class ListPlacement:
    orders: list[Order]
    created: bool


def _legs(order: Order) -> list[Order]:
    if not order.list_client_order_id:
        # The key named a single order (the client reused a key across kinds): that order is the answer.
        return [order]
    return list(
        Order.objects.select_related("symbol")
        .filter(list_client_order_id=order.list_client_order_id)
        .order_by("id")
    )


def _check_legs(above: PlacementIntent, below: PlacementIntent) -> None:
    errors: dict[str, list[str]] = {}
    for name, leg in (("above", above), ("below", below)):
        try:
            order_check(intent=leg)
        except OrderRefused as refused:
            errors.update({f"{name}.{field}": messages for field, messages in refused.errors.items()})
    if errors:
        raise OrderRefused(errors)


def _save_leg(
    actor: AbstractBaseUser, leg: PlacementIntent, list_id: str, key: str, contingency: str = OCO
) -> Order:
    order = Order.objects.create(
        client_order_id=f"tmp-{uuid.uuid4().hex[:24]}",  # replaced by the id-derived one below
        created_by=actor,
        idempotency_key=key,
        symbol=symbol_get(market=leg.market, symbol=leg.symbol),
        market=leg.market,
        side=leg.side,
        order_type=leg.type,
        time_in_force=leg.time_in_force,
        requested_quantity=leg.quantity,
        requested_price=leg.price,
        requested_stop_price=leg.stop_price,
        trailing_delta=leg.trailing_delta,
        list_client_order_id=list_id,
        contingency_type=contingency,
    )
    order.client_order_id = client_order_id_for(order.pk)
    order.save(update_fields=["client_order_id"])
    OrderEvent.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PENDING_NEW,
        event=CREATED,
        source=EventSource.API,
        payload={"listClientOrderId": list_id},
        created_at=order.created_at,
    )
    return order


def order_list_place(
    *, actor: AbstractBaseUser, above: PlacementIntent, below: PlacementIntent, idempotency_key: str = ""
) -> ListPlacement:
    """Validate both legs, save them PENDING_NEW (one transaction, audited), submit the list after commit.

    Idempotent like order_place: the key names the first leg, and a replay returns both legs.
    """
    from apps.orders.tasks import submit_order

    if idempotency_key:
        first = Order.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if first is not None:
            return ListPlacement(_legs(first), created=False)
    _check_legs(above, below)
    list_id = f"l-{secrets.token_hex(12)}"
    try:
        with transaction.atomic():
            legs = [_save_leg(actor, above, list_id, idempotency_key), _save_leg(actor, below, list_id, "")]
            audit_record(
                actor=actor,
                action="orders.place",
                target_type="order_list",
                target_id=list_id,
                after={"contingency_type": OCO, "orders": [leg.pk for leg in legs]},
            )
            first_id = legs[0].pk
            transaction.on_commit(lambda: submit_order.delay(first_id))
    except IntegrityError:
        first = Order.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if not idempotency_key or first is None:
            raise
        return ListPlacement(_legs(first), created=False)
    return ListPlacement(legs, created=True)


def _leg_params(leg: Order) -> dict[str, str]:
    params = {"type": leg.order_type, "clientOrderId": leg.client_order_id}
    for key, value in (("price", leg.requested_price), ("stopPrice", leg.requested_stop_price)):
        if value is not None:
            params[key] = format(value.normalize(), "f")
    if leg.trailing_delta is not None:
        params["trailingDelta"] = str(leg.trailing_delta)
    if leg.time_in_force:
        params["timeInForce"] = leg.time_in_force
    return params


def _settle_failure(legs: list[Order], error: ExchangeError, *, lost: bool) -> str:
    with transaction.atomic():
        for leg in legs:
            event = Event.OUTCOME_UNKNOWN if lost else Event.REJECT
            order_transition(
                order_id=leg.pk, event=event, source=EventSource.TASK, payload=error_payload(error)
            )
            if lost:
                schedule_reconcile(leg.pk)
    return "unknown" if lost else "done"


def order_list_submit(*, order: Order) -> str:
    """Send the OCO list that `order` (its first leg) belongs to; both legs must still be PENDING_NEW."""
    if order.contingency_type != OCO and order.list_client_order_id:
        from apps.orders.lists_oto import order_oto_submit

        return order_oto_submit(order=order)
    legs = _legs(order)
    if len(legs) != 2 or any(leg.status != OrderStatus.PENDING_NEW for leg in legs):
        return "done"
    quantity: Decimal = legs[0].requested_quantity  # type: ignore[assignment]
    try:
        report = get_gateway().place_oco(
            order.symbol.symbol,
            side=order.side,
            quantity=quantity,
            list_client_order_id=order.list_client_order_id,
            above=_leg_params(legs[0]),
            below=_leg_params(legs[1]),
        )
    except UnknownOutcomeError as error:
        return _settle_failure(legs, error, lost=True)
    except (RejectedError, AuthError, ConfigurationError, OperationalError) as error:
        return _settle_failure(legs, error, lost=False)
    by_client_id: dict[str, Any] = {r.client_order_id: r for r in report.orders}
    for leg in legs:
        leg_report = by_client_id.get(leg.client_order_id)
        if leg_report is not None:
            order_apply_report(order_id=leg.pk, report=leg_report, source=EventSource.TASK)
            continue
        # The list was accepted but its answer does not show this leg: ask the exchange about it.
        with transaction.atomic():
            order_transition(order_id=leg.pk, event=Event.OUTCOME_UNKNOWN, source=EventSource.TASK)
            schedule_reconcile(leg.pk)
    return "done"
