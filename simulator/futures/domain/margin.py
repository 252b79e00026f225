"""Linear USD-M margin formulas (fact sheet §8.6), all pure functions over Decimals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulator.futures.domain import brackets as br

ZERO = Decimal(0)


def notional(amount: Decimal, mark: Decimal) -> Decimal:
    return abs(amount) * mark


def initial_margin(amount: Decimal, mark: Decimal, leverage: int) -> Decimal:
    return notional(amount, mark) / leverage


def maint_margin(amount: Decimal, mark: Decimal, brackets: tuple[br.Bracket, ...]) -> Decimal:
    n = notional(amount, mark)
    if n == 0:
        return ZERO
    b = br.bracket_for(brackets, n)
    return n * b.maint_margin_ratio - b.cum


def margin_ratio(maint: Decimal, margin_balance: Decimal) -> Decimal:
    """maint / margin balance; >= 1 means liquidation. A non-positive balance counts as 100 %+."""
    if maint == 0:
        return ZERO
    if margin_balance <= 0:
        return Decimal(999)
    return maint / margin_balance


@dataclass(frozen=True)
class LegInput:
    """One leg of a symbol for the liquidation-price formula."""

    position_side: str  # BOTH | LONG | SHORT
    amount: Decimal  # signed
    entry_price: Decimal


def liquidation_price(
    *,
    wallet: Decimal,
    other_maint: Decimal,
    other_upnl: Decimal,
    legs: list[LegInput],
    brackets: tuple[br.Bracket, ...],
    mark: Decimal,
) -> Decimal:
    """Binance FAQ formula: LP = (WB - TMM1 + UPNL1 + Σcum - Σ signed·|q|·EP) / (Σ|q|·MMR - Σ signed·|q|).

    For isolated margin pass the position's isolated wallet and zeros for the other contracts.
    Returns 0 when there is no position or the price would be negative (Binance shows "0").
    """
    legs = [leg for leg in legs if leg.amount != 0]
    if not legs:
        return ZERO
    num = wallet - other_maint + other_upnl
    den = ZERO
    for leg in legs:
        size = abs(leg.amount)
        b = br.bracket_for(brackets, size * mark)
        sign = Decimal(1) if leg.amount > 0 else Decimal(-1)
        num += b.cum - sign * size * leg.entry_price
        den += size * b.maint_margin_ratio - sign * size
    if den == 0:
        return ZERO
    lp = num / den
    return lp if lp > 0 else ZERO


def funding_payment(amount: Decimal, mark: Decimal, rate: Decimal) -> Decimal:
    """What the position *receives* (negative = pays): longs pay shorts when the rate is positive."""
    return -(amount * mark * rate)
