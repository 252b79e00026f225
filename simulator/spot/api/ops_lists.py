"""Order-list operations: OCO (new and deprecated endpoints), OTO, OTOCO, query, cancel, list histories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.spot.api import parse
from simulator.spot.api.ops_orders import one_of, pick, window
from simulator.spot.domain.enums import OrderType, Side, TimeInForce
from simulator.spot.domain.requests import NewOrder
from simulator.spot.engine import views

if TYPE_CHECKING:
    from simulator.params import Params
    from simulator.spot.api.context import Ctx
    from simulator.spot.domain.order import OrderList


def _finish_legs(p: Params, legs: list[NewOrder]) -> str:
    resp = parse.resp_type(p)
    stp = parse.stp_mode(p)
    for leg in legs:
        leg.resp_type = resp
        leg.stp_mode = stp
    p.finish()
    return str(resp or "FULL")


def _placed(ctx: Ctx, lst: OrderList, resp: str) -> dict[str, Any]:
    orders = [ctx.engine.orders[i] for i in lst.order_ids]
    if resp == "ACK":
        return views.order_list(lst, orders)
    out = views.order_list_placed(lst, orders, lst.transaction_time)
    return out


def oco(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    list_id = parse.client_id(p, "listClientOrderId")
    side = parse.side(p)
    qty = parse.decimal_param(p, "quantity", required=True)
    above = parse.order_leg(p, spec.symbol, "above", fixed_side=side, fixed_qty=qty)
    below = parse.order_leg(p, spec.symbol, "below", fixed_side=side, fixed_qty=qty)
    resp = _finish_legs(p, [above, below])
    ctx.count_order()
    ctx.count_order()
    lst, _ = ctx.engine.place_oco(ctx.account_id, above, below, list_id)
    return _placed(ctx, lst, resp)


def oco_legacy(ctx: Ctx, p: Params) -> dict[str, Any]:
    """Deprecated POST /api/v3/order/oco: a LIMIT_MAKER leg at `price` and a stop leg at `stopPrice`."""
    spec = p.symbol("symbol", "spot")
    list_id = parse.client_id(p, "listClientOrderId")
    side = parse.side(p)
    qty = parse.decimal_param(p, "quantity", required=True)
    limit = NewOrder(
        symbol=spec.symbol,
        side=side,
        type=OrderType.LIMIT_MAKER,
        quantity=qty,
        price=parse.decimal_param(p, "price", required=True),
        client_order_id=parse.client_id(p, "limitClientOrderId"),
        iceberg_qty=parse.decimal_param(p, "limitIcebergQty"),
    )
    stop_limit = parse.decimal_param(p, "stopLimitPrice")
    tif = p.enum("stopLimitTimeInForce", ("GTC", "FOK", "IOC"), required=False)
    stop = NewOrder(
        symbol=spec.symbol,
        side=side,
        type=OrderType.STOP_LOSS_LIMIT if stop_limit is not None else OrderType.STOP_LOSS,
        quantity=qty,
        price=stop_limit,
        stop_price=parse.decimal_param(p, "stopPrice", required=True),
        client_order_id=parse.client_id(p, "stopClientOrderId"),
        iceberg_qty=parse.decimal_param(p, "stopIcebergQty"),
    )
    if stop_limit is not None:
        stop.time_in_force = TimeInForce(tif or "GTC")
    above, below = (limit, stop) if side == Side.SELL else (stop, limit)
    resp = _finish_legs(p, [above, below])
    ctx.count_order()
    ctx.count_order()
    lst, _ = ctx.engine.place_oco(ctx.account_id, above, below, list_id)
    return _placed(ctx, lst, resp)


def oto(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    list_id = parse.client_id(p, "listClientOrderId")
    working = parse.order_leg(p, spec.symbol, "working")
    pending = parse.order_leg(p, spec.symbol, "pending")
    resp = _finish_legs(p, [working, pending])
    for _ in range(2):
        ctx.count_order()
    lst, _ = ctx.engine.place_oto(ctx.account_id, working, [pending], list_id)
    return _placed(ctx, lst, resp)


def otoco(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    list_id = parse.client_id(p, "listClientOrderId")
    working = parse.order_leg(p, spec.symbol, "working")
    side = parse.side(p, "pendingSide")
    qty = parse.decimal_param(p, "pendingQuantity", required=True)
    above = parse.order_leg(p, spec.symbol, "pendingAbove", fixed_side=side, fixed_qty=qty)
    below = parse.order_leg(p, spec.symbol, "pendingBelow", fixed_side=side, fixed_qty=qty)
    resp = _finish_legs(p, [working, above, below])
    for _ in range(3):
        ctx.count_order()
    lst, _ = ctx.engine.place_oto(ctx.account_id, working, [above, below], list_id)
    return _placed(ctx, lst, resp)


def status(ctx: Ctx, p: Params) -> dict[str, Any]:
    list_id, client = one_of(p, "orderListId", "origClientOrderId")
    p.finish()
    ctx.charge(4)
    lst = ctx.engine.find_list(ctx.account_id, list_id, client)
    return views.order_list(lst, [ctx.engine.orders[i] for i in lst.order_ids])


def cancel(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    list_id, client = one_of(p, "orderListId", "listClientOrderId")
    new_id = parse.client_id(p, "newClientOrderId")
    p.finish()
    return ctx.engine.cancel_list(
        ctx.account_id, spec.symbol, list_id=list_id, list_client_id=client, new_client_id_=new_id
    )


def all_lists(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    from_id = p.int("fromId", False)
    start, end, limit = window(p)
    p.finish()
    ctx.charge(20)
    lists = pick(
        ctx.engine.account_lists.get(ctx.account_id, []),
        "transaction_time",
        "order_list_id",
        start=start,
        end=end,
        from_id=from_id,
        limit=limit,
    )
    return [views.order_list(lst, [ctx.engine.orders[i] for i in lst.order_ids]) for lst in lists]


def open_lists(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    p.finish()
    ctx.charge(6)
    return [
        views.order_list(lst, [ctx.engine.orders[i] for i in lst.order_ids])
        for lst in ctx.engine.account_lists.get(ctx.account_id, [])
        if lst.is_open
    ]
