"""Celery tasks of the orders app: thin wrappers that take an order id and call one service.

Retries cover temporary errors only (nothing was executed at the exchange), with backoff and jitter. A
placement is never re-sent after an unknown outcome: that path goes to reconcile_order instead.
"""

from __future__ import annotations

import random
from typing import Final

from celery import Task, shared_task

from apps.exchange.domain.errors import RateLimitedError, TemporaryError

SUBMIT_RETRIES: Final = 3
# A reconcile that keeps finding nothing stops once the processing window has passed (REJECTED); these
# retries cover that window plus temporary errors.
RECONCILE_RETRIES: Final = 12


def _backoff(attempt: int) -> float:
    return float(min(30, 2**attempt)) + random.uniform(0, 1)


@shared_task(bind=True, name="orders.submit_order", max_retries=SUBMIT_RETRIES, acks_late=True)
def submit_order(self: Task, order_id: int) -> str:
    from apps.orders.submission import order_submit, order_submit_give_up

    # Redis redelivers an unacknowledged message after its worker died (acks_late): maybe after sending.
    redelivered = bool((getattr(self.request, "delivery_info", None) or {}).get("redelivered"))
    try:
        return order_submit(order_id=order_id, redelivered=redelivered)
    except (TemporaryError, RateLimitedError) as error:
        if self.request.retries >= SUBMIT_RETRIES:
            order_submit_give_up(order_id=order_id, reason=str(error))
            return "done"
        raise self.retry(countdown=_backoff(self.request.retries)) from error


@shared_task(bind=True, name="orders.reconcile_order", max_retries=RECONCILE_RETRIES, acks_late=True)
def reconcile_order(self: Task, order_id: int) -> str:
    from apps.orders.submission import order_reconcile

    try:
        outcome = order_reconcile(order_id=order_id)
    except (TemporaryError, RateLimitedError) as error:
        raise self.retry(countdown=_backoff(self.request.retries)) from error
    if outcome == "pending":
        raise self.retry(countdown=5)
    return outcome


@shared_task(bind=True, name="orders.cancel_order", max_retries=SUBMIT_RETRIES, acks_late=True)
def cancel_order(self: Task, order_id: int) -> str:
    from apps.orders.cancel import order_cancel_give_up, order_cancel_send

    try:
        return order_cancel_send(order_id=order_id)
    except (TemporaryError, RateLimitedError) as error:
        if self.request.retries >= SUBMIT_RETRIES:
            order_cancel_give_up(order_id=order_id, reason=str(error))
            return "unknown"
        # Cancels are safe to repeat (the gateway already retried within its deadline); the order stays
        # PENDING_CANCEL until one attempt gets an answer.
        raise self.retry(countdown=_backoff(self.request.retries)) from error


@shared_task(bind=True, name="orders.modify_order", max_retries=SUBMIT_RETRIES, acks_late=True)
def modify_order(self: Task, order_id: int) -> str:
    from apps.orders.modify import order_modify_give_up, order_modify_send

    try:
        return order_modify_send(order_id=order_id)
    except (TemporaryError, RateLimitedError) as error:
        if self.request.retries >= SUBMIT_RETRIES:
            order_modify_give_up(order_id=order_id, error=error)
            return "done"
        # Nothing was executed; the request stays pending (MODIFY_REQUEST) until an attempt gets an answer.
        raise self.retry(countdown=_backoff(self.request.retries)) from error


@shared_task(name="orders.reconcile", acks_late=True, ignore_result=True)
def reconcile(market: str | None = None, symbol: str | None = None) -> list[dict[str, object]]:
    """Beat (every 30 s) and on demand: open orders at the exchange against ours, one market or both.

    No retries: the next beat run is the retry, and runs never overlap in effect (every fix is a
    compare-and-set through the state table).
    """
    from apps.orders.reconcile import orders_reconcile, orders_reconcile_all
    from apps.orders.stream_events import algo_orders_resync

    if market:
        reports = [orders_reconcile(market=market, symbol=symbol).as_dict()]
    else:
        reports = [r.as_dict() for r in orders_reconcile_all(symbol=symbol)]
    if market in (None, "USDM", "usdm") and symbol is None:
        # Conditional orders are not in /fapi/v1/openOrders: they are asked about one by one.
        changed = algo_orders_resync()
        for report in reports:
            if report.get("market") == "USDM":
                report["algo_orders_changed"] = changed
    return reports
