"""Spot wire formatting: every amount is a string with 8 decimals, as in the recorded payloads."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

EIGHT = Decimal("0.00000001")


def s8(value: Decimal) -> str:
    return f"{value:.8f}"


def q_down(value: Decimal) -> Decimal:
    return value.quantize(EIGHT, rounding=ROUND_DOWN)


def q_up(value: Decimal) -> Decimal:
    return value.quantize(EIGHT, rounding=ROUND_CEILING)


def q_half(value: Decimal) -> Decimal:
    return value.quantize(EIGHT, rounding=ROUND_HALF_UP)


def rate(value: Decimal) -> str:
    return s8(value)
