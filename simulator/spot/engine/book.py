"""A price-time priority book of users' resting orders for one symbol."""

from __future__ import annotations

import bisect
from collections import deque
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.spot.domain.enums import Side

if TYPE_CHECKING:
    from simulator.spot.domain.order import Order

ZERO = Decimal(0)


class Book:
    def __init__(self) -> None:
        self.levels: dict[Side, dict[Decimal, deque[Order]]] = {Side.BUY: {}, Side.SELL: {}}
        # Ascending prices per side; the best bid is the last, the best ask the first.
        self.prices: dict[Side, list[Decimal]] = {Side.BUY: [], Side.SELL: []}

    def add(self, order: Order) -> None:
        side_levels = self.levels[order.side]
        level = side_levels.get(order.price)
        if level is None:
            level = side_levels[order.price] = deque()
            bisect.insort(self.prices[order.side], order.price)
        level.append(order)

    def remove(self, order: Order) -> None:
        side_levels = self.levels[order.side]
        level = side_levels.get(order.price)
        if level is None:
            return
        try:
            level.remove(order)
        except ValueError:
            return
        if not level:
            self._drop_level(order.side, order.price)

    def _drop_level(self, side: Side, price: Decimal) -> None:
        del self.levels[side][price]
        prices = self.prices[side]
        index = bisect.bisect_left(prices, price)
        if index < len(prices) and prices[index] == price:
            prices.pop(index)

    def requeue(self, order: Order) -> None:
        """An iceberg whose slice was consumed goes to the back of its level (loses time priority)."""
        level = self.levels[order.side][order.price]
        level.remove(order)
        level.append(order)

    def best(self, side: Side) -> Decimal | None:
        prices = self.prices[side]
        if not prices:
            return None
        return prices[-1] if side == Side.BUY else prices[0]

    def first_at(self, side: Side, price: Decimal) -> Order | None:
        level = self.levels[side].get(price)
        return level[0] if level else None

    def orders_better_than(self, side: Side, price: Decimal, *, inclusive: bool) -> list[Order]:
        """Resting orders of `side` priced through `price` (bids above / asks below), best first."""
        prices = self.prices[side]
        if side == Side.BUY:
            cut = bisect.bisect_left(prices, price) if inclusive else bisect.bisect_right(prices, price)
            chosen = reversed(prices[cut:])
        else:
            cut = bisect.bisect_right(prices, price) if inclusive else bisect.bisect_left(prices, price)
            chosen = iter(prices[:cut])
        return [order for p in chosen for order in self.levels[side][p]]

    def depth(self, side: Side) -> dict[Decimal, Decimal]:
        """Shown quantity per level (iceberg orders show only their slice)."""
        out: dict[Decimal, Decimal] = {}
        for price, level in self.levels[side].items():
            out[price] = sum((o.visible if o.iceberg_qty else o.remaining for o in level), ZERO)
        return out

    def __len__(self) -> int:
        return sum(len(level) for side in self.levels.values() for level in side.values())
