"""Decimal grids (tick sizes, step sizes): membership, rounding onto them, and plain printing."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Literal

ZERO = Decimal(0)
Direction = Literal["down", "up"]

# Enough digits that dividing a 20.20-digit Binance number by a step never rounds the quotient: a floor
# or ceiling computed on a rounded quotient could land one step off.
_PRECISION = 100


def places(value: Decimal) -> int:
    """Decimal places `value` needs once trailing zeros are dropped ("0.01000000" → 2, "10" → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain(value: Decimal) -> str:
    """A number as a person writes it: no exponent, no trailing zeros ("1E+1" → "10", "0.100" → "0.1")."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def on_step(value: Decimal, step: Decimal, base: Decimal = ZERO) -> bool:
    """Is `value` a whole number of `step`s away from `base`? A zero step means there is no grid."""
    if step <= 0:
        return True
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return (value - base) % step == 0


def round_to_step(value: Decimal, step: Decimal, *, direction: Direction, base: Decimal = ZERO) -> Decimal:
    """The grid point `base + n * step` nearest `value` in `direction`; `value` itself when on the grid.

    The result carries the grid's decimal places, so it prints the way the exchange expects.
    """
    if step <= 0:
        return value
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        rounding = ROUND_FLOOR if direction == "down" else ROUND_CEILING
        count = ((value - base) / step).to_integral_value(rounding=rounding)
        result = base + count * step
        return result.quantize(Decimal(1).scaleb(-max(places(step), places(base))))


def range_problems(
    label: str,
    value: Decimal,
    *,
    lo: Decimal | None,
    hi: Decimal | None,
    step: Decimal | None,
    base: Decimal = ZERO,
) -> list[str]:
    """Plain sentences for each way `value` misses [lo, hi] on the step grid; zero bounds are off."""
    problems: list[str] = []
    if lo is not None and lo > 0 and value < lo:
        problems.append(f"{label} {plain(value)} is below the minimum of {plain(lo)}.")
    if hi is not None and hi > 0 and value > hi:
        problems.append(f"{label} {plain(value)} is above the maximum of {plain(hi)}.")
    if step is not None and step > 0 and not on_step(value, step, base):
        down = round_to_step(value, step, direction="down", base=base)
        up = round_to_step(value, step, direction="up", base=base)
        problems.append(
            f"{label} {plain(value)} does not fit the step of {plain(step)}; "
            f"the nearest valid values are {plain(down)} and {plain(up)}."
        )
    return problems
