"""Single-order operations: place, test, query, cancel, cancel-replace, amend, open/all orders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.spot.api import parse
from simulator.spot.api.context import DataError
from simulator.spot.domain.fmt import s8
from simulator.spot.engine import views

if TYPE_CHECKING:
    from decimal import Decimal

    from simulator.params import Params
    from simulator.spot.api.context import Ctx
    from simulator.spot.domain.requests import NewOrder

CANCEL_RESTRICTIONS = ("ONLY_NEW", "ONLY_PARTIALLY_FILLED")


def one_of(p: Params, id_name: str, client_name: str) -> tuple[int | None, str | None]:
    order_id = p.int(id_name, False)
    client = p.str(client_name, False)
    if order_id is None and client is None:
        raise BinanceError(
            -1102, f"Param '{id_name}' or '{client_name}' must be sent, but both were empty/null!"
        )
    return order_id, client


def read_new_order(p: Params) -> NewOrder:
    spec = p.symbol("symbol", "spot")
    req = parse.order_leg(p, spec.symbol)
    req.resp_type = parse.resp_type(p)
    req.stp_mode = parse.stp_mode(p)
    return req


def place(ctx: Ctx, p: Params) -> dict[str, Any]:
    req = read_new_order(p)
    p.finish()
    ctx.count_order()
    order, fills = ctx.engine.place(ctx.account_id, req)
    return views.placed(order, order.time, fills, req.default_resp_type())


def commission_for_order(ctx: Ctx) -> dict[str, Any]:
    maker, taker = ctx.engine.rates(ctx.account_id)
    zero = {"maker": s8(0 * maker), "taker": s8(0 * taker)}
    return {
        "standardCommissionForOrder": {"maker": s8(maker), "taker": s8(taker)},
        "specialCommissionForOrder": dict(zero),
        "taxCommissionForOrder": dict(zero),
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": s8(0 * maker),
        },
    }


def test(ctx: Ctx, p: Params) -> dict[str, Any]:
    req = read_new_order(p)
    compute = p.bool("computeCommissionRates")
    p.finish()
    ctx.charge(20 if compute else 1)
    ctx.engine.validate(ctx.account_id, req)
    return commission_for_order(ctx) if compute else {}


def status(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    order_id, client = one_of(p, "orderId", "origClientOrderId")
    p.finish()
    ctx.charge(4)
    return views.query(ctx.engine.find(ctx.account_id, spec.symbol, order_id, client))


def cancel(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    order_id, client = one_of(p, "orderId", "origClientOrderId")
    new_id = parse.client_id(p, "newClientOrderId")
    restrictions = p.enum(
        "cancelRestrictions",
        CANCEL_RESTRICTIONS,
        required=False,
        error=BinanceError(-1145, "Invalid cancelRestrictions"),
    )
    p.finish()
    return ctx.engine.cancel(
        ctx.account_id,
        spec.symbol,
        order_id=order_id,
        client_id=client,
        new_client_id_=new_id,
        restrictions=restrictions,
    )


def open_orders(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    spec = p.symbol("symbol", "spot", required=False)
    p.finish()
    ctx.charge(6 if spec else 80)
    return [views.query(o) for o in ctx.engine.open_for(ctx.account_id, spec.symbol if spec else None)]


def cancel_open_orders(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    spec = p.symbol("symbol", "spot")
    p.finish()
    return ctx.engine.cancel_all(ctx.account_id, spec.symbol)


def window(p: Params) -> tuple[int | None, int | None, int]:
    start = p.int("startTime", False)
    end = p.int("endTime", False)
    limit = p.int("limit", False, default=500, minimum=1, maximum=1000)
    if start is not None and end is not None:
        if end < start:
            raise BinanceError(-1127, "More than 24 hours between startTime and endTime.")
        if end - start > 86_400_000:
            raise BinanceError(-1127, "More than 24 hours between startTime and endTime.")
    return start, end, limit


def pick(
    rows: list[Any],
    key_time: str,
    key_id: str,
    *,
    start: int | None,
    end: int | None,
    from_id: int | None,
    limit: int,
) -> list[Any]:
    """Binance's selection: from an id or start time → oldest first; otherwise the latest `limit`."""
    out = [
        r
        for r in rows
        if (start is None or getattr(r, key_time) >= start)
        and (end is None or getattr(r, key_time) <= end)
        and (from_id is None or getattr(r, key_id) >= from_id)
    ]
    if from_id is not None or start is not None:
        return out[:limit]
    return out[-limit:]


def all_orders(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    spec = p.symbol("symbol", "spot")
    from_id = p.int("orderId", False)
    start, end, limit = window(p)
    p.finish()
    ctx.charge(20)
    rows = pick(
        ctx.engine.all_orders(ctx.account_id, spec.symbol),
        "time",
        "order_id",
        start=start,
        end=end,
        from_id=from_id,
        limit=limit,
    )
    return [views.query(o) for o in rows]


def _error_body(err: BinanceError) -> dict[str, Any]:
    return {"code": err.code, "msg": err.msg}


def cancel_replace(ctx: Ctx, p: Params) -> dict[str, Any]:
    req = read_new_order(p)
    mode = p.enum("cancelReplaceMode", ("STOP_ON_FAILURE", "ALLOW_FAILURE"))
    cancel_id, cancel_client = one_of(p, "cancelOrderId", "cancelOrigClientOrderId")
    cancel_new_id = parse.client_id(p, "cancelNewClientOrderId")
    restrictions = p.enum(
        "cancelRestrictions",
        CANCEL_RESTRICTIONS,
        required=False,
        error=BinanceError(-1145, "Invalid cancelRestrictions"),
    )
    limit_mode = p.enum(
        "orderRateLimitExceededMode", ("DO_NOTHING", "CANCEL_ONLY"), required=False, default="DO_NOTHING"
    )
    p.finish()
    engine = ctx.engine
    result: dict[str, Any] = {
        "cancelResult": "SUCCESS",
        "newOrderResult": "NOT_ATTEMPTED",
        "cancelResponse": None,
        "newOrderResponse": None,
    }
    # Over the order rate limit, DO_NOTHING leaves the old order alone; CANCEL_ONLY still cancels it.
    rate_error: BinanceError | None = None
    try:
        ctx.count_order()
    except BinanceError as err:
        if limit_mode == "DO_NOTHING":
            raise
        rate_error = err
    try:
        result["cancelResponse"] = engine.cancel(
            ctx.account_id,
            req.symbol,
            order_id=cancel_id,
            client_id=cancel_client,
            new_client_id_=cancel_new_id,
            restrictions=restrictions,
        )
    except BinanceError as err:
        result["cancelResult"] = "FAILURE"
        result["cancelResponse"] = _error_body(err)
        if mode == "STOP_ON_FAILURE":
            raise DataError(-2022, "Order cancel-replace failed.", 400, result) from None
    try:
        if rate_error is not None:
            raise rate_error
        order, fills = engine.place(ctx.account_id, req)
        result["newOrderResult"] = "SUCCESS"
        result["newOrderResponse"] = views.placed(order, order.time, fills, req.default_resp_type())
    except BinanceError as err:
        result["newOrderResult"] = "FAILURE"
        result["newOrderResponse"] = _error_body(err)
        if result["cancelResult"] == "SUCCESS" and rate_error is None:
            engine.report_rejected(ctx.account_id, req, err)
    if result["cancelResult"] == "SUCCESS" and result["newOrderResult"] == "SUCCESS":
        return result
    if result["cancelResult"] == "FAILURE" and result["newOrderResult"] == "FAILURE":
        raise DataError(-2022, "Order cancel-replace failed.", 400, result)
    raise DataError(-2021, "Order cancel-replace partially failed.", 409, result)


def amend(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    order_id, client = one_of(p, "orderId", "origClientOrderId")
    new_id = parse.client_id(p, "newClientOrderId")
    new_qty: Decimal | None = parse.decimal_param(p, "newQty", required=True)
    p.finish()
    ctx.charge(4)
    assert new_qty is not None
    if new_qty <= 0:
        raise BinanceError(-1013, "Invalid quantity.")
    return ctx.engine.amend(
        ctx.account_id,
        spec.symbol,
        order_id=order_id,
        client_id=client,
        new_qty=new_qty,
        new_client_id_=new_id,
    )
