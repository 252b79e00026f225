"""Wire formatting: Binance sends decimals as strings with per-field precision."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


def fixed(value: Decimal, places: int) -> str:
    """`value` with exactly `places` decimals (the REST order/account style: "0.00", "31.02261200")."""
    q = Decimal(1).scaleb(-places)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP):f}"


def plain(value: Decimal) -> str:
    """Shortest plain form ("91739.9", "0"), as Binance prints entryPrice/ep and zero event fields."""
    if value == 0:
        return "0"
    text = f"{value.normalize():f}"
    return text


def wallet(value: Decimal) -> str:
    return fixed(value, 8)


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    if step == 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def parse(text: str) -> Decimal:
    return Decimal(text)
