"""User-data stream events applied to our orders: executionReport / ORDER_TRADE_UPDATE, TRADE_LITE, listStatus
and ALGO_UPDATE (typed by `apps.streams.domain.parse`).

Rules, in the order they are applied to one event:

- Which order: ours by clientOrderId (a spot cancel names it in `C`), else by (symbol, orderId). None →
  the order was placed outside the platform with our key: adopted as `external=True` (born PENDING_NEW,
  a `stream` CREATE event and an `orders.stream.adopt` audit), exactly as reconciliation adopts.
- The trade the event carries is recorded once (`fill_record`, unique per symbol and trade id), even when
  the event is otherwise old news: a fact is never lost because it arrived late.
- The status moves only through the state table (`order_transition`, source "stream"), and never
  backwards: an event with less executed quantity than we hold, or the same quantity at an older
  transaction time, or a NEW ack for an order already past its ack, changes no status. So duplicated,
  replayed and overtaken events change nothing.
- TRADE_LITE carries no commission and no realized P&L, and a fill is written once: recording it from
  TRADE_LITE would freeze wrong figures. Its ORDER_TRADE_UPDATE (always sent too) records the fill; after
  a dropped stream the resync does.

Each event is one transaction; the publish to `/ws/account/` happens on commit (inside order_transition
and fill_record).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from django.db import IntegrityError, transaction

from apps.monitoring.services import audit_record
from apps.orders.domain.report import ExchangeReport
from apps.orders.domain.state import TERMINAL, InvalidTransition, OrderStatus, apply_exchange_status
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import CREATED, EventSource, Order, OrderEvent
from apps.orders.services import FillConflict, fill_record, order_transition
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.streams.domain.events import AlgoUpdate, ListStatus, OrderUpdate, Trade, TradeLite

logger = logging.getLogger(__name__)

S = OrderStatus
# Statuses that loop on a further partial fill (one more PARTIAL_FILL event each time).
_PARTIAL_LOOPS: Final = (S.PARTIALLY_FILLED, S.PENDING_CANCEL)
# Before the exchange's ack we may still learn that it acknowledged the order.
_AWAITING_ACK: Final = (S.PENDING_NEW, S.UNKNOWN)
# An algo order's own statuses as order statuses: it stays accepted while it triggers and its spawned order
# runs (that order's events carry the fills and the final status).
_ALGO_AS_ORDER_STATUS: Final = {
    "NEW": "NEW",
    "TRIGGERING": "NEW",
    "TRIGGERED": "NEW",
    "FINISHED": "NEW",
    "CANCELED": "CANCELED",
    "EXPIRED": "EXPIRED",
    "REJECTED": "REJECTED",
}


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def stream_steps(
    *,
    current: OrderStatus,
    executed: Decimal,
    updated_ms: int | None,
    reported: str,
    reported_executed: Decimal,
    reported_ms: int,
) -> list[tuple[Event, OrderStatus]]:
    """The transitions one stream report causes; [] when it is older than what we hold (pure).

    Executed quantity only grows, so less of it is an older report; at equal quantity the transaction time
    decides. Raises InvalidTransition when the table has no path (e.g. CANCELED reported for a FILLED order
    is caught earlier: a finished order never moves).
    """
    if current in TERMINAL or reported_executed < executed:
        return []
    if reported_executed == executed and updated_ms is not None and reported_ms < updated_ms:
        return []
    if reported == S.NEW and current not in _AWAITING_ACK:
        return []  # the ack (or an amendment) after we already moved on: nothing new
    if reported == S.PARTIALLY_FILLED and current in _PARTIAL_LOOPS:
        return [(Event.PARTIAL_FILL, current)] if reported_executed > executed else []
    return apply_exchange_status(current, reported)


# ---------------------------------------------------------------- executionReport / ORDER_TRADE_UPDATE
def _find(market: str, symbol: str, client_order_id: str, order_id: int | None) -> Order | None:
    rows = Order.objects.select_related("symbol").filter(market=market)
    found = rows.filter(client_order_id=client_order_id).first()
    if found is None and order_id is not None:
        found = rows.filter(symbol__symbol=symbol, exchange_order_id=order_id).first()
    return found


def _create_external(
    update_symbol: str, market: str, fields: dict[str, Any], payload: dict[str, Any]
) -> Order:
    symbol = Symbol.objects.filter(market=market, symbol=update_symbol).first()
    if symbol is None:
        raise LookupError(f"{market} {update_symbol} is not a known symbol")
    order = Order.objects.create(external=True, symbol=symbol, market=market, **fields)
    OrderEvent.objects.create(
        order=order,
        from_status="",
        to_status=S.PENDING_NEW,
        event=CREATED,
        source=EventSource.STREAM,
        payload={"external": True, **payload},
    )
    audit_record(
        actor=None,
        actor_label="user stream",
        action="orders.stream.adopt",
        target_type="order",
        target_id=str(order.pk),
        after={"client_order_id": order.client_order_id, **payload},
    )
    return order


def _adopt(update: OrderUpdate) -> Order | None:
    """A new external Order for an exchange order we never placed; None when it cannot be stored."""
    futures = update.market == "USDM"
    size = update.quantity if update.quantity > 0 else None
    quote = update.quote_order_qty if size is None and update.quote_order_qty else None
    fields: dict[str, Any] = {
        "client_order_id": update.own_client_order_id,
        "side": update.side,
        "order_type": update.order_type,
        "time_in_force": update.time_in_force,
        "requested_quantity": size,
        "requested_quote_quantity": quote,
        # A futures closePosition order has no size of its own.
        "close_position": futures and (update.close_position or size is None),
        "requested_price": update.price if update.price > 0 else None,
        "requested_stop_price": update.stop_price if update.stop_price > 0 else None,
        "reduce_only": update.reduce_only,
        "position_side": update.position_side if futures else "",
        "exchange_order_id": update.order_id,
    }
    payload = {"orderId": update.order_id, "status": update.status}
    try:
        with transaction.atomic():
            return _create_external(update.symbol, update.market, fields, payload)
    except IntegrityError:
        # Reconciliation adopted it first (or its figures break a constraint): take whatever now exists.
        found = _find(update.market, update.symbol, update.own_client_order_id, update.order_id)
        if found is None:
            logger.warning("stream: order %s could not be adopted", update.own_client_order_id)
        return found
    except LookupError as exc:
        logger.warning("stream: cannot adopt order %s: %s", update.own_client_order_id, exc)
        return None


def _payload(update: OrderUpdate) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "e": "executionReport" if update.market == "SPOT" else "ORDER_TRADE_UPDATE",
        "x": update.execution_type,
        "X": update.status,
        "orderId": update.order_id,
        "executedQty": str(update.cumulative_qty),
        "T": update.transaction_time_ms,
    }
    if update.trade is not None:
        payload["tradeId"] = update.trade.trade_id
    if update.status == S.REJECTED:
        payload |= {"code": None, "msg": update.reject_reason}
    return payload


def _move(order: Order, update: OrderUpdate) -> Order:
    try:
        steps = stream_steps(
            current=OrderStatus(order.status),
            executed=order.exchange_executed_qty,
            updated_ms=_ms(order.exchange_update_time),
            reported=update.status,
            reported_executed=update.cumulative_qty,
            reported_ms=update.transaction_time_ms,
        )
    except (InvalidTransition, ValueError) as exc:
        logger.warning(
            "stream: order %s reported %s while %s: %s", order.pk, update.status, order.status, exc
        )
        return order
    report = ExchangeReport(
        client_order_id=order.client_order_id,
        exchange_order_id=update.order_id,
        status=update.status,
        executed_qty=update.cumulative_qty,
        cumulative_quote=update.cumulative_quote,
        update_time=_dt(update.transaction_time_ms),
    )
    for event, _target in steps:
        order = order_transition(
            order_id=order.pk, event=event, source=EventSource.STREAM, payload=_payload(update), report=report
        )
    return order


def _record(order: Order, trade: Trade) -> None:
    try:
        fill_record(
            order_id=order.pk,
            exchange_trade_id=trade.trade_id,
            price=trade.price,
            quantity=trade.quantity,
            quote_quantity=trade.quote_quantity,
            commission=trade.commission,
            commission_asset=trade.commission_asset,
            is_maker=trade.is_maker,
            realized_pnl=trade.realized_pnl,
            trade_time=_dt(trade.time_ms),
        )
    except FillConflict as exc:
        logger.error("stream: %s", exc)


def order_apply_update(*, update: OrderUpdate) -> Order | None:
    """Apply one executionReport / ORDER_TRADE_UPDATE; returns the order (None when it cannot be stored)."""
    order = _find(update.market, update.symbol, update.own_client_order_id, update.order_id)
    if order is None:
        order = _adopt(update)
        if order is None:
            return None
    with transaction.atomic():
        try:
            order = _move(order, update)
        except InvalidTransition:
            # Another writer moved the order between our read and the compare-and-set, to a state this
            # report cannot follow; order_transition has logged it. The fill below still counts.
            order = Order.objects.get(pk=order.pk)
        if update.trade is not None:
            _record(order, update.trade)
    return order


def order_note_trade_lite(*, event: TradeLite) -> None:
    """TRADE_LITE changes nothing stored (see the module docstring); it only shows the stream is alive."""
    logger.debug(
        "stream: TRADE_LITE %s trade %s (recorded from its ORDER_TRADE_UPDATE)", event.symbol, event.trade_id
    )


# ---------------------------------------------------------------- listStatus
def order_list_apply_status(*, event: ListStatus) -> int:
    """Keep the orderIds of an order list's legs (a pending OTO leg gets its id before it works)."""
    updated = 0
    for leg in event.orders:
        updated += Order.objects.filter(
            market="SPOT", client_order_id=leg.client_order_id, exchange_order_id__isnull=True
        ).update(exchange_order_id=leg.order_id)
    if event.list_order_status == "REJECT":
        logger.warning(
            "stream: order list %s rejected: %s", event.list_client_order_id, event.list_reject_reason
        )
    return updated


# ---------------------------------------------------------------- ALGO_UPDATE
def _adopt_algo(event: AlgoUpdate) -> Order | None:
    size = event.quantity if event.quantity > 0 else None
    fields: dict[str, Any] = {
        "client_order_id": event.client_algo_id,
        "side": event.side,
        "order_type": event.order_type,
        "time_in_force": event.time_in_force,
        "requested_quantity": size,
        "close_position": event.close_position or size is None,
        "requested_price": event.price if event.price > 0 else None,
        "requested_stop_price": event.trigger_price if event.trigger_price > 0 else None,
        "reduce_only": event.reduce_only,
        "position_side": event.position_side,
        "working_type": event.working_type,
        "exchange_algo_id": event.algo_id,
    }
    payload = {"algoId": event.algo_id, "algoStatus": event.status}
    try:
        with transaction.atomic():
            return _create_external(event.symbol, "USDM", fields, payload)
    except IntegrityError:
        return _find_algo(event)
    except LookupError as exc:
        logger.warning("stream: cannot adopt algo order %s: %s", event.client_algo_id, exc)
        return None


def _find_algo(event: AlgoUpdate) -> Order | None:
    rows = Order.objects.filter(market="USDM")
    return (
        rows.filter(client_order_id=event.client_algo_id).first()
        or rows.filter(exchange_algo_id=event.algo_id).first()
    )


def _keep_algo_ids(order: Order, event: AlgoUpdate) -> None:
    Order.objects.filter(pk=order.pk, exchange_algo_id__isnull=True).update(exchange_algo_id=event.algo_id)
    if event.actual_order_id is not None:
        try:
            with transaction.atomic():
                # The order it spawned reports under the same clientOrderId: keep its orderId too.
                Order.objects.filter(pk=order.pk, exchange_order_id__isnull=True).update(
                    exchange_order_id=event.actual_order_id
                )
        except IntegrityError:
            logger.warning(
                "stream: orderId %s of algo %s is another order's", event.actual_order_id, order.pk
            )


def _algo_steps(order: Order, *, status: str, algo_id: int, time_ms: int, reason: str = "") -> Order:
    target = _ALGO_AS_ORDER_STATUS.get(status)
    if target is None:
        return order  # a status we do not know says nothing about the order's state
    try:
        steps = stream_steps(
            current=OrderStatus(order.status),
            executed=order.exchange_executed_qty,
            updated_ms=None,
            reported=target,
            reported_executed=order.exchange_executed_qty,
            reported_ms=time_ms,
        )
    except InvalidTransition as exc:
        logger.warning("stream: algo order %s reported %s: %s", order.pk, status, exc)
        return order
    report = ExchangeReport(
        client_order_id=order.client_order_id,
        exchange_order_id=None,
        status=target,
        executed_qty=order.exchange_executed_qty,
        cumulative_quote=order.exchange_cumulative_quote,
    )
    payload: dict[str, Any] = {"e": "ALGO_UPDATE", "algoStatus": status, "algoId": algo_id}
    if target == S.REJECTED:
        payload |= {"code": None, "msg": reason}
    for step, _target in steps:
        order = order_transition(
            order_id=order.pk, event=step, source=EventSource.STREAM, payload=payload, report=report
        )
    return order


def algo_apply_update(*, event: AlgoUpdate) -> Order | None:
    """Apply one ALGO_UPDATE: keep its ids, move the status through the table, show triggered/finished."""
    order = _find_algo(event) or _adopt_algo(event)
    if order is None:
        return None
    with transaction.atomic():
        _keep_algo_ids(order, event)
        order = _algo_steps(
            Order.objects.get(pk=order.pk),
            status=event.status,
            algo_id=event.algo_id,
            time_ms=event.transaction_time_ms,
            reason=event.reject_reason,
        )
        if event.status in ("TRIGGERING", "TRIGGERED", "FINISHED"):
            # No status of ours says "triggered": the exchange's word for it is kept where we show it, until
            # the spawned order's own reports (same clientOrderId) take over.
            Order.objects.filter(pk=order.pk, status=S.NEW).update(exchange_status=event.status)
            order.refresh_from_db()
    return order


def algo_orders_resync() -> list[int]:
    """After a reconnect: ask about every algo order we think is working (open-order reconciliation skips
    them), apply its algo status and, once it triggered, the spawned order's report and trades.

    An order the exchange no longer knows is left for its own reconciliation; returns the ids that changed.
    """
    from apps.exchange.domain.errors import ExchangeError
    from apps.exchange.gateway import get_gateway
    from apps.orders.algo import algo_query, is_algo
    from apps.orders.reconcile import _record_trades
    from apps.orders.submission import order_apply_report

    changed: list[int] = []
    working = Order.objects.select_related("symbol").filter(
        market="USDM", status__in=(S.NEW, S.PARTIALLY_FILLED, S.PENDING_CANCEL)
    )
    for order in (o for o in working if is_algo(o)):
        before = (order.status, order.exchange_executed_qty)
        try:
            report = algo_query(order)
            with transaction.atomic():
                Order.objects.filter(pk=order.pk, exchange_algo_id__isnull=True).update(
                    exchange_algo_id=report.algo_id
                )
                order = _algo_steps(
                    order, status=report.status, algo_id=report.algo_id, time_ms=report.update_time_ms or 0
                )
            if report.status in ("TRIGGERED", "FINISHED") and order.status not in TERMINAL:
                spawned = get_gateway().query_order(
                    "futures",
                    order.symbol.symbol,
                    order_id=order.exchange_order_id,
                    client_order_id=None if order.exchange_order_id else order.client_order_id,
                )
                order = order_apply_report(order_id=order.pk, report=spawned, source=EventSource.RECONCILE)
                _record_trades(order)
        except (ExchangeError, InvalidTransition, ValueError) as exc:
            logger.warning("resync: algo order %s: %s", order.pk, exc)
            continue
        if (order.status, order.exchange_executed_qty) != before:
            changed.append(order.pk)
    return changed
