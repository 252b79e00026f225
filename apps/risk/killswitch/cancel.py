"""Kill switch, phase 1: cancel every open order in scope, by the exchange's own list.

Each round reads what the exchange has open (spot orders and order lists, USD-M orders, USD-M algo
orders; the first round adds the symbols our database thinks have open orders), then cancels per symbol
with the exchange's cancel-all (spot DELETE openOrders also ends OCO/OTO lists; USD-M allOpenOrders and
algoOpenOrders). Cancels are idempotent, so a STARTED cancel is simply sent again on resume. Rounds
repeat (at most MAX_ROUNDS) until a read finds nothing open: an order that was in flight when the
switch was engaged is caught by the next round.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction

from apps.exchange.domain.errors import OrderNotFoundError, RejectedError
from apps.risk.killswitch.steps import FINISHED, step_finish, step_get, step_plan, step_start, steps_of
from apps.risk.models import StepStatus

if TYPE_CHECKING:
    from apps.risk.killswitch.steps import RunContext
    from apps.risk.models import KillSwitchStep

logger = logging.getLogger(__name__)

MAX_ROUNDS: Final = 3
# Orders of ours that may be resting at the exchange (PENDING_NEW: perhaps just sent).
_DB_OPEN: Final = ("PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_CANCEL", "UNKNOWN")
# Binance's "nothing to cancel" answers to a cancel-all.
_NOTHING_OPEN: Final = (-2011, -2013)
# Our rows brought up to date after the cancels, at most (the reconciliation beat does the rest).
SYNC_MAX: Final = 200

# kind → (gateway market, what the step cancels)
KINDS: Final = {"cancel_spot": "spot", "cancel_futures": "futures", "cancel_algo": "futures"}


def _order_row(report: Any) -> dict[str, Any]:
    return {
        "order_id": report.order_id,
        "client_order_id": report.client_order_id,
        "side": report.side,
        "type": report.type,
        "list_id": report.order_list_id,
    }


def _algo_row(report: Any) -> dict[str, Any]:
    return {
        "algo_id": report.algo_id,
        "client_algo_id": report.client_algo_id,
        "side": report.side,
        "type": report.order_type,
    }


def exchange_open_orders(ctx: RunContext) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """kind → symbol → the open orders the exchange lists in scope."""
    gw, scope = ctx.gateway, ctx.scope
    symbol = scope.symbol or None
    found: dict[str, dict[str, list[dict[str, Any]]]] = {kind: {} for kind in KINDS}
    if "SPOT" in scope.markets():
        for o in gw.open_orders("spot", symbol):
            found["cancel_spot"].setdefault(o.symbol, []).append(_order_row(o))
    if "USDM" in scope.markets():
        for o in gw.open_orders("futures", symbol):
            found["cancel_futures"].setdefault(o.symbol, []).append(_order_row(o))
        for a in gw.open_algo_orders(symbol):
            found["cancel_algo"].setdefault(a.symbol, []).append(_algo_row(a))
    return found


def _database_symbols(ctx: RunContext) -> dict[str, set[str]]:
    from apps.orders.domain.intent import FUTURES_ALGO_TYPES
    from apps.orders.models import Order

    rows = Order.objects.filter(status__in=_DB_OPEN, market__in=ctx.scope.markets())
    if ctx.scope.symbol:
        rows = rows.filter(symbol__symbol=ctx.scope.symbol)
    out: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for market, symbol, order_type in rows.values_list("market", "symbol__symbol", "order_type"):
        if market == "SPOT":
            out["cancel_spot"].add(symbol)
        elif order_type in FUTURES_ALGO_TYPES:
            out["cancel_algo"].add(symbol)
        else:
            out["cancel_futures"].add(symbol)
    return out


def _plan_round(ctx: RunContext, number: int) -> dict[str, dict[str, list[dict[str, Any]]]]:
    plan = step_get(ctx, f"plan:cancel:{number}", "plan_cancel")
    if plan.status == StepStatus.DONE:
        return dict(plan.result.get("found", {}))
    step_start(ctx, plan)
    found = exchange_open_orders(ctx)
    if number == 1:
        for kind, symbols in _database_symbols(ctx).items():
            for symbol in symbols:
                found[kind].setdefault(symbol, [])
    rows = [
        {
            "key": f"{kind}:{symbol}:{number}",
            "kind": kind,
            "market": "SPOT" if kind == "cancel_spot" else "USDM",
            "symbol": symbol,
            "detail": {"orders": orders},
        }
        for kind, by_symbol in found.items()
        for symbol, orders in sorted(by_symbol.items())
    ]
    with transaction.atomic():
        step_plan(ctx, rows)
        step_finish(plan, StepStatus.DONE, result={"found": found})
    return found


def _cancel(ctx: RunContext, step: KillSwitchStep) -> None:
    step_start(ctx, step)
    gw = ctx.gateway
    try:
        if step.kind == "cancel_algo":
            gw.cancel_all_algo_orders(step.symbol, kill_switch=True)
        else:
            gw.cancel_all_orders(KINDS[step.kind], step.symbol, kill_switch=True)  # type: ignore[arg-type]
    except RejectedError as error:
        if isinstance(error, OrderNotFoundError) or error.code in _NOTHING_OPEN:
            step_finish(step, StepStatus.DONE, result={"canceled": 0, "note": "nothing open any more"})
            return
        step_finish(step, StepStatus.FAILED, error=f"{error.code}: {error.message}")
        return
    step_finish(step, StepStatus.DONE, result={"canceled": len(step.detail.get("orders", []))})


def cancel_phase(ctx: RunContext) -> None:
    """Rounds of read → cancel per symbol, until the exchange lists nothing open in scope."""
    for number in range(1, MAX_ROUNDS + 1):
        found = _plan_round(ctx, number)
        for step in steps_of(ctx, "cancel_"):
            if step.key.endswith(f":{number}") and step.status not in FINISHED:
                _cancel(ctx, step)
        if not any(found.values()):
            return
    # The last round's cancels were sent; what is still open is reported by the final check.


def sync_phase(ctx: RunContext) -> None:
    """Bring our rows of the orders just canceled to the exchange's word now (source "task"), instead of
    leaving them to the user stream or the 30 s reconciliation. Best effort: a failed read is noted."""
    from apps.exchange.domain.errors import ExchangeError
    from apps.orders.algo import algo_apply_report, algo_query, is_algo
    from apps.orders.models import EventSource, Order
    from apps.orders.submission import gateway_market, order_apply_report

    step = step_get(ctx, "sync:orders", "sync")
    if step.status in FINISHED:
        return
    step_start(ctx, step)
    rows = Order.objects.filter(status__in=_DB_OPEN[1:], market__in=ctx.scope.markets()).select_related(
        "symbol"
    )
    if ctx.scope.symbol:
        rows = rows.filter(symbol__symbol=ctx.scope.symbol)
    updated: list[int] = []
    errors: list[str] = []
    for order in rows.order_by("id")[:SYNC_MAX]:
        try:
            if is_algo(order):
                algo_apply_report(order_id=order.pk, report=algo_query(order), source=EventSource.TASK)
            else:
                report = ctx.gateway.query_order(
                    gateway_market(order.market), order.symbol.symbol, client_order_id=order.client_order_id
                )
                order_apply_report(order_id=order.pk, report=report, source=EventSource.TASK)
            updated.append(order.pk)
        except (ExchangeError, LookupError, ValueError) as error:
            errors.append(f"order {order.pk}: {error}"[:200])
    step_finish(step, StepStatus.DONE, result={"updated": updated, "errors": errors})
