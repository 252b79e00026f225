"""USD-M futures filter rules (FUT-DOCS "Filters" and error codes), in the order the exchange checks them.

Futures reject with a code per rule rather than "Filter failure: X", and always check in the same order
whatever the symbol lists: price, quantity, percent price (against the mark price), minimum notional.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from apps.symbols.domain.grid import ZERO, plain, range_problems
from apps.symbols.domain.violations import Violation

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.symbols.domain.exchange_info import SymbolInfo
    from apps.symbols.domain.violations import OrderIntent

# Types whose `price` is a limit price the PRICE_FILTER and PERCENT_PRICE rules apply to.
PRICED_TYPES: Final = frozenset({"LIMIT", "STOP", "TAKE_PROFIT"})
PRECISION_MESSAGE: Final = "Precision is over the maximum defined for this asset."


def _price(info: SymbolInfo, label: str, field: str, price: Decimal) -> list[Violation]:
    f = info.filters
    lo, hi, tick = f.min_price or ZERO, f.max_price or ZERO, f.tick_size or ZERO
    if price <= 0:
        return [Violation("PRICE_FILTER", -4001, "Price less than 0.", f"{label} must be above zero.", field)]
    # The exchange answers with the first of these only, but we explain every problem in one sentence.
    problems = range_problems(label, price, lo=lo, hi=hi, step=tick, base=lo)
    if not problems:
        return []
    if lo and price < lo:
        code, message = -4013, "Price less than min price."
    elif hi and price > hi:
        code, message = -4002, "Price greater than max price."
    else:
        code, message = -4014, "Price not increased by tick size."
    return [Violation("PRICE_FILTER", code, message, " ".join(problems), field)]


def _quantity(info: SymbolInfo, order: OrderIntent) -> list[Violation]:
    f = info.filters
    qty = order.quantity
    if qty is None:
        return []
    market = order.type == "MARKET"
    kind = "MARKET_LOT_SIZE" if market and f.has("MARKET_LOT_SIZE") else "LOT_SIZE"
    if kind == "MARKET_LOT_SIZE":
        lo, hi, step = f.market_min_qty or ZERO, f.market_max_qty or ZERO, f.market_step_size or ZERO
    else:
        lo, hi, step = f.min_qty or ZERO, f.max_qty or ZERO, f.step_size or ZERO
    if qty <= 0:
        return [
            Violation(
                kind,
                -4003,
                "Quantity less than or equal to zero.",
                "The quantity must be above zero.",
                "quantity",
            )
        ]
    problems = range_problems("Quantity", qty, lo=lo, hi=hi, step=step, base=lo)
    if problems:
        if qty < lo:
            code, message = -4004, "Quantity less than min quantity."
        elif hi and qty > hi:
            code, message = -4005, "Quantity greater than max quantity."
        else:
            code, message = -4023, "Qty not increased by step size."
        return [Violation(kind, code, message, " ".join(problems), "quantity")]
    exponent = qty.as_tuple().exponent
    if (
        info.quantity_precision is not None
        and isinstance(exponent, int)
        and -exponent > info.quantity_precision
    ):
        places = info.quantity_precision
        text = f"Send the quantity with at most {places} decimals ({plain(qty)} is on the grid)."
        return [Violation(kind, -1111, PRECISION_MESSAGE, text, "quantity")]
    return []


def _percent_price(info: SymbolInfo, order: OrderIntent, mark: Decimal | None) -> list[Violation]:
    f = info.filters
    price = order.price
    if order.type not in PRICED_TYPES or price is None or not mark or mark <= 0 or not f.has("PERCENT_PRICE"):
        return []
    up, down = f.multiplier_up or ZERO, f.multiplier_down or ZERO
    # Futures bound only the aggressive side: a BUY above mark * up, a SELL below mark * down.
    if order.side == "BUY" and up and price > mark * up:
        cap = mark * up
        return [
            Violation(
                "PERCENT_PRICE",
                -4016,
                f"Limit price can't be higher than {cap:f}.",
                f"A BUY limit may be at most {plain(up)}x the mark price {plain(mark)}, i.e. {plain(cap)}.",
                "price",
            )
        ]
    if order.side == "SELL" and down and price < mark * down:
        floor = mark * down
        return [
            Violation(
                "PERCENT_PRICE",
                -4024,
                f"Limit price can't be lower than {floor:f}.",
                f"A SELL limit must be at least {plain(down)}x the mark price {plain(mark)}, "
                f"i.e. {plain(floor)}.",
                "price",
            )
        ]
    return []


def _min_notional(info: SymbolInfo, order: OrderIntent, mark: Decimal | None) -> list[Violation]:
    f = info.filters
    if order.reduce_only or order.quantity is None or not f.has("MIN_NOTIONAL"):
        return []
    # Market orders are valued at the mark price, limit orders at their own price.
    price = mark if order.type == "MARKET" else order.price
    if not price:
        return []
    minimum = f.min_notional or ZERO
    notional = price * order.quantity
    if notional >= minimum:
        return []
    return [
        Violation(
            "MIN_NOTIONAL",
            -4164,
            f"Order's notional must be no smaller than {minimum:f} (unless you choose reduce only).",
            f"The order is worth {plain(notional)} {info.quote_asset}; the minimum is {plain(minimum)} "
            "(reduce-only orders are exempt).",
            "quantity",
        )
    ]


def futures_violations(info: SymbolInfo, order: OrderIntent, mark_price: Decimal | None) -> list[Violation]:
    out: list[Violation] = []
    if order.price is not None and order.type in PRICED_TYPES:
        out.extend(_price(info, "Price", "price", order.price))
    if order.stop_price is not None:
        out.extend(_price(info, "Stop price", "stop_price", order.stop_price))
    out.extend(_quantity(info, order))
    out.extend(_percent_price(info, order, mark_price))
    out.extend(_min_notional(info, order, mark_price))
    return out
