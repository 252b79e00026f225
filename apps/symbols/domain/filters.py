"""Exchange filters as pure functions: validate an order against a symbol, and round onto its grids.

`validate_order` returns every violation, in the order the exchange checks them, so the first one is
the error the exchange would answer with. An empty list means the exchange's filters accept the order;
status, balance, margin and risk are other checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.symbols.domain.futures_filters import futures_violations
from apps.symbols.domain.grid import ZERO, round_to_step
from apps.symbols.domain.spot_filters import SpotContext, spot_violations
from apps.symbols.domain.violations import OpenOrders, OrderIntent, Side, Violation

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.symbols.domain.exchange_info import SymbolInfo

__all__ = [
    "OpenOrders",
    "OrderIntent",
    "Violation",
    "round_price",
    "round_qty",
    "validate_order",
]


def validate_order(
    info: SymbolInfo,
    order: OrderIntent,
    *,
    reference_price: Decimal | None,
    open_orders: OpenOrders | None = None,
) -> list[Violation]:
    """Every filter `order` breaks on `info`'s symbol, first the one the exchange would report.

    `reference_price` is what the exchange compares with: the spot average price, the futures mark
    price. Without it the percent-price rules and the notional of market orders cannot be judged and are
    skipped (the exchange will still apply them).
    """
    if info.market == "USDM":
        return futures_violations(info, order, reference_price)
    return spot_violations(info, order, SpotContext(reference_price, open_orders or OpenOrders()))


def _price_base(info: SymbolInfo) -> Decimal:
    # Futures count ticks from minPrice ("(price - minPrice) % tickSize == 0"); the spot engine counts them
    # from zero. The two agree whenever minPrice is itself on the tick grid, as it is on every listed pair.
    return (info.filters.min_price or ZERO) if info.market == "USDM" else ZERO


def round_price(info: SymbolInfo, price: Decimal, *, side: Side) -> Decimal:
    """`price` on the symbol's tick grid, rounded toward the passive side.

    A BUY rounds down and a SELL rounds up, so rounding never makes a limit more aggressive than asked:
    the order can only end up resting further from the market, never paying more (or receiving less)
    than the user accepted.
    """
    tick = info.filters.tick_size or ZERO
    direction = "down" if side == "BUY" else "up"
    return round_to_step(price, tick, direction=direction, base=_price_base(info))


def round_qty(info: SymbolInfo, qty: Decimal, *, market_order: bool = False) -> Decimal:
    """`qty` on the symbol's step grid, always rounded down.

    Down, because a larger quantity could exceed what the user asked for or what the account holds;
    a smaller one only leaves a remainder below one step. Market orders use MARKET_LOT_SIZE's step when
    the symbol sets one (spot usually publishes 0 there, meaning LOT_SIZE's step applies).
    """
    f = info.filters
    if market_order and f.market_step_size:
        step, base = f.market_step_size, f.market_min_qty or ZERO
    else:
        step, base = f.step_size or ZERO, f.min_qty or ZERO
    if info.market != "USDM":
        base = ZERO
    return round_to_step(qty, step, direction="down", base=base)
