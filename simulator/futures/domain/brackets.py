"""Leverage brackets: initial leverage caps and maintenance margin by notional tier.

`cum` (maintenance amount) follows Binance's recurrence `cum_n = floor_n * (mmr_n - mmr_{n-1}) + cum_{n-1}`
so the maintenance margin is continuous across tier boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Bracket:
    bracket: int
    initial_leverage: int
    notional_floor: Decimal
    notional_cap: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal

    def to_wire(self) -> dict[str, Any]:
        return {
            "bracket": self.bracket,
            "initialLeverage": self.initial_leverage,
            "notionalCap": _num(self.notional_cap),
            "notionalFloor": _num(self.notional_floor),
            "maintMarginRatio": _num(self.maint_margin_ratio),
            "cum": _num(self.cum),
        }


def _num(value: Decimal) -> int | float:
    # The real leverageBracket endpoint is one of the few that sends JSON numbers; floats here are
    # display-only (never fed back into a computation).
    return int(value) if value == value.to_integral_value() else float(value)


def build(tiers: list[tuple[str, int, str]]) -> tuple[Bracket, ...]:
    """`tiers` = [(notionalCap, initialLeverage, maintMarginRatio)] in ascending cap order."""
    out: list[Bracket] = []
    floor = Decimal(0)
    cum = Decimal(0)
    prev_mmr = Decimal(0)
    for i, (cap, lev, mmr_text) in enumerate(tiers, start=1):
        mmr = Decimal(mmr_text)
        cum = floor * (mmr - prev_mmr) + cum
        out.append(Bracket(i, lev, floor, Decimal(cap), mmr, cum))
        floor, prev_mmr = Decimal(cap), mmr
    return tuple(out)


# BTCUSDT/ETHUSDT-like tiers (Binance 2024 values) and a generic altcoin table.
MAJOR_TIERS = [
    ("50000", 125, "0.004"),
    ("600000", 100, "0.005"),
    ("3000000", 75, "0.0065"),
    ("12000000", 50, "0.01"),
    ("70000000", 25, "0.02"),
    ("100000000", 20, "0.025"),
    ("230000000", 10, "0.05"),
    ("480000000", 5, "0.1"),
    ("600000000", 4, "0.125"),
    ("800000000", 3, "0.15"),
    ("1200000000", 2, "0.25"),
    ("1800000000", 1, "0.5"),
]
ALT_TIERS = [
    ("5000", 75, "0.005"),
    ("50000", 50, "0.01"),
    ("200000", 25, "0.02"),
    ("1000000", 20, "0.025"),
    ("2000000", 10, "0.05"),
    ("5000000", 5, "0.1"),
    ("10000000", 4, "0.125"),
    ("20000000", 3, "0.15"),
    ("50000000", 2, "0.25"),
    ("100000000", 1, "0.5"),
]

MAJOR = build(MAJOR_TIERS)
ALT = build(ALT_TIERS)


def default_for(symbol: str) -> tuple[Bracket, ...]:
    return MAJOR if symbol in ("BTCUSDT", "ETHUSDT", "BTCUSDC", "ETHUSDC") else ALT


def from_wire(rows: list[dict[str, Any]]) -> tuple[Bracket, ...]:
    """Accepts brackets in leverageBracket wire shape (core's SymbolSpec may carry them)."""
    out = []
    for row in rows:
        out.append(
            Bracket(
                int(row["bracket"]),
                int(row["initialLeverage"]),
                Decimal(str(row["notionalFloor"])),
                Decimal(str(row["notionalCap"])),
                Decimal(str(row["maintMarginRatio"])),
                Decimal(str(row.get("cum", 0))),
            )
        )
    return tuple(out)


def bracket_for(brackets: tuple[Bracket, ...], notional: Decimal) -> Bracket:
    notional = abs(notional)
    for b in brackets:
        if notional <= b.notional_cap:
            return b
    return brackets[-1]


def max_leverage(brackets: tuple[Bracket, ...]) -> int:
    return brackets[0].initial_leverage


def max_notional_for_leverage(brackets: tuple[Bracket, ...], leverage: int) -> Decimal:
    """Largest position notional allowed at `leverage` (leverage endpoint's maxNotionalValue)."""
    best = Decimal(0)
    for b in brackets:
        if b.initial_leverage >= leverage:
            best = b.notional_cap
    return best
