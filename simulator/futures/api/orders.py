"""/fapi/v1 order endpoints: order (POST/GET/DELETE/PUT), batchOrders, open/all orders, countdown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from simulator.errors import BinanceError
from simulator.futures.api.common import (
    enter,
    ok,
    order_ref,
    page_by_id,
    req_symbol,
    symbol_name,
    translate,
    window,
)
from simulator.futures.domain import enums
from simulator.futures.domain.errors import FuturesError
from simulator.futures.engine.placing import OrderRequest
from simulator.futures.engine.views import ack_view, order_view
from simulator.params import Params

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.futures.api.common import Ctx
    from simulator.futures.domain.order import Order

BAD_SIDE = BinanceError(-1117, "Invalid side.")
BAD_TYPE = BinanceError(-1116, "Invalid orderType.")
BAD_TIF = BinanceError(-1115, "Invalid timeInForce.")
BAD_PS = BinanceError(-4060, "Invalid position side.")
BAD_RESP = BinanceError(-1136, "Invalid newOrderRespType.")
ARCHIVE_UNFILLED_MS = 3 * 86_400_000
ARCHIVE_ALL_MS = 90 * 86_400_000
MAX_BATCH = 5
MAX_BATCH_CANCEL = 10


def read_order(p: Params) -> tuple[OrderRequest, str]:
    symbol = req_symbol(p)
    req = OrderRequest(
        symbol=symbol,
        side=p.enum("side", enums.SIDES, error=BAD_SIDE),
        type=p.enum("type", enums.ORDER_TYPES, error=BAD_TYPE),
        position_side=p.enum("positionSide", enums.POSITION_SIDES, required=False, error=BAD_PS),
        time_in_force=p.enum("timeInForce", enums.TIME_IN_FORCE, required=False, error=BAD_TIF),
        quantity=p.decimal("quantity", required=False),
        price=p.decimal("price", required=False),
        reduce_only_sent="reduceOnly" in p,
        reduce_only=p.bool("reduceOnly"),
        close_position=p.bool("closePosition"),
        client_order_id=p.str("newClientOrderId", required=False),
        stop_price=p.decimal("stopPrice", required=False),
        working_type=p.enum("workingType", enums.WORKING_TYPES, required=False, default="CONTRACT_PRICE"),
        price_protect=p.bool("priceProtect"),
        price_match=p.enum("priceMatch", enums.PRICE_MATCH, required=False, default="NONE"),
        stp_mode=p.enum("selfTradePreventionMode", enums.STP_MODES, required=False, default="NONE"),
        good_till_date=p.int("goodTillDate", required=False, default=0),
        activate_price=p.decimal("activationPrice", required=False),
        price_rate=p.decimal("callbackRate", required=False),
    )
    if req.type in enums.ALGO_TYPES:
        raise FuturesError(
            -4120,
            "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
        )
    if req.close_position:
        raise BinanceError(-1106, "Parameter 'closePosition' sent when not required.")
    resp_type = p.enum("newOrderRespType", enums.RESP_TYPES, required=False, default="ACK", error=BAD_RESP)
    return req, resp_type


def _place(ctx: Ctx, req: OrderRequest, resp_type: str) -> dict[str, Any]:
    spec = ctx.rt.engine.spec(req.symbol)
    accepted: dict[str, Any] = {}

    def snapshot(order: Order) -> None:
        # ACK answers with the order as the matching engine accepted it (status NEW, nothing filled).
        accepted.update(ack_view(order, spec))

    order = ctx.rt.engine.place_order(ctx.account_id, req, on_accepted=snapshot)
    if resp_type == "ACK" and accepted:
        return accepted
    return ack_view(order, spec)


@translate
async def post_order(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 0)
    req, resp_type = read_order(ctx.params)
    ctx.params.finish()
    ctx.rt.exchange.ratelimit.charge_order(request, ctx.account_id, "futures")
    return ok(_place(ctx, req, resp_type))


@translate
async def post_order_test(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 0)
    read_order(ctx.params)
    ctx.params.finish()
    return ok({})


@translate
async def get_order(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 1)
    symbol = req_symbol(ctx.params)
    order_id, client_id = order_ref(ctx.params)
    ctx.params.finish()
    order = ctx.rt.engine.find_order(ctx.account_id, symbol, order_id, client_id)
    idle = ctx.rt.engine.now() - order.update_time
    if (
        order.status in ("CANCELED", "EXPIRED") and order.executed_qty == 0 and idle > ARCHIVE_UNFILLED_MS
    ) or (idle > ARCHIVE_ALL_MS and not order.is_open):
        # Binance archives unfilled canceled/expired orders after 3 days and everything after 90.
        raise BinanceError(-2013, "Order does not exist.")
    return ok(order_view(order, ctx.rt.engine.spec(symbol)))


@translate
async def get_open_order(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 1)
    symbol = req_symbol(ctx.params)
    order_id, client_id = order_ref(ctx.params)
    ctx.params.finish()
    order = ctx.rt.engine.find_order(ctx.account_id, symbol, order_id, client_id)
    if not order.is_open:
        raise BinanceError(-2013, "Order does not exist.")
    return ok(order_view(order, ctx.rt.engine.spec(symbol)))


@translate
async def delete_order(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    symbol = req_symbol(ctx.params)
    order_id, client_id = order_ref(ctx.params)
    ctx.params.finish()
    order = ctx.rt.engine.cancel_order(ctx.account_id, symbol, order_id, client_id)
    return ok(ack_view(order, ctx.rt.engine.spec(symbol)))


@translate
async def put_order(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    p = ctx.params
    symbol = req_symbol(p)
    order_id, client_id = order_ref(p)
    side = p.enum("side", enums.SIDES, error=BAD_SIDE)
    qty = p.decimal("quantity")
    price = p.decimal("price", required=False)
    price_match = p.enum("priceMatch", enums.PRICE_MATCH, required=False, default="NONE")
    if price is None and price_match == "NONE":
        raise BinanceError(-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.")
    p.finish()
    order = ctx.rt.engine.amend_order(
        ctx.account_id,
        symbol,
        order_id,
        client_id,
        side=side,
        quantity=qty,
        price=price,
        price_match=price_match,
    )
    return ok(ack_view(order, ctx.rt.engine.spec(symbol)))


def _json_items(p: Params, name: str) -> list[Any]:
    raw = p.str(name)
    items: Any = None
    # python-binance percent-encodes these JSON lists once more before sending them.
    for candidate in (raw, unquote(raw)):
        try:
            items = json.loads(candidate)
            break
        except ValueError:
            continue
    if not isinstance(items, list) or not items:
        raise BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")
    return items


def _error_item(err: BinanceError | FuturesError) -> dict[str, Any]:
    return {"code": err.code, "msg": err.msg}


@translate
async def post_batch(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 5)
    items = _json_items(ctx.params, "batchOrders")
    ctx.params.finish()
    if len(items) > MAX_BATCH:
        raise BinanceError(-4035, "Batch order size should be less than or equal to 5.")
    ctx.rt.exchange.ratelimit.charge_order(request, ctx.account_id, "futures")
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            if not isinstance(item, dict):
                raise BinanceError(-1130, "Data sent for parameter 'batchOrders' is not valid.")
            p = Params.from_dict(item, ctx.rt.exchange.symbols)
            req, resp_type = read_order(p)
            p.finish()
            out.append(_place(ctx, req, resp_type))
        except (BinanceError, FuturesError) as err:
            out.append(_error_item(err))
    return ok(out)


@translate
async def put_batch(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 5)
    items = _json_items(ctx.params, "batchOrders")
    ctx.params.finish()
    if len(items) > MAX_BATCH:
        raise BinanceError(-4035, "Batch order size should be less than or equal to 5.")
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            if not isinstance(item, dict):
                raise BinanceError(-1130, "Data sent for parameter 'batchOrders' is not valid.")
            p = Params.from_dict(item, ctx.rt.exchange.symbols)
            symbol = req_symbol(p)
            order_id, client_id = order_ref(p)
            side = p.enum("side", enums.SIDES, error=BAD_SIDE)
            qty, price = p.decimal("quantity"), p.decimal("price", required=False)
            price_match = p.enum("priceMatch", enums.PRICE_MATCH, required=False, default="NONE")
            p.finish()
            order = ctx.rt.engine.amend_order(
                ctx.account_id,
                symbol,
                order_id,
                client_id,
                side=side,
                quantity=qty,
                price=price,
                price_match=price_match,
            )
            out.append(ack_view(order, ctx.rt.engine.spec(symbol)))
        except (BinanceError, FuturesError) as err:
            out.append(_error_item(err))
    return ok(out)


@translate
async def delete_batch(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    p = ctx.params
    symbol = req_symbol(p)
    ids = _json_items(p, "orderIdList") if "orderIdList" in p else None
    cids = _json_items(p, "origClientOrderIdList") if "origClientOrderIdList" in p else None
    # python-binance spells them in lower case.
    ids = ids or (_json_items(p, "orderidlist") if "orderidlist" in p else None)
    cids = cids or (_json_items(p, "origclientorderidlist") if "origclientorderidlist" in p else None)
    p.finish()
    if any(not isinstance(i, int) and not (isinstance(i, str) and i.isdigit()) for i in ids or []):
        raise BinanceError(-1130, "Data sent for parameter 'orderIdList' is not valid.")
    refs: list[tuple[int | None, str | None]] = [(int(i), None) for i in ids or []] + [
        (None, str(c)) for c in cids or []
    ]
    if not refs:
        raise BinanceError(
            -1102, "Param 'orderIdList' or 'origClientOrderIdList' must be sent, but both were empty/null!"
        )
    if len(refs) > MAX_BATCH_CANCEL:
        raise BinanceError(-4035, "Batch order size should be less than or equal to 10.")
    out: list[dict[str, Any]] = []
    for order_id, client_id in refs:
        try:
            order = ctx.rt.engine.cancel_order(ctx.account_id, symbol, order_id, client_id)
            out.append(ack_view(order, ctx.rt.engine.spec(symbol)))
        except FuturesError as err:
            out.append(_error_item(err))
    return ok(out)


@translate
async def delete_all_open(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    symbol = req_symbol(ctx.params)
    ctx.params.finish()
    ctx.rt.engine.cancel_all(ctx.account_id, symbol)
    return ok({"code": 200, "msg": "The operation of cancel all open order is done."})


@translate
async def get_open_orders(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 1)
    symbol = symbol_name(ctx.params, required=False)
    if symbol is None:
        ctx.rt.exchange.ratelimit.charge(request, "futures", 39)
    ctx.params.finish()
    engine = ctx.rt.engine
    orders = sorted(engine.open_orders(ctx.account_id, symbol), key=lambda o: o.order_id)
    return ok([order_view(o, engine.spec(o.symbol)) for o in orders])


@translate
async def get_all_orders(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 5)
    p = ctx.params
    symbol = req_symbol(p)
    from_id = p.int("orderId", required=False)
    start, end, limit = window(p, 500, 1000)
    p.finish()
    engine = ctx.rt.engine
    mine = (o for o in engine.ledger.orders.values() if o.account_id == ctx.account_id and o.symbol == symbol)
    rows = page_by_id(
        mine,
        id_of=lambda o: o.order_id,
        time_of=lambda o: o.time,
        from_id=from_id,
        start=start,
        end=end,
        limit=limit,
    )
    return ok([order_view(o, engine.spec(symbol)) for o in rows])


@translate
async def post_countdown(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 10)
    symbol = req_symbol(ctx.params)
    countdown = ctx.params.int("countdownTime", minimum=0)
    ctx.params.finish()
    ctx.rt.engine.set_countdown(ctx.account_id, symbol, countdown)
    return ok({"symbol": symbol, "countdownTime": str(countdown)})
