"""Kill switch, phase 2 (when asked): flatten USD-M positions and sell spot holdings down to the keep amounts.

The plan is read from the exchange once (positions, spot balances after the cancels freed them, prices)
and written as steps in one transaction. Each close is an Order of ours (created_by empty: the platform
placed it), saved PENDING_NEW together with its step marked STARTED, then submitted through the orders
app (`order_submit`), so fills and positions follow the usual paths.

Never twice: when a worker dies after STARTED, the next one first asks the exchange for that order's
clientOrderId. Found → its result is taken. Not found → sent again only once the request can no longer
be processed (NOT_PLACED_AFTER, beyond Binance's recvWindow); until then the run waits (RunPending).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.utils import timezone

from apps.exchange.domain.errors import OrderNotFoundError, RejectedError
from apps.monitoring.services import audit_record
from apps.orders.domain.intent import client_order_id_for
from apps.orders.domain.state import TERMINAL, InvalidTransition, OrderStatus
from apps.orders.domain.state import OrderEvent as Event
from apps.orders.models import CREATED, EventSource, Order, OrderEvent
from apps.orders.submission import gateway_market, order_apply_report, order_submit
from apps.risk.domain.closing import LotRules, futures_close_orders, plain, spot_sell_down
from apps.risk.killswitch.steps import (
    FINISHED,
    RunPending,
    step_finish,
    step_get,
    step_plan,
    step_start,
    steps_of,
)
from apps.risk.models import KillSwitchStep, StepStatus
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from apps.risk.killswitch.steps import RunContext

ZERO: Final = Decimal(0)
# Binance refuses a request older than its recvWindow (5 s by default); past this, an order the exchange
# does not know was never placed.
NOT_PLACED_AFTER: Final = timedelta(seconds=15)
# "ReduceOnly Order is rejected": the position is already flat (or smaller) — nothing left to close.
_ALREADY_FLAT: Final = (-2022,)


def lot_rules(row: Symbol | None) -> LotRules | None:
    """MARKET-order lot rules of a symbol; USD-M reduce-only orders are exempt from the minimum notional."""
    if row is None:
        return None
    notional = row.min_notional if row.market == "SPOT" and row.apply_min_to_market is not False else ZERO
    return LotRules(
        step=row.market_step_size or row.step_size,
        min_qty=row.market_min_qty or row.min_qty,
        max_qty=row.market_max_qty or row.max_qty,
        min_notional=notional,
    )


def _symbols(market: str) -> dict[str, Symbol]:
    return {s.symbol: s for s in Symbol.objects.filter(market=market)}


def _futures_rows(ctx: RunContext) -> list[dict[str, Any]]:
    symbols = _symbols("USDM")
    rows: list[dict[str, Any]] = []
    for p in ctx.gateway.positions(ctx.scope.symbol or None):
        closes = futures_close_orders(
            symbol=p.symbol,
            position_side=p.position_side,
            amount=p.amount,
            rules=lot_rules(symbols.get(p.symbol)),
        )
        for n, c in enumerate(closes, start=1):
            rows.append(
                {
                    "key": f"close_futures:{c.symbol}:{c.position_side}:{n}",
                    "kind": "close_futures",
                    "market": "USDM",
                    "symbol": c.symbol,
                    "detail": {
                        "side": c.side,
                        "position_side": c.position_side,
                        "quantity": plain(c.quantity),
                        "reduce_only": c.reduce_only,
                        "position": plain(p.amount),
                    },
                }
            )
    return rows


def _price(ctx: RunContext, symbol: str) -> Decimal | None:
    try:
        return ctx.gateway.ticker_price("spot", symbol)
    except RejectedError:  # a pair we list but the exchange does not: reported as not sold
        return None


def _spot_rows(ctx: RunContext) -> list[dict[str, Any]]:
    quote = ctx.settings.spot_close_quote_asset
    symbols = _symbols("SPOT")
    only = symbols[ctx.scope.symbol].base_asset if ctx.scope.symbol in symbols else None
    rows: list[dict[str, Any]] = []
    for balance in ctx.gateway.account("spot").balances:
        asset = balance.asset
        if asset == quote or balance.free <= 0 or (ctx.scope.symbol and asset != only):
            continue
        name = f"{asset}{quote}"
        row = symbols.get(name)
        price = _price(ctx, name) if row is not None else None
        sale = spot_sell_down(
            asset=asset,
            symbol=name,
            free=balance.free,
            keep=ctx.settings.keep(asset),
            rules=lot_rules(row),
            price=price,
        )
        if sale is None:
            continue
        base = {"market": "SPOT", "symbol": name}
        for n, quantity in enumerate(sale.quantities, start=1):
            detail = {
                "side": "SELL",
                "asset": asset,
                "quantity": plain(quantity),
                "price": plain(price or ZERO),
            }
            rows.append({"key": f"sell_spot:{asset}:{n}", "kind": "sell_spot", **base, "detail": detail})
        if sale.dust > 0:
            rows.append(
                {
                    "key": f"dust:{asset}",
                    "kind": "dust",
                    **base,
                    "status": StepStatus.SKIPPED,
                    "detail": {"asset": asset, "amount": plain(sale.dust), "note": sale.note},
                }
            )
    return rows


def _plan(ctx: RunContext) -> None:
    plan = step_get(ctx, "plan:close", "plan_close")
    if plan.status == StepStatus.DONE:
        return
    step_start(ctx, plan)
    markets = ctx.scope.markets()
    rows = (_futures_rows(ctx) if "USDM" in markets else []) + (_spot_rows(ctx) if "SPOT" in markets else [])
    with transaction.atomic():
        step_plan(ctx, rows)
        step_finish(plan, StepStatus.DONE, result={"planned": [r["key"] for r in rows]})


def _new_order(ctx: RunContext, step: KillSwitchStep) -> Order:
    """The close order of a step, saved PENDING_NEW with its CREATE event and an audit entry."""
    detail = step.detail
    futures = step.market == "USDM"
    symbol = Symbol.objects.get(market=step.market, symbol=step.symbol)
    order = Order.objects.create(
        client_order_id=f"tmp-{uuid.uuid4().hex[:24]}",
        symbol=symbol,
        market=step.market,
        side=detail["side"],
        order_type="MARKET",
        requested_quantity=Decimal(detail["quantity"]),
        reduce_only=bool(futures and detail.get("reduce_only")),
        position_side=detail.get("position_side", "") if futures else "",
    )
    order.client_order_id = client_order_id_for(order.pk)
    order.save(update_fields=["client_order_id"])
    payload = {"kill_switch_run": ctx.run.pk, "step": step.key}
    OrderEvent.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PENDING_NEW,
        event=CREATED,
        source=EventSource.TASK,
        payload=payload,
        created_at=order.created_at,
    )
    audit_record(
        actor=None,
        actor_label="kill switch",
        action="risk.kill_switch.order",
        target_type="order",
        target_id=str(order.pk),
        after={"client_order_id": order.client_order_id, "symbol": step.symbol, **detail, **payload},
    )
    return order


def _outcome(step: KillSwitchStep, order: Order) -> None:
    """Finish the step from its order's final state."""
    result = {
        "order_id": order.pk,
        "client_order_id": order.client_order_id,
        "status": order.status,
        "executed_qty": str(order.exchange_executed_qty),
        "avg_price": None if order.exchange_avg_price is None else str(order.exchange_avg_price),
    }
    if order.status == OrderStatus.REJECTED:
        if order.reject_code in _ALREADY_FLAT:
            step_finish(step, StepStatus.DONE, result=result | {"note": "already flat"})
        else:
            reason = order.reject_explanation or order.reject_reason or "rejected"
            step_finish(step, StepStatus.FAILED, result=result, error=f"{order.reject_code}: {reason}")
        return
    if order.exchange_executed_qty > 0 or order.status == OrderStatus.FILLED:
        step_finish(step, StepStatus.DONE, result=result)
        return
    step_finish(
        step, StepStatus.FAILED, result=result, error=f"the order ended {order.status} without a fill"
    )


def _resolve(ctx: RunContext, step: KillSwitchStep) -> bool:
    """A STARTED step found on resume: True when its order's outcome is known (step finished), False when it
    was never placed (send again). RunPending while that cannot be known yet."""
    order = Order.objects.select_related("symbol").get(pk=step.order_id)
    if order.status in TERMINAL:
        _outcome(step, order)
        return True
    try:
        report = ctx.gateway.query_order(
            gateway_market(order.market), order.symbol.symbol, client_order_id=order.client_order_id
        )
    except OrderNotFoundError:
        started = step.started_at or timezone.now()
        if timezone.now() - started < NOT_PLACED_AFTER:
            raise RunPending(f"{order.client_order_id}: not at the exchange yet") from None
        payload = {
            "code": None,
            "msg": "not found",
            "explanation": "Never placed: the kill switch sends it again.",
        }
        try:
            if order.status in (OrderStatus.PENDING_NEW, OrderStatus.UNKNOWN):
                from apps.orders.services import order_transition

                order_transition(
                    order_id=order.pk, event=Event.REJECT, source=EventSource.RECONCILE, payload=payload
                )
        except InvalidTransition:
            pass
        return False
    order = order_apply_report(order_id=order.pk, report=report, source=EventSource.RECONCILE)
    if order.status not in TERMINAL:
        raise RunPending(f"{order.client_order_id} is {order.status}")
    _outcome(step, order)
    return True


def _close(ctx: RunContext, step: KillSwitchStep) -> None:
    if step.status == StepStatus.STARTED and step.order_id is not None and _resolve(ctx, step):
        return
    if not Symbol.objects.filter(market=step.market, symbol=step.symbol).exists():
        step_finish(step, StepStatus.FAILED, error=f"{step.market}:{step.symbol} is not in the symbols table")
        return
    with transaction.atomic():
        order = _new_order(ctx, step)
        step_start(ctx, step, order=order)
    # A temporary error propagates (nothing was executed; the order stays PENDING_NEW): the task retries and
    # the resumed step asks the exchange before sending anything again.
    order_submit(order_id=order.pk)
    order = Order.objects.get(pk=order.pk)
    if order.status in TERMINAL:
        _outcome(step, order)
        return
    if not _resolve(ctx, step):  # UNKNOWN after a lost answer: ask now rather than wait for the beat
        _close(ctx, step)


def close_phase(ctx: RunContext) -> None:
    _plan(ctx)
    for prefix in ("close_futures:", "sell_spot:"):
        for step in steps_of(ctx, prefix):
            if step.status not in FINISHED:
                _close(ctx, step)
