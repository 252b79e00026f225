"""Account operations: account, myTrades, rateLimit/order, account/commission."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.spot.api.ops_orders import pick, window
from simulator.spot.domain.fmt import s8
from simulator.spot.engine import views

if TYPE_CHECKING:
    from decimal import Decimal

    from simulator.params import Params
    from simulator.spot.api.context import Ctx

BIPS = 10000


def _rates(maker: Decimal, taker: Decimal) -> dict[str, str]:
    return {"maker": s8(maker), "taker": s8(taker), "buyer": s8(0 * maker), "seller": s8(0 * maker)}


def uid(account_id: str) -> int:
    # Binance uids are numbers; a stable one per account id keeps clients that store it happy.
    return int(account_id) if account_id.isdigit() else zlib.crc32(account_id.encode()) % 10**9


def account(ctx: Ctx, p: Params) -> dict[str, Any]:
    omit_zero = p.bool("omitZeroBalances")
    p.finish()
    ctx.charge(20)
    maker, taker = ctx.engine.rates(ctx.account_id)
    balances = [
        {"asset": asset, "free": s8(b.free), "locked": s8(b.locked)}
        for asset, b in sorted(ctx.engine.ledger.assets(ctx.account_id).items())
        if not omit_zero or b.free or b.locked
    ]
    can_trade = "SPOT" in ctx.account.permissions and not ctx.account.read_only
    return {
        "makerCommission": int(maker * BIPS),
        "takerCommission": int(taker * BIPS),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": _rates(maker, taker),
        "canTrade": can_trade,
        "canWithdraw": True,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": ctx.engine.now_ms(),
        "accountType": "SPOT",
        "balances": balances,
        "permissions": ["SPOT"],
        "uid": uid(ctx.account_id),
    }


def my_trades(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    spec = p.symbol("symbol", "spot")
    order_id = p.int("orderId", False)
    from_id = p.int("fromId", False)
    start, end, limit = window(p)
    p.finish()
    ctx.charge(5 if order_id is not None else 20)
    rows = ctx.engine.my_trades(ctx.account_id, spec.symbol)
    if order_id is not None:
        rows = [t for t in rows if t.order_id == order_id]
    return [
        views.my_trade(t)
        for t in pick(rows, "time", "trade_id", start=start, end=end, from_id=from_id, limit=limit)
    ]


def prevented_matches(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    """GET /api/v3/myPreventedMatches: by preventedMatchId, or by orderId (optionally from an id)."""
    spec = p.symbol("symbol", "spot")
    match_id = p.int("preventedMatchId", required=False)
    order_id = p.int("orderId", required=False)
    from_id = p.int("fromPreventedMatchId", required=False)
    limit = p.int("limit", required=False, default=500, minimum=1, maximum=1000)
    p.finish()
    if match_id is None and order_id is None:
        raise BinanceError(
            -1102, "Param 'preventedMatchId' or 'orderId' must be sent, but both were empty/null!"
        )
    ctx.charge(2 if match_id is not None else 20)
    rows = [r for r in ctx.engine.prevented.get(ctx.account_id, []) if r["symbol"] == spec.symbol]
    if match_id is not None:
        return [r for r in rows if r["preventedMatchId"] == match_id]
    rows = [r for r in rows if order_id in (r["takerOrderId"], r["makerOrderId"])]
    if from_id is not None:
        rows = [r for r in rows if r["preventedMatchId"] >= from_id]
    return rows[:limit]


def rate_limit_order(ctx: Ctx, p: Params) -> list[dict[str, Any]]:
    p.finish()
    ctx.charge(40)
    return ctx.exchange.ratelimit.order_counts(ctx.account_id, "spot")


def commission(ctx: Ctx, p: Params) -> dict[str, Any]:
    spec = p.symbol("symbol", "spot")
    p.finish()
    ctx.charge(20)
    maker, taker = ctx.engine.rates(ctx.account_id)
    zero = _rates(0 * maker, 0 * maker)
    return {
        "symbol": spec.symbol,
        "standardCommission": _rates(maker, taker),
        "specialCommission": zero,
        "taxCommission": dict(zero),
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": s8(0 * maker),
        },
    }
