"""What the kill switch sends to flatten the account. Pure: no ORM, no I/O.

USD-M: one MARKET order per position side against the position (split by the market lot's maximum).
One-way positions (side BOTH) close with reduceOnly; hedge sides (LONG/SHORT) close by naming the side
and taking the opposite direction — Binance refuses the reduceOnly flag in hedge mode, and a hedge-side
close can never flip the position anyway.

Spot: each asset is sold down to the amount to keep, into the quote asset, at MARKET, rounded down to
the lot step; what is left below the minimum quantity or notional is dust, reported and left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Final

ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class LotRules:
    """The MARKET order rules of one symbol (MARKET_LOT_SIZE, else LOT_SIZE; NOTIONAL/MIN_NOTIONAL)."""

    step: Decimal
    min_qty: Decimal = ZERO
    max_qty: Decimal = ZERO  # 0: no maximum
    min_notional: Decimal = ZERO  # 0: none applies to MARKET orders


def plain(value: Decimal) -> str:
    """A decimal as the exchange writes it: no exponent, no trailing zeros ("1.5", "100")."""
    return format(value.normalize(), "f")


def floor_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return quantity
    return (quantity / step).to_integral_value(rounding=ROUND_DOWN) * step


def split(quantity: Decimal, max_qty: Decimal) -> list[Decimal]:
    """`quantity` in chunks of at most `max_qty` (one chunk when there is no maximum)."""
    if max_qty <= 0 or quantity <= max_qty:
        return [quantity]
    chunks: list[Decimal] = []
    left = quantity
    while left > 0:
        chunks.append(min(left, max_qty))
        left -= chunks[-1]
    return chunks


@dataclass(frozen=True, slots=True)
class FuturesClose:
    symbol: str
    position_side: str  # BOTH, LONG or SHORT, as the exchange reports the position
    side: str  # BUY closes a short, SELL a long
    quantity: Decimal
    reduce_only: bool


def futures_close_orders(
    *, symbol: str, position_side: str, amount: Decimal, rules: LotRules | None
) -> list[FuturesClose]:
    """The MARKET orders that flatten one position (signed `amount`; nothing for a flat one)."""
    if amount == 0:
        return []
    side = "SELL" if amount > 0 else "BUY"
    max_qty = rules.max_qty if rules is not None else ZERO
    reduce_only = position_side == "BOTH"
    return [
        FuturesClose(symbol, position_side, side, chunk, reduce_only) for chunk in split(abs(amount), max_qty)
    ]


@dataclass(frozen=True, slots=True)
class SpotSale:
    """One asset's sell-down: `quantities` to sell (empty when nothing is sold) and why not, if so."""

    asset: str
    symbol: str
    quantities: tuple[Decimal, ...]
    excess: Decimal  # free minus the amount to keep, before rounding
    dust: Decimal  # what stays above the keep amount because it is below the minimums
    note: str = ""


def spot_sell_down(
    *,
    asset: str,
    symbol: str,
    free: Decimal,
    keep: Decimal,
    rules: LotRules | None,
    price: Decimal | None,
) -> SpotSale | None:
    """How much of `asset` to sell on `symbol` to come down to `keep`; None when nothing is above it."""
    excess = free - keep
    if excess <= 0:
        return None
    if rules is None or price is None or price <= 0:
        why = "no market to sell on" if rules is None else "no price to value it"
        return SpotSale(asset, symbol, (), excess, excess, f"not sold: {why}")
    quantity = floor_to_step(excess, rules.step)
    if quantity <= 0 or quantity < rules.min_qty:
        return SpotSale(
            asset, symbol, (), excess, excess, f"dust: below the minimum quantity {rules.min_qty}"
        )
    chunks = split(quantity, rules.max_qty)
    if rules.min_notional > 0 and chunks[-1] * price < rules.min_notional:
        # A last chunk below the minimum notional cannot be sold on its own: it stays as dust.
        if len(chunks) == 1:
            return SpotSale(
                asset,
                symbol,
                (),
                excess,
                excess,
                f"dust: worth less than the minimum notional {rules.min_notional}",
            )
        chunks = chunks[:-1]
    sold = sum(chunks, ZERO)
    note = "" if excess == sold else f"{excess - sold} left unsold below the lot step or minimums"
    return SpotSale(asset, symbol, tuple(chunks), excess, excess - sold, note)
