"""Position as a pure fold over fills: `apply_fill(position, signed_qty, price) -> (position, realized)`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Position:
    symbol: str
    position_side: str  # BOTH (one-way) | LONG | SHORT (hedge)
    amount: Decimal = ZERO  # signed: >0 long, <0 short
    entry_price: Decimal = ZERO
    isolated_wallet: Decimal = ZERO  # margin parked on an isolated position
    accumulated_realized: Decimal = ZERO  # "cr" in ACCOUNT_UPDATE
    update_time: int = 0

    @property
    def is_open(self) -> bool:
        return self.amount != 0


def apply_fill(pos: Position, signed_qty: Decimal, price: Decimal) -> tuple[Position, Decimal]:
    """Returns the new position and the P&L realized by this fill (before fees).

    Increasing averages the entry; reducing realizes `closed * (price - entry)` in the position's
    direction; crossing zero closes everything and reopens the remainder at `price`.
    """
    if signed_qty == 0:
        return pos, ZERO
    old = pos.amount
    new_amount = old + signed_qty
    if old == 0 or (old > 0) == (signed_qty > 0):
        total = abs(old) + abs(signed_qty)
        entry = (abs(old) * pos.entry_price + abs(signed_qty) * price) / total
        return replace(pos, amount=new_amount, entry_price=entry), ZERO
    closed = min(abs(old), abs(signed_qty))
    direction = Decimal(1) if old > 0 else Decimal(-1)
    realized = closed * (price - pos.entry_price) * direction
    if new_amount == 0:
        entry = ZERO
    elif (new_amount > 0) != (old > 0):
        entry = price  # flipped: the remainder is a fresh position
    else:
        entry = pos.entry_price
    return (
        replace(
            pos,
            amount=new_amount,
            entry_price=entry,
            accumulated_realized=pos.accumulated_realized + realized,
        ),
        realized,
    )


def unrealized(pos: Position, mark: Decimal) -> Decimal:
    return pos.amount * (mark - pos.entry_price) if pos.amount else ZERO


def break_even(pos: Position, taker_rate: Decimal) -> Decimal:
    # Matches recorded payloads: bep = entry * (1 + taker fee) for longs (the fee to get out again).
    if pos.amount == 0:
        return ZERO
    return pos.entry_price * (1 + taker_rate) if pos.amount > 0 else pos.entry_price * (1 - taker_rate)
