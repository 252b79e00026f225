"""Reconciliation of open orders: the exchange's open orders against ours (beat every 30 s, and on demand).

Three kinds of difference, each fixed through the state table with a "reconcile" OrderEvent and an audit
event `orders.reconcile.<what>`:

- adopt: open at the exchange, unknown to us (placed outside the platform with our key) → a new Order,
  `external=True`, born PENDING_NEW and moved to the exchange's status;
- finish: open for us, not open at the exchange → queried by clientOrderId (orderId once known) and moved
  to the exchange's final status, with its trades; not found → UNKNOWN (never guessed), and an UNKNOWN
  order is resolved by `order_reconcile` (REJECTED once the processing window has passed);
- update: open on both sides, status or executed quantity differ → the exchange's report is applied.

Gateway calls happen outside any transaction; each fix is its own short transaction. Running it twice
changes nothing the second time: a fixed order agrees with the exchange.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.exchange.domain.errors import ExchangeError, OrderNotFoundError
from apps.exchange.gateway import get_gateway
from apps.monitoring.metrics.definitions import observe_reconcile
from apps.monitoring.metrics.orders import market_label
from apps.monitoring.services import audit_record
from apps.orders.algo import is_algo
from apps.orders.domain.state import InvalidTransition, OrderStatus
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import CREATED, EventSource, Fill, Order, OrderEvent
from apps.orders.services import fill_record, order_transition
from apps.orders.submission import (
    PROCESSING_WINDOW,
    _report,
    gateway_market,
    order_apply_report,
    order_reconcile,
)
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from apps.exchange.domain.types import OrderReport

logger = logging.getLogger(__name__)

# Orders we believe the exchange is working on (PENDING_NEW only once its submission should have landed).
OPEN_FOR_US: Final = (
    OrderStatus.NEW,
    OrderStatus.PARTIALLY_FILLED,
    OrderStatus.PENDING_CANCEL,
    OrderStatus.UNKNOWN,
)
MARKETS: Final = ("SPOT", "USDM")
# Statuses in which a larger executedQty with the same status is one more partial fill (a loop edge).
_PARTIAL_LOOPS: Final = (OrderStatus.PARTIALLY_FILLED, OrderStatus.PENDING_CANCEL)


@dataclass
class ReconcileReport:
    """What one run found and fixed: order ids per kind of fix, and what could not be fixed."""

    market: str
    symbol: str | None
    exchange_open: int = 0
    ours_open: int = 0
    adopted: list[int] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.adopted or self.finished or self.updated or self.unknown)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _state(order: Order) -> tuple[str, Decimal]:
    return order.status, order.exchange_executed_qty


def _audit(what: str, order: Order, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=None,
        actor_label="reconciliation",
        action=f"orders.reconcile.{what}",
        target_type="order",
        target_id=str(order.pk),
        before=before,
        after={
            "status": order.status,
            "executed_qty": str(order.exchange_executed_qty),
            "client_order_id": order.client_order_id,
            "exchange_order_id": order.exchange_order_id,
        },
    )


def _before(order: Order) -> dict[str, Any]:
    return {"status": order.status, "executed_qty": str(order.exchange_executed_qty)}


def _record_trades(order: Order) -> int:
    """Record the order's trades the exchange lists and we lack; returns how many were new.

    Asks only when the recorded fills do not add up to the executed quantity, so an order whose fills are
    complete costs no call on the next run.
    """
    if order.exchange_order_id is None or order.exchange_executed_qty <= 0:
        return 0
    recorded = Fill.objects.filter(order=order).aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    if recorded >= order.exchange_executed_qty:
        return 0
    # An adopted order was placed before we saw it: no lower bound, the latest trades are read.
    start_ms = None if order.external else int(order.created_at.timestamp() * 1000) - 60_000
    trades = get_gateway().account_trades(
        gateway_market(order.market), order.symbol.symbol, start_ms=start_ms, limit=1000
    )
    new = 0
    for trade in trades:
        if trade.order_id != order.exchange_order_id:
            continue
        _, created = fill_record(
            order_id=order.pk,
            exchange_trade_id=trade.trade_id,
            price=trade.price,
            quantity=trade.quantity,
            quote_quantity=trade.quote_quantity,
            commission=trade.commission,
            commission_asset=trade.commission_asset,
            is_maker=trade.maker,
            realized_pnl=trade.realized_pnl,
            trade_time=datetime.fromtimestamp(trade.time_ms / 1000, tz=UTC),
        )
        new += int(created)
    return new


def _apply(order: Order, report: OrderReport) -> Order:
    """The exchange's report through the table; more executedQty under the same status is a partial fill."""
    if (
        report.status == order.status
        and order.status in _PARTIAL_LOOPS
        and report.executed_qty > order.exchange_executed_qty
    ):
        payload = {
            "status": report.status,
            "orderId": report.order_id,
            "executedQty": str(report.executed_qty),
        }
        return order_transition(
            order_id=order.pk,
            event=Event.PARTIAL_FILL,
            source=EventSource.RECONCILE,
            payload=payload,
            report=_report(order, report),
        )
    return order_apply_report(order_id=order.pk, report=report, source=EventSource.RECONCILE)


def _adopt(report: OrderReport, market: str) -> Order | None:
    """A new Order for an exchange order placed outside the platform; None when another run adopted it."""
    symbol = Symbol.objects.filter(market=market, symbol=report.symbol).first()
    if symbol is None:
        raise LookupError(f"{market} {report.symbol} is not a known symbol")
    futures = market == "USDM"
    size = report.orig_qty if report.orig_qty > 0 else None
    try:
        with transaction.atomic():
            order = Order.objects.create(
                client_order_id=report.client_order_id,
                external=True,
                symbol=symbol,
                market=market,
                side=report.side,
                order_type=report.type,
                time_in_force=report.time_in_force or "",
                requested_quantity=size,
                # A futures closePosition order has no size of its own.
                close_position=futures and size is None,
                requested_price=report.price if report.price > 0 else None,
                requested_stop_price=report.stop_price if report.stop_price else None,
                reduce_only=bool(report.reduce_only),
                position_side=(report.position_side or "") if futures else "",
                exchange_order_id=report.order_id,
            )
            OrderEvent.objects.create(
                order=order,
                from_status="",
                to_status=OrderStatus.PENDING_NEW,
                event=CREATED,
                source=EventSource.RECONCILE,
                payload={"external": True, "orderId": report.order_id, "status": report.status},
            )
            order = order_apply_report(order_id=order.pk, report=report, source=EventSource.RECONCILE)
            _audit("adopt", order, None)
    except IntegrityError:
        # A concurrent run (beat and an on-demand request) inserted it first.
        return None
    return order


def _match(reports: list[OrderReport], market: str) -> dict[str, Order]:
    """Our orders (any status) that the exchange's open orders name, by clientOrderId or orderId."""
    if not reports:
        return {}
    by_client = Q(client_order_id__in=[r.client_order_id for r in reports])
    by_id = Q()
    for r in reports:
        by_id |= Q(symbol__symbol=r.symbol, exchange_order_id=r.order_id)
    found = Order.objects.select_related("symbol").filter(Q(market=market) & (by_client | by_id))
    index: dict[str, Order] = {}
    for order in found:
        index[order.client_order_id] = order
        if order.exchange_order_id is not None:
            index[f"{order.symbol.symbol}#{order.exchange_order_id}"] = order
    return {
        r.client_order_id: index.get(r.client_order_id) or index[f"{r.symbol}#{r.order_id}"]
        for r in reports
        if r.client_order_id in index or f"{r.symbol}#{r.order_id}" in index
    }


def _ours_open(market: str, symbol: str | None, now: datetime) -> list[Order]:
    stale = Q(status=OrderStatus.PENDING_NEW, created_at__lt=now - PROCESSING_WINDOW)
    # PENDING_NEW with an orderId: a waiting OTO/OTOCO leg, placed and acknowledged, not yet working.
    waiting_leg = Q(status=OrderStatus.PENDING_NEW, exchange_order_id__isnull=False)
    rows = Order.objects.select_related("symbol").filter(
        Q(market=market) & (Q(status__in=OPEN_FOR_US) | stale | waiting_leg)
    )
    if symbol:
        rows = rows.filter(symbol__symbol=symbol)
    # A list leg is ours to check once the exchange gave it an orderId (legs of a list whose placement is
    # still unresolved are settled through the list, lists.py): a waiting OTO leg or an OCO leg can end
    # with its list while no stream is there to tell us. Conditional futures orders are not in openOrders.
    rows = rows.filter(Q(list_client_order_id="") | Q(exchange_order_id__isnull=False))
    return [o for o in rows if not is_algo(o)]


def _update_open(order: Order, report: OrderReport, result: ReconcileReport) -> None:
    before = _state(order)
    if order.status in (OrderStatus.PENDING_NEW, OrderStatus.UNKNOWN) or (
        report.status != order.status or report.executed_qty != order.exchange_executed_qty
    ):
        snapshot = _before(order)
        try:
            with transaction.atomic():
                order = _apply(order, report)
                if _state(order) != before:
                    _audit("update", order, snapshot)
                    result.updated.append(order.pk)
        except InvalidTransition as exc:
            result.errors.append(f"order {order.pk}: {exc}")
            return
    _record_trades(order)


def _finish(order: Order, result: ReconcileReport, now: datetime) -> None:
    """One of ours is not open at the exchange: learn its real end, never guess it."""
    snapshot = _before(order)
    if order.status == OrderStatus.UNKNOWN:
        order_reconcile(order_id=order.pk, now=now)
        order.refresh_from_db()
        if order.status != OrderStatus.UNKNOWN:
            _audit("finish", order, snapshot)
            result.finished.append(order.pk)
            _record_trades(order)
        return
    try:
        report = get_gateway().query_order(
            gateway_market(order.market),
            order.symbol.symbol,
            order_id=order.exchange_order_id,
            client_order_id=None if order.exchange_order_id else order.client_order_id,
        )
    except OrderNotFoundError as error:
        # Not open and not known: whatever happened, we do not know it. UNKNOWN now; a later run resolves it.
        payload = {"code": error.code, "msg": error.message, "explanation": "Not found by reconciliation."}
        with transaction.atomic():
            order = order_transition(
                order_id=order.pk, event=Event.OUTCOME_UNKNOWN, source=EventSource.RECONCILE, payload=payload
            )
            _audit("unknown", order, snapshot)
        result.unknown.append(order.pk)
        return
    before = _state(order)
    with transaction.atomic():
        order = _apply(order, report)
        if _state(order) != before:
            _audit("finish", order, snapshot)
            result.finished.append(order.pk)
    _record_trades(order)


def orders_reconcile(
    *, market: str, symbol: str | None = None, now: datetime | None = None
) -> ReconcileReport:
    """Compare the exchange's open orders in `market` (optionally one symbol) with ours; fix each difference.

    Raises the gateway's errors when the open orders cannot be read (nothing is changed then); a failure on
    one order is recorded in the report's `errors` and the others are still reconciled.
    """
    now = now or timezone.now()
    symbol = symbol.strip().upper() if symbol else None
    result = ReconcileReport(market=market, symbol=symbol)
    exchange_open = get_gateway().open_orders(gateway_market(market), symbol)
    result.exchange_open = len(exchange_open)
    matched = _match(exchange_open, market)
    seen: set[int] = set()
    for report in exchange_open:
        order = matched.get(report.client_order_id)
        try:
            if order is None:
                adopted = _adopt(report, market)
                if adopted is not None:
                    result.adopted.append(adopted.pk)
                    seen.add(adopted.pk)
                    _record_trades(adopted)
                continue
            seen.add(order.pk)
            _update_open(order, report, result)
        except (LookupError, InvalidTransition, ValueError) as exc:
            logger.warning("reconcile %s %s: %s", market, report.client_order_id, exc)
            result.errors.append(f"{report.client_order_id}: {exc}")
    ours = [o for o in _ours_open(market, symbol, now) if o.pk not in seen]
    result.ours_open = len(ours) + len(seen)
    for order in ours:
        try:
            _finish(order, result, now)
        except (InvalidTransition, ValueError) as exc:
            logger.warning("reconcile order %s: %s", order.pk, exc)
            result.errors.append(f"order {order.pk}: {exc}")
    if result.changed or result.errors:
        logger.info("reconcile %s %s: %s", market, symbol or "*", result.as_dict())
    observe_reconcile(
        market=market_label(market),
        fixed={
            "order_adopted": len(result.adopted),
            "order_finished": len(result.finished),
            "order_updated": len(result.updated),
            "order_unknown": len(result.unknown),
        },
    )
    return result


def orders_reconcile_all(*, symbol: str | None = None) -> list[ReconcileReport]:
    """Both markets, one after the other (the beat schedule); a market that cannot be read is reported."""
    reports = []
    for market in MARKETS:
        try:
            reports.append(orders_reconcile(market=market, symbol=symbol))
        except ExchangeError as exc:
            logger.warning("reconcile %s: open orders could not be read (%s)", market, exc)
            reports.append(ReconcileReport(market=market, symbol=symbol, errors=[str(exc)]))
    return reports
