"""USD-M (linear) margin arithmetic: leverage brackets, maintenance margin, liquidation price.

Formulas are Binance's (fact sheet §8.6). The liquidation price is the price at which the margin
balance meets the maintenance margin:

    LP = (WB - TMM1 + UPNL1 + Σcum - Σ side·|q|·EP) / (Σ|q|·MMR - Σ side·|q|)

over the legs of one symbol (one BOTH leg in one-way mode, LONG and SHORT in hedge mode). MMR and cum
come from the bracket of each leg's notional *at the liquidation price*, which is not known until LP
is: start from the brackets at the mark price and recompute until they stop changing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

ZERO = Decimal(0)
ONE = Decimal(1)

PositionSide = Literal["BOTH", "LONG", "SHORT"]


@dataclass(frozen=True, slots=True)
class Bracket:
    """One row of `/fapi/v1/leverageBracket`: applies to notional in (notional_floor, notional_cap]."""

    bracket: int
    initial_leverage: int
    notional_floor: Decimal
    notional_cap: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal  # maintenance amount: keeps maintenance margin continuous across brackets


def _decimal(value: Any, name: str) -> Decimal:
    # leverageBracket is one of the few endpoints that sends JSON numbers; str() of a float is its
    # shortest repr ("0.005"), which is the number Binance meant, not the binary approximation.
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f"leverage bracket field {name!r}: expected a number, got {value!r}")
    return Decimal(str(value))


def parse_bracket_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[Bracket, ...]:
    """Brackets from the `brackets` list of one symbol, sorted by notional floor."""
    out = [
        Bracket(
            bracket=int(row["bracket"]),
            initial_leverage=int(row["initialLeverage"]),
            notional_floor=_decimal(row["notionalFloor"], "notionalFloor"),
            notional_cap=_decimal(row["notionalCap"], "notionalCap"),
            maint_margin_ratio=_decimal(row["maintMarginRatio"], "maintMarginRatio"),
            cum=_decimal(row.get("cum", 0), "cum"),
        )
        for row in rows
    ]
    if not out:
        raise ValueError("a symbol without leverage brackets")
    return tuple(sorted(out, key=lambda b: b.notional_floor))


def parse_leverage_brackets(
    payload: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> dict[str, tuple[Bracket, ...]]:
    """symbol -> brackets from `/fapi/v1/leverageBracket` (an object with `symbol=`, else a list)."""
    items = [payload] if isinstance(payload, Mapping) else list(payload)
    return {str(item["symbol"]): parse_bracket_rows(item["brackets"]) for item in items}


def bracket_for(brackets: Sequence[Bracket], notional: Decimal) -> Bracket:
    """The bracket with floor < |notional| ≤ cap; notional 0 is in the first one.

    Beyond the last cap (the exchange refuses positions that large) the last bracket still applies.
    """
    size = abs(notional)
    for b in brackets:
        if size <= b.notional_cap:
            return b
    return brackets[-1]


def initial_margin(amount: Decimal, mark_price: Decimal, leverage: int) -> Decimal:
    if leverage <= 0:
        raise ValueError(f"leverage must be positive, not {leverage}")
    return abs(amount) * mark_price / leverage


def maintenance_margin(brackets: Sequence[Bracket], notional: Decimal) -> Decimal:
    size = abs(notional)
    if size == 0:
        return ZERO
    b = bracket_for(brackets, size)
    return size * b.maint_margin_ratio - b.cum


def margin_ratio(maint_margin: Decimal, margin_balance: Decimal) -> Decimal | None:
    """maint / margin balance: 1 (100 %) or more is liquidation.

    None when the margin balance is zero or negative and there is maintenance margin to cover: the
    ratio is unbounded and the position is already liquidatable.
    """
    if maint_margin == 0:
        return ZERO
    if margin_balance <= 0:
        return None
    return maint_margin / margin_balance


@dataclass(frozen=True, slots=True)
class Leg:
    """One position of the symbol being priced.

    `amount` is signed for BOTH; for LONG and SHORT its size counts and the side gives the direction
    (positionRisk reports SHORT amounts negative, either sign is accepted).
    """

    position_side: PositionSide
    amount: Decimal
    entry_price: Decimal

    @property
    def size(self) -> Decimal:
        return abs(self.amount)

    @property
    def direction(self) -> Decimal:
        if self.position_side == "LONG":
            return ONE
        if self.position_side == "SHORT":
            return -ONE
        return ONE if self.amount > 0 else -ONE


def _solve(legs: Sequence[Leg], chosen: Sequence[Bracket], wallet: Decimal, other: Decimal) -> Decimal | None:
    numerator = wallet + other
    denominator = ZERO
    for leg, b in zip(legs, chosen, strict=True):
        numerator += b.cum - leg.direction * leg.size * leg.entry_price
        denominator += leg.size * b.maint_margin_ratio - leg.direction * leg.size
    if denominator == 0:
        return None
    return numerator / denominator


def _brackets_at(legs: Sequence[Leg], table: Sequence[Bracket], price: Decimal) -> tuple[Bracket, ...]:
    return tuple(bracket_for(table, leg.size * max(price, ZERO)) for leg in legs)


def _consistent_nearest(
    legs: Sequence[Leg], table: Sequence[Bracket], wallet: Decimal, other: Decimal, mark: Decimal
) -> Decimal | None:
    # A cycle between bracket sets (only conceivable with two hedge legs): take every bracket
    # combination whose LP lies inside its own brackets and keep the one the mark reaches first.
    found: list[Decimal] = []
    for combo in itertools.product(table, repeat=len(legs)):
        lp = _solve(legs, combo, wallet, other)
        if lp is not None and lp > 0 and _brackets_at(legs, table, lp) == combo:
            found.append(lp)
    return min(found, key=lambda lp: abs(lp - mark), default=None)


def liquidation_price(
    *,
    legs: Sequence[Leg],
    wallet_balance: Decimal,
    brackets: Sequence[Bracket],
    mark_price: Decimal,
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal | None:
    """The mark price at which these legs get liquidated; None when flat or when no positive price does.

    - one-way isolated: one BOTH leg, `wallet_balance` = that position's isolatedWallet, no others;
    - one-way cross: one BOTH leg, `wallet_balance` = crossWalletBalance of the margin asset, and the
      maintenance margin (TMM1) and unrealized P&L (UPNL1) of every *other* cross position;
    - hedge: the LONG and SHORT legs of the symbol with the cross wallet (isolated hedge legs are
      liquidated one by one: price each alone with its own isolatedWallet).
    """
    open_legs = [leg for leg in legs if leg.amount != 0]
    if not open_legs:
        return None
    table = sorted(brackets, key=lambda b: b.notional_floor)
    other = other_unrealized_pnl - other_maint_margin
    chosen = _brackets_at(open_legs, table, mark_price)
    tried: set[tuple[Bracket, ...]] = set()
    while chosen not in tried:
        tried.add(chosen)
        lp = _solve(open_legs, chosen, wallet_balance, other)
        if lp is None:
            return None
        at_lp = _brackets_at(open_legs, table, lp)
        if at_lp == chosen:
            return lp if lp > 0 else None
        chosen = at_lp
    return _consistent_nearest(open_legs, table, wallet_balance, other, mark_price)


def isolated_liquidation_price(
    *,
    amount: Decimal,
    entry_price: Decimal,
    isolated_wallet: Decimal,
    brackets: Sequence[Bracket],
    mark_price: Decimal,
    position_side: PositionSide = "BOTH",
) -> Decimal | None:
    """One isolated position: `(iw + cum - q·EP) / (|q|·MMR - q)` with q signed."""
    return liquidation_price(
        legs=[Leg(position_side, amount, entry_price)],
        wallet_balance=isolated_wallet,
        brackets=brackets,
        mark_price=mark_price,
    )
