"""/fapi/v1 algo (conditional) order endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import BinanceError
from simulator.futures.api.common import enter, ok, page_by_id, req_symbol, symbol_name, translate, window
from simulator.futures.api.orders import BAD_PS, BAD_SIDE, BAD_TIF, BAD_TYPE
from simulator.futures.domain import enums
from simulator.futures.engine.algo import AlgoRequest
from simulator.futures.engine.views import algo_view

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.params import Params


def _algo_ref(p: Params) -> tuple[int | None, str | None]:
    algo_id = p.int("algoId", required=False)
    client_id = p.str("clientAlgoId", required=False)
    if algo_id is None and client_id is None:
        raise BinanceError(-1102, "Param 'algoId' or 'clientAlgoId' must be sent, but both were empty/null!")
    return algo_id, client_id


def read_algo(p: Params) -> AlgoRequest:
    p.enum("algoType", ("CONDITIONAL",))
    req = AlgoRequest(
        symbol=req_symbol(p),
        side=p.enum("side", enums.SIDES, error=BAD_SIDE),
        type=p.enum("type", enums.ALGO_TYPES, error=BAD_TYPE),
        position_side=p.enum("positionSide", enums.POSITION_SIDES, required=False, error=BAD_PS),
        time_in_force=p.enum("timeInForce", enums.TIME_IN_FORCE, required=False, error=BAD_TIF),
        quantity=p.decimal("quantity", required=False),
        price=p.decimal("price", required=False),
        trigger_price=p.decimal("triggerPrice", required=False),
        reduce_only=p.bool("reduceOnly"),
        close_position=p.bool("closePosition"),
        client_algo_id=p.str("clientAlgoId", required=False),
        working_type=p.enum("workingType", enums.WORKING_TYPES, required=False, default="CONTRACT_PRICE"),
        price_protect=p.bool("priceProtect"),
        price_match=p.enum("priceMatch", enums.PRICE_MATCH, required=False, default="NONE"),
        stp_mode=p.enum("selfTradePreventionMode", enums.STP_MODES, required=False, default="NONE"),
        good_till_date=p.int("goodTillDate", required=False, default=0),
        activate_price=p.decimal("activatePrice", required=False),
        callback_rate=p.decimal("callbackRate", required=False),
    )
    if req.activate_price is None:
        req.activate_price = p.decimal("activationPrice", required=False)
    p.enum("newOrderRespType", enums.RESP_TYPES, required=False, default="ACK")
    return req


@translate
async def post_algo(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 0)
    req = read_algo(ctx.params)
    ctx.params.finish()
    ctx.rt.exchange.ratelimit.charge_order(request, ctx.account_id, "futures")
    algo = ctx.rt.engine.place_algo(ctx.account_id, req)
    return ok(algo_view(algo, ctx.rt.engine.spec(algo.symbol)))


@translate
async def get_algo(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 1)
    symbol_name(ctx.params, required=False)
    algo_id, client_id = _algo_ref(ctx.params)
    ctx.params.finish()
    algo = ctx.rt.engine.find_algo(ctx.account_id, algo_id, client_id)
    return ok(algo_view(algo, ctx.rt.engine.spec(algo.symbol)))


@translate
async def delete_algo(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    symbol_name(ctx.params, required=False)
    algo_id, client_id = _algo_ref(ctx.params)
    ctx.params.finish()
    algo = ctx.rt.engine.cancel_algo(ctx.account_id, algo_id, client_id)
    return ok({"algoId": algo.algo_id, "clientAlgoId": algo.client_algo_id, "code": "200", "msg": "success"})


@translate
async def delete_algo_open(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    symbol = req_symbol(ctx.params)
    ctx.params.finish()
    ctx.rt.engine.cancel_all_algos(ctx.account_id, symbol)
    return ok({"code": 200, "msg": "The operation of cancel all open order is done."})


@translate
async def get_open_algos(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 1)
    symbol = symbol_name(ctx.params, required=False)
    ctx.params.finish()
    engine = ctx.rt.engine
    rows = sorted(
        (
            a
            for a in engine.ledger.algos.values()
            if a.account_id == ctx.account_id and a.is_open and (symbol is None or a.symbol == symbol)
        ),
        key=lambda a: a.algo_id,
    )
    return ok([algo_view(a, engine.spec(a.symbol)) for a in rows])


@translate
async def get_all_algos(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 5)
    p = ctx.params
    symbol = req_symbol(p)
    from_id = p.int("algoId", required=False)
    start, end, limit = window(p, 500, 1000)
    p.int("page", required=False)
    p.finish()
    engine = ctx.rt.engine
    mine = (a for a in engine.ledger.algos.values() if a.account_id == ctx.account_id and a.symbol == symbol)
    rows = page_by_id(
        mine,
        id_of=lambda a: a.algo_id,
        time_of=lambda a: a.create_time,
        from_id=from_id,
        start=start,
        end=end,
        limit=limit,
    )
    return ok([algo_view(a, engine.spec(a.symbol)) for a in rows])
