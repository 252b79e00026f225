"""The synthetic order book around the market price, and the update-id sequence shared by REST and streams.

One monotonically increasing update id per (market, symbol) feeds REST `lastUpdateId`, the diff streams'
`U`/`u`/`pu` and `@bookTicker.u`, so a client can keep a local book with Binance's algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.symbols import SymbolSpec

ZERO = Decimal(0)
Levels = dict[Decimal, Decimal]
# Quantity of a level changes every this many ticks (per level, staggered), so the book breathes.
REFRESH_TICKS = 30


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return value
    return (value / step).to_integral_value(ROUND_FLOOR) * step


def ceil_to(value: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return value
    return (value / step).to_integral_value(ROUND_CEILING) * step


def _mix(a: int, b: int) -> int:
    """Cheap deterministic integer hash; Random() per level per tick would dominate the tick cost."""
    h = (a * 0x9E3779B1 + b * 0x85EBCA77) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
    return h ^ (h >> 12)


class SyntheticBook:
    def __init__(self, spec: SymbolSpec, levels: int, seed: int) -> None:
        self.spec = spec
        self.levels = levels
        self.seed = seed
        self.bids: Levels = {}
        self.asks: Levels = {}
        multiplier = 1000 if spec.market == "spot" else 200
        self.level_notional = max(spec.min_notional, Decimal(1)) * multiplier

    def rebuild(self, mid: Decimal, tick_no: int) -> None:
        spec = self.spec
        tick = spec.tick_size if spec.tick_size > 0 else Decimal("0.00000001")
        spacing = max(tick, floor_to(mid * Decimal("0.00005"), tick))
        best_bid = floor_to(mid, tick)
        if best_bid >= mid:
            best_bid -= tick
        best_ask = best_bid + tick
        step = spec.step_size if spec.step_size > 0 else Decimal("0.00000001")
        base_qty = self.level_notional / max(mid, tick)
        floor_qty = max(spec.min_qty, step)
        self.bids = self._side(best_bid, -spacing, base_qty, step, floor_qty, tick_no, 1, spec.min_price)
        self.asks = self._side(best_ask, spacing, base_qty, step, floor_qty, tick_no, 2, None)

    def _side(
        self,
        start: Decimal,
        delta: Decimal,
        base_qty: Decimal,
        step: Decimal,
        floor_qty: Decimal,
        tick_no: int,
        side: int,
        min_price: Decimal | None,
    ) -> Levels:
        out: Levels = {}
        tick = self.spec.tick_size if self.spec.tick_size > 0 else Decimal("0.00000001")
        for index in range(self.levels):
            price = start + delta * index
            if price <= 0 or (min_price is not None and price < min_price):
                break
            ticks = int(price / tick)
            phase = _mix(ticks, self.seed + side) % REFRESH_TICKS
            epoch = (tick_no + phase) // REFRESH_TICKS
            h = _mix(ticks ^ self.seed, epoch * 4 + side)
            # Thinner at the touch, thicker further out, with a 0.2x..1.8x random factor.
            factor = Decimal(200 + h % 1600) / 1000 * (1 + Decimal(index) / 20)
            qty = floor_to(base_qty * factor, step)
            out[price] = max(qty, floor_qty)
        return out


@dataclass
class DepthDiff:
    first_id: int
    last_id: int
    bids: Levels
    asks: Levels


@dataclass
class DepthState:
    """The published (synthetic + user) book and its update-id sequence."""

    update_id: int
    bids: Levels = field(default_factory=dict)
    asks: Levels = field(default_factory=dict)

    def apply(self, bids: Levels, asks: Levels) -> DepthDiff | None:
        """Replace the book with (bids, asks); return the level changes (qty 0 = removed) or None."""
        bid_changes = _diff(self.bids, bids)
        ask_changes = _diff(self.asks, asks)
        count = len(bid_changes) + len(ask_changes)
        if count == 0:
            return None
        first = self.update_id + 1
        self.update_id += count
        self.bids = bids
        self.asks = asks
        return DepthDiff(first, self.update_id, bid_changes, ask_changes)

    def top(self, side: str, limit: int) -> list[tuple[Decimal, Decimal]]:
        levels = self.bids if side == "BUY" else self.asks
        return sorted(levels.items(), reverse=side == "BUY")[:limit]


def _diff(old: Levels, new: Levels) -> Levels:
    changes: Levels = {price: qty for price, qty in new.items() if old.get(price) != qty}
    for price in old:
        if price not in new:
            changes[price] = ZERO
    return changes


def merge(synthetic: Levels, user: Levels) -> Levels:
    if not user:
        return synthetic
    merged = dict(synthetic)
    for price, qty in user.items():
        if qty > 0:
            merged[price] = merged.get(price, ZERO) + qty
    return merged
