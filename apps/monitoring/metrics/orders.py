"""Order-path observations: submit → ack, ack → first fill, ack → filled, rejects by reason.

`observe_transition` is called by `apps.orders.services` for every committed state change; it does no
database work for the submit and ack steps (the benchmarked path). The ack time of an order is kept in a
small per-process table so a fill applied by the same process (a MARKET order filled in the placement
answer, a REST report) needs no query; a fill applied elsewhere (the user stream) reads the ack event once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Final

from apps.monitoring.metrics.definitions import (
    ORDER_ACK_FILLED,
    ORDER_ACK_FIRST_FILL,
    ORDER_REJECTS,
    ORDER_SUBMIT_ACK,
    reason_label,
)

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

PENDING_NEW: Final = "PENDING_NEW"
_NOT_PLACED: Final = {"REJECTED": "rejected", "UNKNOWN": "unknown"}
_FILLED: Final = "FILLED"
_RECONCILE: Final = "reconcile"
_FILLING: Final = frozenset({"PARTIALLY_FILLED", "FILLED"})
_ACK_TIMES_MAX: Final = 5000

_ack_times: OrderedDict[int, datetime] = OrderedDict()


def market_label(market: str) -> str:
    """Our market codes (SPOT, USDM) as the exchange layer names them (spot, futures)."""
    return "futures" if market == "USDM" else "spot"


def _remember_ack(order_id: int, at: datetime) -> None:
    _ack_times[order_id] = at
    if len(_ack_times) > _ACK_TIMES_MAX:
        _ack_times.popitem(last=False)


def _ack_time(order_id: int) -> datetime | None:
    found = _ack_times.get(order_id)
    if found is not None:
        return found
    from apps.orders.models import OrderEvent

    return (
        OrderEvent.objects.filter(order_id=order_id, from_status=PENDING_NEW)
        .exclude(to_status__in=list(_NOT_PLACED))
        .order_by("id")
        .values_list("created_at", flat=True)
        .first()
    )


def observe_transition(
    *,
    order_id: int,
    market: str,
    order_type: str,
    created_at: datetime,
    current: str,
    target: str,
    source: str,
    executed_before_zero: bool,
    payload: dict[str, Any] | None,
    at: datetime,
) -> None:
    """Record what one committed transition means for the order-path metrics. Never raises.

    An order adopted by reconciliation (placed outside the platform) was never submitted by us: its
    first step is no submit → ack.
    """
    if source == _RECONCILE and current == PENDING_NEW:
        return
    try:
        _observe(
            order_id=order_id,
            market=market_label(market),
            order_type=order_type,
            created_at=created_at,
            current=current,
            target=target,
            first_fill=executed_before_zero,
            payload=payload,
            at=at,
        )
    except Exception:  # metrics must never break the order path
        logger.exception("order %s: order-path metrics failed", order_id)


def _observe(
    *,
    order_id: int,
    market: str,
    order_type: str,
    created_at: datetime,
    current: str,
    target: str,
    first_fill: bool,
    payload: dict[str, Any] | None,
    at: datetime,
) -> None:
    from apps.monitoring.rolling import rolling_record

    if current == PENDING_NEW:
        seconds = max(0.0, (at - created_at).total_seconds())
        outcome = _NOT_PLACED.get(target, "acked")
        ORDER_SUBMIT_ACK.labels(market, outcome).observe(seconds)
        rolling_record("order_submit", ok=outcome == "acked", latency_ms=seconds * 1000)
        if outcome == "acked":
            _remember_ack(order_id, at)
    if target == "REJECTED":
        code = (payload or {}).get("code")
        ORDER_REJECTS.labels(market, "exchange", reason_label(code)).inc()
        return
    if target not in _FILLING or not (first_fill or target == _FILLED):
        return
    ack = at if current == PENDING_NEW else _ack_time(order_id)
    if ack is None:
        return
    seconds = max(0.0, (at - ack).total_seconds())
    if first_fill:
        ORDER_ACK_FIRST_FILL.labels(market, order_type).observe(seconds)
    if target == _FILLED:
        ORDER_ACK_FILLED.labels(market, order_type).observe(seconds)
        _ack_times.pop(order_id, None)


def observe_refused(*, market: str, errors: dict[str, list[str]]) -> None:
    """An order refused before it was saved (symbol, filter or pre-trade rule): reason = the first field."""
    field = next(iter(errors), None)
    ORDER_REJECTS.labels(market_label(market), "local", reason_label(field)).inc()
