"""Figures the exchange does not always send, derived from stored rows with the domain's formulas.

A user-stream ACCOUNT_UPDATE carries amount, entry price, unrealized P&L and the isolated wallet, but no
mark price, notional, margins or liquidation price; positionRisk over REST carries most of them. What is
missing is computed here: mark = entry + unrealized / amount, notional = amount x mark, maintenance margin
from the symbol's leverage brackets, initial margin from the leverage, and the liquidation price
(apps.positions.domain.liquidation). Without stored brackets the margins and liquidation price are left as
they are; reconciliation stores the brackets and the exchange's own figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Final

from apps.positions.brackets import brackets_for
from apps.positions.domain.liquidation import (
    Leg,
    initial_margin,
    isolated_liquidation_price,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
)
from apps.positions.models import Balance, MarginType, Position

if TYPE_CHECKING:
    from collections.abc import Sequence

    from apps.positions.domain.liquidation import Bracket

ZERO: Final = Decimal(0)
# Binance reports these figures with 8 decimals; derived ones are rounded the same way, so re-deriving from
# the same data gives the same stored value (and no spurious change).
PLACES: Final = Decimal("0.00000001")
# Derived fields, in the order they depend on each other.
DERIVED: Final = (
    "mark_price",
    "notional",
    "isolated_margin",
    "initial_margin",
    "maint_margin",
    "liquidation_price",
)


def margin_asset(position: Position) -> str:
    return position.symbol.margin_asset or position.symbol.quote_asset


def _cross_wallet(asset: str) -> Decimal | None:
    row = Balance.objects.filter(market="USDM", asset=asset).first()
    if row is None:
        return None
    return row.cross_wallet_balance if row.cross_wallet_balance is not None else row.wallet_balance


def q8(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def _basics(p: Position, keep: set[str]) -> None:
    if p.quantity == 0:
        p.notional = ZERO
        p.isolated_margin = ZERO
        p.initial_margin = ZERO
        p.maint_margin = ZERO
        p.liquidation_price = None
        return
    if "mark_price" not in keep and p.entry_price:
        p.mark_price = q8(p.entry_price + p.unrealized_pnl / p.quantity)
    if "notional" not in keep and p.mark_price:
        p.notional = q8(p.quantity * p.mark_price)
    if "isolated_margin" not in keep and p.margin_type == MarginType.ISOLATED:
        p.isolated_margin = p.isolated_wallet + p.unrealized_pnl
    if "initial_margin" not in keep and p.leverage and p.mark_price:
        p.initial_margin = q8(initial_margin(p.quantity, p.mark_price, p.leverage))


def _liquidation(
    p: Position, legs: Sequence[Position], table: Sequence[Bracket], others: Sequence[Position]
) -> Decimal | None:
    if p.margin_type == MarginType.ISOLATED:
        return isolated_liquidation_price(
            amount=p.quantity,
            entry_price=p.entry_price,
            isolated_wallet=p.isolated_wallet,
            brackets=table,
            mark_price=p.mark_price,
            position_side=p.position_side,  # type: ignore[arg-type]
        )
    wallet = _cross_wallet(margin_asset(p))
    if wallet is None:
        return p.liquidation_price
    return liquidation_price(
        legs=[Leg(leg.position_side, leg.quantity, leg.entry_price) for leg in legs],  # type: ignore[arg-type]
        wallet_balance=wallet,
        brackets=table,
        mark_price=p.mark_price,
        other_maint_margin=sum((o.maint_margin or ZERO for o in others), ZERO),
        other_unrealized_pnl=sum((o.unrealized_pnl for o in others), ZERO),
    )


def derive(rows: Sequence[Position], reported: dict[int, set[str]]) -> None:
    """Fill in the derived fields of the rows just written (the keys of `reported`: row id → the fields the
    exchange sent, which are kept), in place, and re-price the liquidation of every other open row: a
    wallet or another cross position moves it. `rows` must hold every open position of the account.
    """
    tables: dict[str, tuple[Bracket, ...] | None] = {}
    for p in rows:
        if p.quantity != 0 and p.symbol.symbol not in tables:
            tables[p.symbol.symbol] = brackets_for(p.symbol.symbol)
        if p.pk not in reported:
            continue
        keep = reported[p.pk]
        _basics(p, keep)
        table = tables.get(p.symbol.symbol)
        if p.quantity != 0 and table is not None and "maint_margin" not in keep and p.mark_price:
            p.maint_margin = q8(maintenance_margin(table, p.notional))
    for p in rows:
        keep = reported.get(p.pk, set())
        table = tables.get(p.symbol.symbol)
        if p.quantity == 0 or table is None or "liquidation_price" in keep or not p.mark_price:
            continue
        cross = [o for o in rows if o.quantity != 0 and o.margin_type != MarginType.ISOLATED]
        legs = [o for o in cross if o.symbol_id == p.symbol_id]
        others = [o for o in cross if o.symbol_id != p.symbol_id and margin_asset(o) == margin_asset(p)]
        p.liquidation_price = q8(_liquidation(p, legs if legs else [p], table, others))


def position_margin_ratio(position: Position, cross: Sequence[Position]) -> Decimal | None:
    """Maintenance margin / margin balance: the position's own for isolated, the account's for cross.

    `cross` holds every open cross position of the account. None when it cannot be told (no wallet yet,
    or the margin balance is gone).
    """
    if position.quantity == 0 or position.maint_margin is None:
        return None
    if position.margin_type == MarginType.ISOLATED:
        return q8(margin_ratio(position.maint_margin, position.isolated_wallet + position.unrealized_pnl))
    asset = margin_asset(position)
    wallet = _cross_wallet(asset)
    if wallet is None:
        return None
    same = [p for p in cross if margin_asset(p) == asset]
    maint = sum((p.maint_margin or ZERO for p in same), ZERO)
    return q8(margin_ratio(maint, wallet + sum((p.unrealized_pnl for p in same), ZERO)))
