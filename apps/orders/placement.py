"""order_place: validate a new order, record it PENDING_NEW and enqueue its submission after commit.

Nothing here talks to the exchange: the symbol rules come from the database (kept fresh by the symbols
sync), and the submission task sends the order once the row that proves we meant it is committed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from apps.monitoring.metrics.orders import observe_refused
from apps.monitoring.services import audit_record
from apps.orders.domain.intent import PlacementIntent, client_order_id_for, normalize
from apps.orders.domain.state import OrderStatus
from apps.orders.models import CREATED, EventSource, Order, OrderEvent
from apps.orders.pretrade import pretrade_violations
from apps.symbols.domain.filters import OrderIntent, validate_order
from apps.symbols.selectors import symbol_for_order

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from apps.symbols.domain.violations import Violation
    from apps.symbols.models import Symbol


class OrderRefused(Exception):
    """The order breaks a symbol, filter or pre-trade rule; `errors` maps request fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Placement:
    order: Order
    created: bool  # False when the idempotency key named an order we already had


def _violation_errors(violations: list[Violation]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for v in violations:
        errors.setdefault(v.field or "non_field_errors", []).append(v.explanation)
    return errors


def order_check(*, intent: PlacementIntent) -> Symbol:
    """Raise OrderRefused unless the symbol trades, the exchange filters and every pre-trade check pass."""
    row, reason, info = symbol_for_order(market=intent.market, symbol=intent.symbol)
    if reason is not None or row is None or info is None:
        raise OrderRefused({"symbol": [reason or f"{intent.symbol} cannot take new orders."]})
    if intent.type not in info.order_types:
        allowed = ", ".join(info.order_types)
        raise OrderRefused(
            {"type": [f"{intent.symbol} does not take {intent.type} orders; it takes {allowed}."]}
        )
    # No reference price: percent-price rules and market notional need the live average or mark price, which
    # the request path does not fetch (no network call here); the exchange still applies them.
    filter_intent = OrderIntent(
        side=intent.side,  # type: ignore[arg-type]
        type=intent.type,
        quantity=intent.quantity,
        price=intent.price,
        stop_price=intent.stop_price,
        quote_order_qty=intent.quote_quantity,
        trailing_delta=intent.trailing_delta,
        reduce_only=intent.reduce_only,
    )
    violations = validate_order(info, filter_intent, reference_price=None)
    violations += pretrade_violations(intent)
    if violations:
        raise OrderRefused(_violation_errors(violations))
    return row


def _existing(actor: AbstractBaseUser, key: str) -> Order | None:
    if not key:
        return None
    return Order.objects.filter(created_by=actor, idempotency_key=key).first()


def _snapshot(order: Order) -> dict[str, Any]:
    return {
        "client_order_id": order.client_order_id,
        "market": order.market,
        "symbol": order.symbol.symbol,
        "side": order.side,
        "type": order.order_type,
        "quantity": order.requested_quantity,
        "quote_quantity": order.requested_quote_quantity,
        "price": order.requested_price,
        "stop_price": order.requested_stop_price,
        "time_in_force": order.time_in_force,
    }


def _record(actor: AbstractBaseUser, intent: PlacementIntent, key: str, symbol: Symbol) -> Order:
    from apps.orders.tasks import submit_order

    with transaction.atomic():
        # The clientOrderId is derived from the row id, which exists only after the insert; a unique
        # placeholder holds the column until then.
        order = Order.objects.create(
            client_order_id=f"tmp-{uuid.uuid4().hex[:24]}",
            created_by=actor,
            idempotency_key=key,
            symbol=symbol,
            market=intent.market,
            side=intent.side,
            order_type=intent.type,
            time_in_force=intent.time_in_force,
            requested_quantity=intent.quantity,
            requested_quote_quantity=intent.quote_quantity,
            requested_price=intent.price,
            requested_stop_price=intent.stop_price,
            trailing_delta=intent.trailing_delta,
            callback_rate=intent.callback_rate,
            activation_price=intent.activation_price,
            reduce_only=intent.reduce_only,
            close_position=intent.close_position,
            position_side=intent.position_side,
            working_type=intent.working_type,
        )
        order.client_order_id = client_order_id_for(order.pk)
        order.save(update_fields=["client_order_id"])
        OrderEvent.objects.create(
            order=order,
            from_status="",
            to_status=OrderStatus.PENDING_NEW,
            event=CREATED,
            source=EventSource.API,
            payload={"idempotency_key": key} if key else None,
            created_at=order.created_at,
        )
        audit_record(
            actor=actor,
            action="orders.place",
            target_type="order",
            target_id=str(order.pk),
            after=_snapshot(order),
        )
        order_id = order.pk
        transaction.on_commit(lambda: submit_order.delay(order_id))
    return order


def order_place(
    *, actor: AbstractBaseUser, intent: PlacementIntent, post_only: bool = False, idempotency_key: str = ""
) -> Placement:
    """Validate `intent`, save it PENDING_NEW with an OrderEvent and an audit event, and enqueue submission.

    The same `idempotency_key` from the same user returns the order it first created, also when two
    requests race: the unique (user, key) constraint lets one insert win, and the loser reads the winner's
    row. Raises OrderRefused (field -> messages) before anything is saved when a rule is broken.
    """
    found = _existing(actor, idempotency_key)
    if found is not None:
        return Placement(found, created=False)
    intent = normalize(intent, post_only=post_only)
    try:
        symbol = order_check(intent=intent)
    except OrderRefused as refused:
        observe_refused(market=intent.market, errors=refused.errors)
        raise
    try:
        return Placement(_record(actor, intent, idempotency_key, symbol), created=True)
    except IntegrityError:
        found = _existing(actor, idempotency_key)
        if found is None:
            raise
        return Placement(found, created=False)
