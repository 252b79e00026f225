"""Spot filter rules (SPOT-DOCS filters.md), checked in the order the symbol lists its filters.

Spot answers every filter failure with -1013 "Filter failure: <FILTER>" and names only the first one it
meets, walking the symbol's `filters` list in order; we walk the same list and report them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Final

from apps.symbols.domain.grid import ZERO, places, plain, range_problems
from apps.symbols.domain.violations import SPOT_FILTER_FAILURE, Violation, spot_violation

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.symbols.domain.exchange_info import SymbolFilters, SymbolInfo
    from apps.symbols.domain.violations import OpenOrders, OrderIntent

LIMIT_PRICED: Final = frozenset({"LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"})
# Orders that execute at the market once (or as soon as) they work: no price of their own.
MARKET_LIKE: Final = frozenset({"MARKET", "STOP_LOSS", "TAKE_PROFIT"})
ALGO_TYPES: Final = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"})
STOP_LOSS_TYPES: Final = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT"})


@dataclass(frozen=True, slots=True)
class SpotContext:
    # The average price the percent-price and market-notional rules compare with; None skips them.
    reference_price: Decimal | None
    open_orders: OpenOrders


def _price_filter(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    f = info.filters
    out: list[Violation] = []
    checks: list[tuple[str, str, Decimal]] = []
    if order.price is not None and order.type in LIMIT_PRICED:
        checks.append(("price", "Price", order.price))
    if order.stop_price:
        checks.append(("stop_price", "Stop price", order.stop_price))
    for field, label, value in checks:
        problems = range_problems(label, value, lo=f.min_price, hi=f.max_price, step=f.tick_size)
        if problems:
            out.append(spot_violation("PRICE_FILTER", " ".join(problems), field))
    return out


def _percent_band(f: SymbolFilters, side: str) -> tuple[Decimal, Decimal] | None:
    if f.has("PERCENT_PRICE") and f.multiplier_up is not None and f.multiplier_down is not None:
        return f.multiplier_down, f.multiplier_up
    if f.has("PERCENT_PRICE_BY_SIDE"):
        down, up = (
            (f.bid_multiplier_down, f.bid_multiplier_up)
            if side == "BUY"
            else (f.ask_multiplier_down, f.ask_multiplier_up)
        )
        if down is not None and up is not None:
            return down, up
    return None


def _percent_price(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    avg = ctx.reference_price
    if order.type not in LIMIT_PRICED or order.price is None or not avg:
        return []
    band = _percent_band(info.filters, order.side)
    if band is None:
        return []
    low, high = avg * band[0], avg * band[1]
    if low <= order.price <= high:
        return []
    kind = "PERCENT_PRICE" if info.filters.has("PERCENT_PRICE") else "PERCENT_PRICE_BY_SIDE"
    explanation = (
        f"A {order.side} price must stay within {plain(band[0])}x to {plain(band[1])}x of the average price "
        f"{plain(avg)}, i.e. between {plain(low)} and {plain(high)}; {plain(order.price)} is outside."
    )
    return [spot_violation(kind, explanation, "price")]


def _lot_size(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    f = info.filters
    out: list[Violation] = []
    for field, label, value in (
        ("quantity", "Quantity", order.quantity),
        ("iceberg_qty", "Iceberg quantity", order.iceberg_qty),
    ):
        if value is None or (field == "iceberg_qty" and not value):
            continue
        problems = range_problems(label, value, lo=f.min_qty, hi=f.max_qty, step=f.step_size)
        if problems:
            out.append(spot_violation("LOT_SIZE", " ".join(problems), field))
    return out


def _market_lot_size(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    f = info.filters
    if order.type not in MARKET_LIKE or order.quantity is None:
        return []
    problems = range_problems(
        "Market order quantity",
        order.quantity,
        lo=f.market_min_qty,
        hi=f.market_max_qty,
        step=f.market_step_size,
    )
    return [spot_violation("MARKET_LOT_SIZE", " ".join(problems), "quantity")] if problems else []


def order_notional(order: OrderIntent, reference_price: Decimal | None) -> Decimal | None:
    """price * quantity as spot computes it for the notional filters; None when it cannot be known yet."""
    if order.quote_order_qty is not None:
        return order.quote_order_qty
    if order.quantity is None:
        return None
    if order.type in LIMIT_PRICED and order.price is not None:
        return order.price * order.quantity
    if order.stop_price:
        return order.stop_price * order.quantity
    return reference_price * order.quantity if reference_price else None


def _notional(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    f = info.filters
    kind = "NOTIONAL" if f.has("NOTIONAL") else "MIN_NOTIONAL"
    is_market = order.type in MARKET_LIKE
    apply_min = not is_market or bool(f.apply_min_to_market)
    # MIN_NOTIONAL has no maximum; NOTIONAL's maximum applies to market orders only when told so.
    apply_max = kind == "NOTIONAL" and (not is_market or bool(f.apply_max_to_market))
    notional = order_notional(order, ctx.reference_price)
    if notional is None:
        return []
    lo, hi = f.min_notional or ZERO, f.max_notional or ZERO
    if apply_min and notional < lo:
        text = f"The order is worth {plain(notional)} {info.quote_asset}; the minimum is {plain(lo)}."
        return [spot_violation(kind, text, "quantity")]
    if apply_max and hi > 0 and notional > hi:
        text = f"The order is worth {plain(notional)} {info.quote_asset}; the maximum is {plain(hi)}."
        return [spot_violation(kind, text, "quantity")]
    return []


def _iceberg_parts(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    limit = info.filters.iceberg_parts
    if not order.iceberg_qty or order.quantity is None or limit is None:
        return []
    parts = (order.quantity / order.iceberg_qty).to_integral_value(ROUND_CEILING)
    if parts <= limit:
        return []
    text = f"An iceberg may show at most {limit} parts; {plain(order.iceberg_qty)} per part makes {parts}."
    return [spot_violation("ICEBERG_PARTS", text, "iceberg_qty")]


def _max_num_orders(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    limit = info.filters.max_num_orders
    if limit is None or ctx.open_orders.total + 1 <= limit:
        return []
    text = f"{info.symbol} allows at most {limit} open orders per account; you have {ctx.open_orders.total}."
    return [spot_violation("MAX_NUM_ORDERS", text, "symbol")]


def _max_num_algo_orders(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    limit = info.filters.max_num_algo_orders
    if limit is None or order.type not in ALGO_TYPES or ctx.open_orders.algo + 1 <= limit:
        return []
    text = (
        f"{info.symbol} allows at most {limit} open stop/take-profit orders; you have {ctx.open_orders.algo}."
    )
    return [spot_violation("MAX_NUM_ALGO_ORDERS", text, "type")]


def _max_num_iceberg_orders(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    limit = info.filters.max_num_iceberg_orders
    if limit is None or not order.iceberg_qty or ctx.open_orders.iceberg + 1 <= limit:
        return []
    text = f"{info.symbol} allows at most {limit} open iceberg orders; you have {ctx.open_orders.iceberg}."
    return [spot_violation("MAX_NUM_ICEBERG_ORDERS", text, "iceberg_qty")]


def _trailing_delta(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    if order.trailing_delta is None:
        return []
    f = info.filters
    # "Above" = the trigger sits above the market: STOP_LOSS BUY and TAKE_PROFIT SELL.
    above = (order.side == "BUY") == (order.type in STOP_LOSS_TYPES)
    lo = (f.min_trailing_above_delta if above else f.min_trailing_below_delta) or 0
    hi = (f.max_trailing_above_delta if above else f.max_trailing_below_delta) or 0
    if lo <= order.trailing_delta <= (hi or order.trailing_delta):
        return []
    text = f"The trailing delta must be between {lo} and {hi} basis points; {order.trailing_delta} is not."
    return [spot_violation("TRAILING_DELTA", text, "trailing_delta")]


_RULES: Final[dict[str, Callable[[SymbolInfo, OrderIntent, SpotContext], list[Violation]]]] = {
    "PRICE_FILTER": _price_filter,
    "PERCENT_PRICE": _percent_price,
    "PERCENT_PRICE_BY_SIDE": _percent_price,
    "LOT_SIZE": _lot_size,
    "MARKET_LOT_SIZE": _market_lot_size,
    "MIN_NOTIONAL": _notional,
    "NOTIONAL": _notional,
    "ICEBERG_PARTS": _iceberg_parts,
    "MAX_NUM_ORDERS": _max_num_orders,
    "MAX_NUM_ALGO_ORDERS": _max_num_algo_orders,
    "MAX_NUM_ICEBERG_ORDERS": _max_num_iceberg_orders,
    "TRAILING_DELTA": _trailing_delta,
}


def _precision_checks(info: SymbolInfo, order: OrderIntent) -> list[Violation]:
    """Spot refuses numbers with more decimals than the asset has (-1111), before looking at any filter."""
    out: list[Violation] = []
    fields = (
        ("quantity", "quantity", order.quantity, info.base_precision, "LOT_SIZE"),
        ("iceberg_qty", "icebergQty", order.iceberg_qty, info.base_precision, "LOT_SIZE"),
        ("price", "price", order.price, info.quote_precision, "PRICE_FILTER"),
        ("stop_price", "stopPrice", order.stop_price, info.quote_precision, "PRICE_FILTER"),
        ("quote_order_qty", "quoteOrderQty", order.quote_order_qty, info.quote_precision, "NOTIONAL"),
    )
    for field, wire_name, value, precision, kind in fields:
        if value is not None and places(value) > precision:
            text = f"{wire_name} may have at most {precision} decimals; {plain(value)} has {places(value)}."
            out.append(
                Violation(kind, -1111, f"Parameter '{wire_name}' has too much precision.", text, field)
            )
    return out


def _parameter_checks(info: SymbolInfo, order: OrderIntent) -> list[Violation]:
    """Checks spot runs while reading the request, before any filter (also -1013, other wording)."""
    out: list[Violation] = []
    if order.iceberg_qty and order.quantity is not None and order.iceberg_qty >= order.quantity:
        out.append(
            spot_violation(
                "ICEBERG_PARTS", "The iceberg part must be smaller than the order quantity.", "iceberg_qty"
            )
        )
    bad_values = (
        ("price", order.price, "Invalid price.", "The price must be greater than zero."),
        ("quantity", order.quantity, "Invalid quantity.", "The quantity must be greater than zero."),
        (
            "stop_price",
            order.stop_price,
            "Stop price must be greater than 0.",
            "The stop price must be greater than zero.",
        ),
    )
    for field, value, message, text in bad_values:
        if value is not None and value <= 0:
            kind = "LOT_SIZE" if field == "quantity" else "PRICE_FILTER"
            out.append(Violation(kind, SPOT_FILTER_FAILURE, message, text, field))
    out.extend(_precision_checks(info, order))
    if order.trailing_delta is not None and not info.allow_trailing_stop:
        out.append(
            spot_violation(
                "TRAILING_DELTA", f"{info.symbol} does not allow trailing stops.", "trailing_delta"
            )
        )
    return out


def spot_violations(info: SymbolInfo, order: OrderIntent, ctx: SpotContext) -> list[Violation]:
    out = _parameter_checks(info, order)
    if out:
        # Spot stops at the request-reading stage; filters are not evaluated on a malformed order.
        return out
    for kind in info.filters.order:
        rule = _RULES.get(kind)
        if rule is not None:
            out.extend(rule(info, order, ctx))
    return out
