"""How much of each limit the account uses now, for the dashboard's bars. Pure: no ORM, no I/O.

Per-symbol limits report the symbol closest to its own (overridden) limit; the correlated-exposure limit
reports the largest group of two or more correlated symbols. Limits that apply to one order at a time
(order notional, price band) have no current value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from apps.config.domain.checks import drawdown_pct

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from apps.config.domain.limits import EffectiveLimits

ZERO: Final = Decimal(0)
HUNDRED: Final = Decimal(100)


@dataclass(frozen=True, slots=True)
class Usage:
    limit: str
    label: str
    unit: str  # "USDT", "%", "x", "orders", "orders/min"
    limit_value: Decimal
    current: Decimal | None
    detail: str = ""

    @property
    def used_pct(self) -> Decimal | None:
        if self.current is None or self.limit_value <= 0:
            return None
        return (self.current / self.limit_value * HUNDRED).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class AccountFigures:
    exposures: Mapping[str, Decimal] = field(default_factory=dict)  # "MARKET:SYMBOL" → |notional|, USDT
    leverages: Mapping[str, int] = field(default_factory=dict)  # USD-M symbols held → leverage setting
    open_orders: Mapping[str, int] = field(default_factory=dict)
    open_orders_total: int = 0
    orders_last_minute: int = 0
    daily_pnl: Decimal | None = None
    equity: Decimal | None = None
    equity_peak: Decimal | None = None
    groups: tuple[frozenset[str], ...] = ()  # correlated groups of two or more symbols


def _closest(
    values: Mapping[str, Decimal | int], limit_of: Callable[[str], Decimal | int]
) -> tuple[str, Decimal, Decimal] | None:
    """(key, value, its limit) of the key with the highest value / limit."""
    best: tuple[str, Decimal, Decimal] | None = None
    for key, value in values.items():
        limit = Decimal(limit_of(key))
        if limit <= 0:
            continue
        if best is None or Decimal(value) / limit > best[1] / best[2]:
            best = (key, Decimal(value), limit)
    return best


def limit_usage(
    figures: AccountFigures, global_limits: EffectiveLimits, limits_of: Callable[[str], EffectiveLimits]
) -> list[Usage]:
    """One row per limit, in the order the dashboard shows them."""
    g = global_limits
    rows: list[Usage] = []
    gross = sum(figures.exposures.values(), ZERO)
    rows.append(Usage("max_gross_exposure", "Total exposure", "USDT", g.max_gross_exposure, gross))
    closest = _closest(figures.exposures, lambda k: limits_of(k).max_position_notional)
    rows.append(
        Usage(
            "max_position_notional",
            "Largest position vs its limit",
            "USDT",
            closest[2] if closest else g.max_position_notional,
            closest[1] if closest else ZERO,
            closest[0] if closest else "",
        )
    )
    group_values = {
        ", ".join(sorted(group)): sum((figures.exposures.get(k, ZERO) for k in group), ZERO)
        for group in figures.groups
    }
    top = max(group_values.items(), key=lambda item: item[1], default=None)
    rows.append(
        Usage(
            "max_correlated_exposure",
            "Largest correlated group",
            "USDT",
            g.max_correlated_exposure,
            top[1] if top else ZERO,
            top[0] if top else "",
        )
    )
    lev = _closest(figures.leverages, lambda k: limits_of(k).max_leverage)
    rows.append(
        Usage(
            "max_leverage",
            "Highest leverage vs its limit",
            "x",
            lev[2] if lev else Decimal(g.max_leverage),
            lev[1] if lev else None,
            lev[0] if lev else "",
        )
    )
    per_symbol = _closest(figures.open_orders, lambda k: limits_of(k).max_open_orders_per_symbol)
    rows.extend(
        [
            Usage(
                "max_open_orders_per_symbol",
                "Open orders on one symbol",
                "orders",
                per_symbol[2] if per_symbol else Decimal(g.max_open_orders_per_symbol),
                per_symbol[1] if per_symbol else ZERO,
                per_symbol[0] if per_symbol else "",
            ),
            Usage(
                "max_open_orders_total",
                "Open orders",
                "orders",
                Decimal(g.max_open_orders_total),
                Decimal(figures.open_orders_total),
            ),
            Usage(
                "max_orders_per_minute",
                "Orders in the last minute",
                "orders/min",
                Decimal(g.max_orders_per_minute),
                Decimal(figures.orders_last_minute),
            ),
            Usage(
                "daily_loss_limit",
                "Today's loss",
                "USDT",
                g.daily_loss_limit,
                None if figures.daily_pnl is None else max(ZERO, -figures.daily_pnl),
            ),
            Usage(
                "max_drawdown_pct",
                "Drawdown from the equity peak",
                "%",
                g.max_drawdown_pct,
                drawdown_pct(figures.equity, figures.equity_peak),
            ),
            Usage("max_order_notional", "One order's value", "USDT", g.max_order_notional, None, "per order"),
            Usage("price_band_pct", "Price band", "%", g.price_band_pct, None, "per order"),
        ]
    )
    return rows
