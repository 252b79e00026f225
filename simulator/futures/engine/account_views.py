"""REST shapes for account, balance, positionRisk, userTrades and income (v2 and v3 variants)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.domain import brackets as br
from simulator.futures.domain import fmt
from simulator.futures.domain.position import Position, break_even
from simulator.futures.engine import risk as rk

if TYPE_CHECKING:
    from simulator.futures.engine.engine import FuturesEngine

ZERO = Decimal(0)
W = fmt.wallet


def _alias(account_id: str) -> str:
    digest = hashlib.sha256(account_id.encode()).hexdigest()
    return "".join(c for c in digest if c.isalpha())[:4].upper().ljust(4, "X")


def _position_rows(engine: FuturesEngine, account_id: str, symbols: list[str]) -> list[Position]:
    acc = engine.account(account_id)
    sides = ("LONG", "SHORT") if acc.dual_side else ("BOTH",)
    return [acc.position(s, ps) for s in symbols for ps in sides]


def _side_notionals(engine: FuturesEngine, account_id: str, symbol: str) -> tuple[Decimal, Decimal]:
    bids = sum(
        (o.remaining * o.price for o in engine.open_orders(account_id, symbol) if o.side == "BUY"), ZERO
    )
    asks = sum(
        (o.remaining * o.price for o in engine.open_orders(account_id, symbol) if o.side == "SELL"), ZERO
    )
    return bids, asks


def _open_order_im(engine: FuturesEngine, account_id: str, symbol: str) -> Decimal:
    acc = engine.account(account_id)
    mark = engine.mark(symbol)
    orders = engine.open_orders(account_id, symbol)
    return max(
        ZERO,
        rk.symbol_initial_margin(acc, symbol, orders, mark) - rk.symbol_initial_margin(acc, symbol, [], mark),
    )


def asset_rows(engine: FuturesEngine, account_id: str, *, v3: bool) -> list[dict[str, Any]]:
    acc = engine.account(account_id)
    rows = []
    for asset in sorted(set(acc.wallet) | {"USDT"}):
        r = engine.account_risk(account_id, asset)
        row: dict[str, Any] = {
            "asset": asset,
            "walletBalance": W(r.wallet),
            "unrealizedProfit": W(r.total_upnl),
            "marginBalance": W(r.margin_balance),
            "maintMargin": W(r.maint),
            "initialMargin": W(r.position_im + r.open_order_im),
            "positionInitialMargin": W(r.position_im),
            "openOrderInitialMargin": W(r.open_order_im),
            "crossWalletBalance": W(r.cross_wallet),
            "crossUnPnl": W(r.cross_upnl),
            "availableBalance": W(r.available),
            "maxWithdrawAmount": W(r.max_withdraw),
            "updateTime": acc.update_time,
        }
        if not v3:
            row["marginAvailable"] = True
        rows.append(row)
    return rows


def account(engine: FuturesEngine, account_id: str, *, v3: bool) -> dict[str, Any]:
    acc = engine.account(account_id)
    assets = asset_rows(engine, account_id, v3=v3)
    usdt = engine.account_risk(account_id, "USDT")
    totals = {
        "totalInitialMargin": W(usdt.position_im + usdt.open_order_im),
        "totalMaintMargin": W(usdt.maint),
        "totalWalletBalance": W(usdt.wallet),
        "totalUnrealizedProfit": W(usdt.total_upnl),
        "totalMarginBalance": W(usdt.margin_balance),
        "totalPositionInitialMargin": W(usdt.position_im),
        "totalOpenOrderInitialMargin": W(usdt.open_order_im),
        "totalCrossWalletBalance": W(usdt.cross_wallet),
        "totalCrossUnPnl": W(usdt.cross_upnl),
        "availableBalance": W(usdt.available),
        "maxWithdrawAmount": W(usdt.max_withdraw),
    }
    if v3:
        positions = [_v3_account_position(engine, account_id, p) for p in acc.positions.values() if p.amount]
        return {**totals, "assets": assets, "positions": positions}
    symbols = [s.symbol for s in engine.all_specs()]
    positions = [
        _v2_account_position(engine, account_id, p) for p in _position_rows(engine, account_id, symbols)
    ]
    return {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "feeBurn": True,
        "tradeGroupId": -1,
        "updateTime": 0,
        "multiAssetsMargin": acc.multi_assets,
        **totals,
        "assets": assets,
        "positions": positions,
    }


def _risk_of(engine: FuturesEngine, account_id: str, pos: Position) -> rk.PositionRisk:
    return rk.position_risk(engine.account(account_id), pos, engine.spec(pos.symbol), engine.mark(pos.symbol))


def _v3_account_position(engine: FuturesEngine, account_id: str, pos: Position) -> dict[str, Any]:
    r = _risk_of(engine, account_id, pos)
    iso = r.isolated
    return {
        "symbol": pos.symbol,
        "positionSide": pos.position_side,
        "positionAmt": fmt.plain(pos.amount),
        "unrealizedProfit": W(r.upnl),
        "isolatedMargin": W(pos.isolated_wallet + r.upnl) if iso else "0",
        "notional": W(r.notional),
        "isolatedWallet": W(pos.isolated_wallet) if iso else "0",
        "initialMargin": W(r.initial_margin),
        "maintMargin": W(r.maint_margin),
        "updateTime": pos.update_time,
    }


def _v2_account_position(engine: FuturesEngine, account_id: str, pos: Position) -> dict[str, Any]:
    acc = engine.account(account_id)
    r = _risk_of(engine, account_id, pos)
    spec = engine.spec(pos.symbol)
    bids, asks = _side_notionals(engine, account_id, pos.symbol)
    ooim = _open_order_im(engine, account_id, pos.symbol)
    return {
        "symbol": pos.symbol,
        "initialMargin": W(r.initial_margin + ooim),
        "maintMargin": W(r.maint_margin),
        "unrealizedProfit": W(r.upnl),
        "positionInitialMargin": W(r.initial_margin),
        "openOrderInitialMargin": W(ooim),
        "leverage": str(acc.lev(pos.symbol)),
        "isolated": r.isolated,
        "entryPrice": fmt.plain(pos.entry_price),
        "breakEvenPrice": fmt.plain(break_even(pos, acc.taker_rate).quantize(Decimal("0.00000001"))),
        "maxNotional": fmt.plain(br.max_notional_for_leverage(spec.bracket_table(), acc.lev(pos.symbol))),
        "bidNotional": fmt.plain(bids),
        "askNotional": fmt.plain(asks),
        "positionSide": pos.position_side,
        "positionAmt": fmt.plain(pos.amount),
        "updateTime": pos.update_time,
    }


def position_risk(
    engine: FuturesEngine, account_id: str, symbol: str | None, *, v3: bool
) -> list[dict[str, Any]]:
    acc = engine.account(account_id)
    if v3:
        wanted = {p.symbol for p in acc.positions.values() if p.amount} | {
            o.symbol for o in engine.open_orders(account_id)
        }
        symbols = sorted(s for s in wanted if symbol is None or s == symbol)
    else:
        symbols = [symbol] if symbol else [s.symbol for s in engine.all_specs()]
    out = []
    for pos in _position_rows(engine, account_id, symbols):
        if v3 and pos.amount == 0 and not engine.open_orders(account_id, pos.symbol):
            continue
        out.append(_risk_row(engine, account_id, pos, v3=v3))
    return out


def _risk_row(engine: FuturesEngine, account_id: str, pos: Position, *, v3: bool) -> dict[str, Any]:
    acc = engine.account(account_id)
    spec = engine.spec(pos.symbol)
    mark = engine.mark(pos.symbol)
    r = _risk_of(engine, account_id, pos)
    arisk = engine.account_risk(account_id, spec.margin_asset)
    liq = rk.liquidation_price(acc, arisk, pos, spec, mark)
    iso = r.isolated
    base: dict[str, Any] = {
        "symbol": pos.symbol,
        "positionSide": pos.position_side,
        "positionAmt": fmt.plain(pos.amount),
        "entryPrice": fmt.plain(pos.entry_price),
        "breakEvenPrice": fmt.plain(break_even(pos, acc.taker_rate).quantize(Decimal("0.00000001"))),
        "markPrice": fmt.fixed(mark, 8),
        "unRealizedProfit": W(r.upnl),
        "liquidationPrice": fmt.fixed(liq, 8),
        "isolatedMargin": W(pos.isolated_wallet + r.upnl) if iso else "0",
        "notional": W(r.notional),
        "marginAsset": spec.margin_asset,
        "isolatedWallet": W(pos.isolated_wallet) if iso else "0",
    }
    if v3:
        bids, asks = _side_notionals(engine, account_id, pos.symbol)
        ooim = _open_order_im(engine, account_id, pos.symbol)
        base.update(
            {
                "initialMargin": W(r.initial_margin + ooim),
                "maintMargin": W(r.maint_margin),
                "positionInitialMargin": W(r.initial_margin),
                "openOrderInitialMargin": W(ooim),
                "adl": 0 if pos.amount == 0 else 2,
                "bidNotional": fmt.plain(bids),
                "askNotional": fmt.plain(asks),
                "updateTime": pos.update_time,
            }
        )
    else:
        base.update(
            {
                "leverage": str(acc.lev(pos.symbol)),
                "maxNotionalValue": fmt.plain(
                    br.max_notional_for_leverage(spec.bracket_table(), acc.lev(pos.symbol))
                ),
                "marginType": "isolated" if iso else "cross",
                "isAutoAddMargin": "false",
                "updateTime": pos.update_time,
            }
        )
    return base


def balances(engine: FuturesEngine, account_id: str) -> list[dict[str, Any]]:
    rows = []
    for a in asset_rows(engine, account_id, v3=False):
        rows.append(
            {
                "accountAlias": _alias(account_id),
                "asset": a["asset"],
                "balance": a["walletBalance"],
                "crossWalletBalance": a["crossWalletBalance"],
                "crossUnPnl": a["crossUnPnl"],
                "availableBalance": a["availableBalance"],
                "maxWithdrawAmount": a["maxWithdrawAmount"],
                "marginAvailable": True,
                "updateTime": a["updateTime"],
            }
        )
    return rows


def user_trade(engine: FuturesEngine, row: dict[str, Any]) -> dict[str, Any]:
    spec = engine.spec(row["symbol"])
    realized = Decimal(row["realizedPnl"])
    return {
        "symbol": row["symbol"],
        "id": row["id"],
        "orderId": row["orderId"],
        "side": row["side"],
        "price": fmt.fixed(Decimal(row["price"]), spec.price_precision),
        "qty": fmt.fixed(Decimal(row["qty"]), spec.quantity_precision),
        "realizedPnl": W(realized) if realized else "0",
        "marginAsset": row["marginAsset"],
        "quoteQty": fmt.fixed(Decimal(row["quoteQty"]), spec.avg_places),
        "commission": W(Decimal(row["commission"])),
        "commissionAsset": row["commissionAsset"],
        "time": row["time"],
        "positionSide": row["positionSide"],
        "buyer": row["buyer"],
        "maker": row["maker"],
    }


def income_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "symbol": row["symbol"],
        "incomeType": row["incomeType"],
        "income": W(Decimal(row["income"])),
        "asset": row["asset"],
        "info": row["info"],
        "time": row["time"],
        "tranId": row["tranId"],
        "tradeId": row["tradeId"],
    }
