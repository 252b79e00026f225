"""Margin accounting over an account's positions and open orders (pure reads of engine state).

Open-order initial margin follows Binance's "worst side" idea: in one-way mode a symbol needs margin
for max(|pos + buys|, |pos - sells|) of notional, so orders that would only close the position are free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.futures.domain import margin as mg
from simulator.futures.domain.position import Position, unrealized
from simulator.futures.domain.symbol import FuturesSymbol

if TYPE_CHECKING:
    from simulator.futures.domain.order import Order
    from simulator.futures.engine.state import AccountState

ZERO = Decimal(0)
MarkOf = Callable[[str], Decimal]
SpecOf = Callable[[str], FuturesSymbol]


def order_ref_price(order: Order, mark: Decimal) -> Decimal:
    return order.price if order.price > 0 else mark


def _opening_notional_hedge(orders: Iterable[Order], mark: Decimal, position_side: str) -> Decimal:
    opening = "BUY" if position_side == "LONG" else "SELL"
    return sum(
        (
            o.remaining * order_ref_price(o, mark)
            for o in orders
            if o.position_side == position_side and o.side == opening and not o.reduce_only
        ),
        ZERO,
    )


def symbol_initial_margin(acc: AccountState, symbol: str, orders: list[Order], mark: Decimal) -> Decimal:
    """Position IM + open-order IM for one symbol, given the symbol's open orders."""
    lev = acc.lev(symbol)
    if acc.dual_side:
        total = ZERO
        for ps in ("LONG", "SHORT"):
            pos = acc.position(symbol, ps)
            total += abs(pos.amount) * mark + _opening_notional_hedge(orders, mark, ps)
        return total / lev
    pos_notional = acc.position(symbol, "BOTH").amount * mark
    buys = sum(
        (o.remaining * order_ref_price(o, mark) for o in orders if o.side == "BUY" and not o.reduce_only),
        ZERO,
    )
    sells = sum(
        (o.remaining * order_ref_price(o, mark) for o in orders if o.side == "SELL" and not o.reduce_only),
        ZERO,
    )
    return max(abs(pos_notional + buys), abs(pos_notional - sells)) / lev


@dataclass(frozen=True)
class PositionRisk:
    position: Position
    mark: Decimal
    notional: Decimal  # signed, like Binance's positionRisk "notional"
    upnl: Decimal
    initial_margin: Decimal
    maint_margin: Decimal
    isolated: bool


@dataclass(frozen=True)
class AccountRisk:
    asset: str
    wallet: Decimal
    cross_wallet: Decimal
    cross_upnl: Decimal
    total_upnl: Decimal
    position_im: Decimal
    open_order_im: Decimal
    maint: Decimal
    cross_maint: Decimal
    positions: tuple[PositionRisk, ...]

    @property
    def margin_balance(self) -> Decimal:
        return self.wallet + self.total_upnl

    @property
    def cross_margin_balance(self) -> Decimal:
        return self.cross_wallet + self.cross_upnl

    @property
    def available(self) -> Decimal:
        cross_pos_im = sum((p.initial_margin for p in self.positions if not p.isolated), ZERO)
        return self.cross_wallet + self.cross_upnl - cross_pos_im - self.open_order_im

    @property
    def max_withdraw(self) -> Decimal:
        return max(ZERO, min(self.available, self.cross_wallet))


def position_risk(acc: AccountState, pos: Position, spec: FuturesSymbol, mark: Decimal) -> PositionRisk:
    upnl = unrealized(pos, mark)
    return PositionRisk(
        position=pos,
        mark=mark,
        notional=pos.amount * mark,
        upnl=upnl,
        initial_margin=mg.initial_margin(pos.amount, mark, acc.lev(pos.symbol)),
        maint_margin=mg.maint_margin(pos.amount, mark, spec.bracket_table()),
        isolated=acc.isolated(pos.symbol),
    )


def account_risk(
    acc: AccountState, asset: str, open_orders: list[Order], spec_of: SpecOf, mark_of: MarkOf
) -> AccountRisk:
    """Aggregates everything margined in `asset` (single-asset mode: each margin asset stands alone)."""
    wallet = acc.wallet.get(asset, ZERO)
    risks = tuple(
        position_risk(acc, p, spec_of(p.symbol), mark_of(p.symbol))
        for p in acc.positions.values()
        if p.amount != 0 and spec_of(p.symbol).margin_asset == asset
    )
    iso_wallets = sum(
        (p.isolated_wallet for p in acc.positions.values() if spec_of(p.symbol).margin_asset == asset), ZERO
    )
    by_symbol: dict[str, list[Order]] = {}
    for o in open_orders:
        if spec_of(o.symbol).margin_asset == asset:
            by_symbol.setdefault(o.symbol, []).append(o)
    symbols = set(by_symbol) | {r.position.symbol for r in risks}
    open_im = ZERO
    for sym in symbols:
        mark = mark_of(sym)
        with_orders = symbol_initial_margin(acc, sym, by_symbol.get(sym, []), mark)
        without = symbol_initial_margin(acc, sym, [], mark)
        open_im += max(ZERO, with_orders - without)
    cross = [r for r in risks if not r.isolated]
    return AccountRisk(
        asset=asset,
        wallet=wallet,
        cross_wallet=wallet - iso_wallets,
        cross_upnl=sum((r.upnl for r in cross), ZERO),
        total_upnl=sum((r.upnl for r in risks), ZERO),
        position_im=sum((r.initial_margin for r in risks), ZERO),
        open_order_im=open_im,
        maint=sum((r.maint_margin for r in risks), ZERO),
        cross_maint=sum((r.maint_margin for r in cross), ZERO),
        positions=risks,
    )


def liquidation_price(
    acc: AccountState, risk: AccountRisk, pos: Position, spec: FuturesSymbol, mark: Decimal
) -> Decimal:
    if pos.amount == 0:
        return ZERO
    if acc.isolated(pos.symbol):
        legs = [mg.LegInput(pos.position_side, pos.amount, pos.entry_price)]
        return mg.liquidation_price(
            wallet=pos.isolated_wallet,
            other_maint=ZERO,
            other_upnl=ZERO,
            legs=legs,
            brackets=spec.bracket_table(),
            mark=mark,
        )
    mine = [r for r in risk.positions if r.position.symbol == pos.symbol and not r.isolated]
    others = [r for r in risk.positions if r.position.symbol != pos.symbol and not r.isolated]
    legs = [mg.LegInput(r.position.position_side, r.position.amount, r.position.entry_price) for r in mine]
    return mg.liquidation_price(
        wallet=risk.cross_wallet,
        other_maint=sum((r.maint_margin for r in others), ZERO),
        other_upnl=sum((r.upnl for r in others), ZERO),
        legs=legs,
        brackets=spec.bracket_table(),
        mark=mark,
    )
