"""/fapi account endpoints: settings, account/balance/positionRisk (v2, v3), trades, income, brackets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import BinanceError
from simulator.futures.api.common import (
    Handler,
    enter,
    ok,
    page_by_id,
    req_symbol,
    symbol_name,
    translate,
    window,
)
from simulator.futures.domain import brackets as br
from simulator.futures.domain import fmt
from simulator.futures.engine import account_views as av
from simulator.futures.engine.views import order_view

if TYPE_CHECKING:
    from aiohttp import web

INCOME_TYPES = (
    "TRANSFER",
    "WELCOME_BONUS",
    "REALIZED_PNL",
    "FUNDING_FEE",
    "COMMISSION",
    "INSURANCE_CLEAR",
    "REFERRAL_KICKBACK",
    "COMMISSION_REBATE",
    "API_REBATE",
    "CONTEST_REWARD",
    "CROSS_COLLATERAL_TRANSFER",
    "OPTIONS_PREMIUM_FEE",
    "OPTIONS_SETTLE_PROFIT",
    "INTERNAL_TRANSFER",
    "AUTO_EXCHANGE",
    "DELIVERED_SETTELMENT",
    "COIN_SWAP_DEPOSIT",
    "COIN_SWAP_WITHDRAW",
    "POSITION_LIMIT_INCREASE_FEE",
)
SEVEN_DAYS_MS = 7 * 86_400_000
SUCCESS = {"code": 200, "msg": "success"}


@translate
async def post_leverage(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    symbol = req_symbol(ctx.params)
    leverage = ctx.params.int("leverage")
    ctx.params.finish()
    lev, cap = ctx.rt.engine.change_leverage(ctx.account_id, symbol, leverage)
    return ok({"leverage": lev, "maxNotionalValue": fmt.plain(cap), "symbol": symbol})


@translate
async def post_margin_type(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    symbol = req_symbol(ctx.params)
    kind = ctx.params.enum(
        "marginType", ("ISOLATED", "CROSSED"), error=BinanceError(-4044, "The margin type is invalid.")
    )
    ctx.params.finish()
    ctx.rt.engine.change_margin_type(ctx.account_id, symbol, kind)
    return ok(SUCCESS)


@translate
async def get_dual(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 30)
    ctx.params.finish()
    return ok({"dualSidePosition": ctx.rt.engine.account(ctx.account_id).dual_side})


@translate
async def post_dual(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    dual = ctx.params.str("dualSidePosition").lower()
    if dual not in ("true", "false"):
        raise BinanceError(-1130, "Data sent for parameter 'dualSidePosition' is not valid.")
    ctx.params.finish()
    ctx.rt.engine.change_position_mode(ctx.account_id, dual == "true")
    return ok(SUCCESS)


@translate
async def get_multi_assets(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 30)
    ctx.params.finish()
    return ok({"multiAssetsMargin": ctx.rt.engine.account(ctx.account_id).multi_assets})


@translate
async def post_multi_assets(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    value = ctx.params.str("multiAssetsMargin").lower()
    if value not in ("true", "false"):
        raise BinanceError(-1130, "Data sent for parameter 'multiAssetsMargin' is not valid.")
    ctx.params.finish()
    ctx.rt.engine.change_multi_assets(ctx.account_id, value == "true")
    return ok(SUCCESS)


@translate
async def post_position_margin(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "TRADE", 1)
    p = ctx.params
    symbol = req_symbol(p)
    ps = p.enum(
        "positionSide",
        ("BOTH", "LONG", "SHORT"),
        required=False,
        default="BOTH",
        error=BinanceError(-4060, "Invalid position side."),
    )
    amount = p.decimal("amount", positive=True)
    kind = p.int("type", minimum=1, maximum=2)
    p.finish()
    ctx.rt.engine.modify_isolated_margin(ctx.account_id, symbol, ps, amount, kind)
    return ok(
        {"amount": float(amount), "code": 200, "msg": "Successfully modify position margin.", "type": kind}
    )


def _account_handler(*, v3: bool) -> Handler:
    @translate
    async def handler(request: web.Request) -> web.StreamResponse:
        ctx = await enter(request, "USER_DATA", 5)
        ctx.params.finish()
        return ok(av.account(ctx.rt.engine, ctx.account_id, v3=v3))

    return handler


get_account_v2 = _account_handler(v3=False)
get_account_v3 = _account_handler(v3=True)


@translate
async def get_balance(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 5)
    ctx.params.finish()
    return ok(av.balances(ctx.rt.engine, ctx.account_id))


def _position_risk_handler(*, v3: bool) -> Handler:
    @translate
    async def handler(request: web.Request) -> web.StreamResponse:
        ctx = await enter(request, "USER_DATA", 5)
        symbol = symbol_name(ctx.params, required=False)
        ctx.params.finish()
        return ok(av.position_risk(ctx.rt.engine, ctx.account_id, symbol, v3=v3))

    return handler


get_position_risk_v2 = _position_risk_handler(v3=False)
get_position_risk_v3 = _position_risk_handler(v3=True)


@translate
async def get_user_trades(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 5)
    p = ctx.params
    symbol = req_symbol(p)
    order_id = p.int("orderId", required=False)
    from_id = p.int("fromId", required=False)
    start, end, limit = window(p, 500, 1000)
    p.finish()
    if start is not None and end is not None and end - start > SEVEN_DAYS_MS:
        raise BinanceError(-4166, "The time between startTime and endTime can not be more than 7 days.")
    mine = (
        t
        for t in ctx.rt.engine.ledger.trades
        if t["account_id"] == ctx.account_id
        and t["symbol"] == symbol
        and (order_id is None or t["orderId"] == order_id)
    )
    rows = page_by_id(
        mine,
        id_of=lambda t: t["id"],
        time_of=lambda t: t["time"],
        from_id=from_id,
        start=start,
        end=end,
        limit=limit,
    )
    return ok([av.user_trade(ctx.rt.engine, t) for t in rows])


@translate
async def get_income(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 30)
    p = ctx.params
    symbol = symbol_name(p, required=False)
    kind = p.enum("incomeType", INCOME_TYPES, required=False)
    start, end, limit = window(p, 100, 1000)
    page = p.int("page", required=False, default=1, minimum=1)
    p.finish()
    rows = [
        r
        for r in ctx.rt.engine.ledger.income
        if r["account_id"] == ctx.account_id
        and (symbol is None or r["symbol"] == symbol)
        and (kind is None or r["incomeType"] == kind)
        and (start is None or r["time"] >= start)
        and (end is None or r["time"] <= end)
    ]
    if start is None and end is None:
        now = ctx.rt.engine.now()
        rows = [r for r in rows if r["time"] >= now - SEVEN_DAYS_MS]
    rows = rows[(page - 1) * limit : page * limit]
    return ok([av.income_row(r) for r in rows])


@translate
async def get_leverage_bracket(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 1)
    symbol = symbol_name(ctx.params, required=False)
    ctx.params.finish()
    engine = ctx.rt.engine

    def row(name: str) -> dict[str, object]:
        return {"symbol": name, "brackets": [b.to_wire() for b in engine.spec(name).bracket_table()]}

    if symbol is not None:
        return ok(row(symbol))
    return ok([row(s.symbol) for s in engine.all_specs()])


@translate
async def get_commission_rate(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 20)
    symbol = req_symbol(ctx.params)
    ctx.params.finish()
    acc = ctx.rt.engine.account(ctx.account_id)
    return ok(
        {
            "symbol": symbol,
            "makerCommissionRate": fmt.plain(acc.maker_rate),
            "takerCommissionRate": fmt.plain(acc.taker_rate),
            "rpiCommissionRate": "0",
        }
    )


@translate
async def get_account_config(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 5)
    ctx.params.finish()
    acc = ctx.rt.engine.account(ctx.account_id)
    return ok(
        {
            "feeTier": 0,
            "canTrade": True,
            "canDeposit": True,
            "canWithdraw": True,
            "dualSidePosition": acc.dual_side,
            "updateTime": acc.update_time,
            "multiAssetsMargin": acc.multi_assets,
            "tradeGroupId": -1,
        }
    )


@translate
async def get_symbol_config(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 5)
    symbol = symbol_name(ctx.params, required=False)
    ctx.params.finish()
    engine = ctx.rt.engine
    acc = engine.account(ctx.account_id)
    names = [symbol] if symbol else [s.symbol for s in engine.all_specs()]
    return ok(
        [
            {
                "symbol": name,
                "marginType": "ISOLATED" if acc.isolated(name) else "CROSSED",
                "isAutoAddMargin": False,
                "leverage": acc.lev(name),
                "maxNotionalValue": fmt.plain(
                    br.max_notional_for_leverage(engine.spec(name).bracket_table(), acc.lev(name))
                ),
            }
            for name in names
        ]
    )


@translate
async def get_force_orders(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_DATA", 20)
    p = ctx.params
    symbol = symbol_name(p, required=False)
    p.enum("autoCloseType", ("LIQUIDATION", "ADL"), required=False)
    start, end, limit = window(p, 50, 100)
    p.finish()
    engine = ctx.rt.engine
    rows = sorted(
        (
            o
            for o in engine.ledger.orders.values()
            if o.account_id == ctx.account_id
            and o.orig_type == "LIQUIDATION"
            and (symbol is None or o.symbol == symbol)
            and (start is None or o.time >= start)
            and (end is None or o.time <= end)
        ),
        key=lambda o: o.order_id,
    )
    return ok([order_view(o, engine.spec(o.symbol)) for o in rows[-limit:]])
