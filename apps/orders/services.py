"""Writes of the orders app that need no exchange: moving an order through the state table, recording fills.

Placing, canceling and reconciling (which talk to the exchange) build on these two functions.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.utils import timezone

from apps.monitoring.metrics.orders import observe_transition
from apps.orders.domain.report import average_price, check_report_ids
from apps.orders.domain.state import InvalidTransition, OrderStatus, next_status
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import EventSource, Fill, Order, OrderEvent
from apps.realtime.payloads import fill_payload, order_payload
from apps.realtime.publish import publish_on_commit

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

    from apps.orders.domain.report import ExchangeReport

logger = logging.getLogger(__name__)

# A lost compare-and-set means another writer moved the order first; we re-read and re-judge the event
# against the new status. More losses than this in a row means something is looping.
_CAS_ATTEMPTS: Final = 5


class TransitionConflict(Exception):
    """The order kept changing under us; the event was not applied."""


class FillConflict(Exception):
    """A trade id we already recorded for one order was reported for another."""


def _report_changes(order: dict[str, Any], report: ExchangeReport) -> dict[str, Any]:
    check_report_ids(
        client_order_id=order["client_order_id"], exchange_order_id=order["exchange_order_id"], report=report
    )
    changes: dict[str, Any] = {"exchange_status": report.status}
    if report.exchange_order_id is not None:
        changes["exchange_order_id"] = report.exchange_order_id
    if report.update_time is not None:
        changes["exchange_update_time"] = report.update_time
    # Reports can arrive out of order (a REST response after a newer stream event); executed quantity only
    # grows, so an older report never takes the amounts back.
    if report.executed_qty >= order["exchange_executed_qty"]:
        changes["exchange_executed_qty"] = report.executed_qty
        changes["exchange_cumulative_quote"] = report.cumulative_quote
        changes["exchange_avg_price"] = average_price(report.executed_qty, report.cumulative_quote)
    return changes


def _try_transition(
    order_id: int, event: Event, source: str, payload: dict[str, Any] | None, report: ExchangeReport | None
) -> Order | None:
    """One compare-and-set attempt; None when another writer changed the order first."""
    with transaction.atomic():
        row = (
            Order.objects.filter(pk=order_id)
            .values("status", "client_order_id", "exchange_order_id", "exchange_executed_qty")
            .first()
        )
        if row is None:
            raise Order.DoesNotExist(f"order {order_id} does not exist")
        current = OrderStatus(row["status"])
        try:
            target = next_status(current, event)
        except InvalidTransition as exc:
            logger.warning(
                "order %s: refused transition %s from %s (payload %s)", order_id, exc, source, payload
            )
            raise
        now = timezone.now()
        changes: dict[str, Any] = {"status": target, "updated_at": now}
        if report is not None:
            changes.update(_report_changes(row, report))
        if target == OrderStatus.REJECTED and payload:
            # Binance's error shape {"code", "msg"} travels in the payload of a rejection.
            changes["reject_code"] = payload.get("code")
            changes["reject_reason"] = str(payload.get("msg", ""))[:500]
            changes["reject_explanation"] = str(payload.get("explanation", ""))[:500]
        guard = {"status": current, "exchange_executed_qty": row["exchange_executed_qty"]}
        if Order.objects.filter(pk=order_id, **guard).update(**changes) != 1:
            return None
        OrderEvent.objects.create(
            order_id=order_id,
            from_status=current,
            to_status=target,
            event=event,
            source=source,
            payload=payload,
            created_at=now,
        )
        order = Order.objects.select_related("symbol").get(pk=order_id)
        publish_on_commit("order", order_payload(order))  # to /ws/account/, once this commits
        transaction.on_commit(
            partial(
                observe_transition,
                order_id=order_id,
                market=order.market,
                order_type=order.order_type,
                created_at=order.created_at,
                current=str(current),
                target=str(target),
                source=str(source),
                executed_before_zero=not row["exchange_executed_qty"],
                payload=payload,
                at=now,
            )
        )
        return order


def order_transition(
    *,
    order_id: int,
    event: Event | str,
    source: EventSource | str,
    payload: dict[str, Any] | None = None,
    report: ExchangeReport | None = None,
) -> Order:
    """Move an order by `event` through the state table and record an OrderEvent, in one transaction.

    Compare-and-set: the update names the status it read, so exactly one writer wins each step; a loser
    re-reads and judges its event against the new status. An event the table does not allow raises
    InvalidTransition (logged at WARNING) and changes nothing. `report`, when given, is the exchange's
    view of the order; its ids must match the order's, and its figures are written in the same update.
    """
    event = Event(event)
    if source not in EventSource.values:
        raise ValueError(f"unknown event source {source!r}; use one of {', '.join(EventSource.values)}")
    for _ in range(_CAS_ATTEMPTS):
        order = _try_transition(order_id, event, str(source), payload, report)
        if order is not None:
            return order
    raise TransitionConflict(f"order {order_id} changed {_CAS_ATTEMPTS} times while applying {event}")


def fill_record(
    *,
    order_id: int,
    exchange_trade_id: int,
    price: Decimal,
    quantity: Decimal,
    commission: Decimal,
    commission_asset: str,
    is_maker: bool,
    trade_time: datetime,
    quote_quantity: Decimal | None = None,
    realized_pnl: Decimal | None = None,
) -> tuple[Fill, bool]:
    """Record one trade of an order once; returns (fill, created). A repeat of a known trade is a no-op.

    The REST response, the user stream and reconciliation all report the same trades; the unique
    (symbol, trade id) constraint makes the second report find the first row instead of adding another,
    even when two writers race (get_or_create retries the read after the losing insert).
    """
    with transaction.atomic():
        order = Order.objects.only("id", "symbol_id", "market", "exchange_order_id", "side").get(pk=order_id)
        fill, created = Fill.objects.get_or_create(
            symbol_id=order.symbol_id,
            exchange_trade_id=exchange_trade_id,
            defaults={
                "order": order,
                "exchange_order_id": order.exchange_order_id,
                "side": order.side,
                "market": order.market,
                "price": price,
                "quantity": quantity,
                "quote_quantity": quote_quantity if quote_quantity is not None else price * quantity,
                "commission": commission,
                "commission_asset": commission_asset,
                "is_maker": is_maker,
                "realized_pnl": realized_pnl,
                "trade_time": trade_time,
            },
        )
        if not created and fill.order_id is None:
            # Imported from trade history before we knew its order (an order still awaiting its orderId
            # when the import ran): the trade is the same, so the fill is claimed, not duplicated.
            adopted = Fill.objects.filter(pk=fill.pk, order__isnull=True).update(
                order=order, exchange_order_id=order.exchange_order_id
            )
            if adopted:
                fill.order_id, created = order.pk, True
        if created:
            publish_on_commit("fill", fill_payload(fill))
    if not created and fill.order_id != order.pk:
        raise FillConflict(f"trade {exchange_trade_id} belongs to order {fill.order_id}, not {order.pk}")
    return fill, created
