"""exchangeInfo filters as pure checks (SPOT-DOCS filters.md); the first violation names the -1013 error.

Checks read the raw filter dicts exactly as exchangeInfo publishes them, so a filter changed through the
control API applies to the next order without any derived state to refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from simulator.spot.domain.enums import ALGO_TYPES, LIMIT_PRICED, OrderType, Side

ZERO = Decimal(0)
MARKET_LIKE = frozenset({OrderType.MARKET, OrderType.STOP_LOSS, OrderType.TAKE_PROFIT})


@dataclass(frozen=True, slots=True)
class OrderCheck:
    side: Side
    type: OrderType
    qty: Decimal | None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    iceberg_qty: Decimal | None = None
    quote_order_qty: Decimal | None = None
    trailing_delta: int | None = None


@dataclass(frozen=True, slots=True)
class OpenCounts:
    orders: int = 0
    algo: int = 0
    iceberg: int = 0
    lists: int = 0


def _d(f: dict[str, Any], key: str) -> Decimal:
    return Decimal(str(f[key]))


def _on_step(value: Decimal, step: Decimal, base: Decimal = ZERO) -> bool:
    return step == 0 or (value - base) % step == 0


def price_filter(f: dict[str, Any], price: Decimal) -> bool:
    lo, hi, tick = _d(f, "minPrice"), _d(f, "maxPrice"), _d(f, "tickSize")
    if lo > 0 and price < lo:
        return False
    if hi > 0 and price > hi:
        return False
    return _on_step(price, tick)


def lot_size(f: dict[str, Any], qty: Decimal) -> bool:
    lo, hi, step = _d(f, "minQty"), _d(f, "maxQty"), _d(f, "stepSize")
    if qty < lo or (hi > 0 and qty > hi):
        return False
    return _on_step(qty, step)


def percent_price(f: dict[str, Any], side: Side, price: Decimal, avg: Decimal) -> bool:
    if f["filterType"] == "PERCENT_PRICE":
        up, down = _d(f, "multiplierUp"), _d(f, "multiplierDown")
    elif side == Side.BUY:
        up, down = _d(f, "bidMultiplierUp"), _d(f, "bidMultiplierDown")
    else:
        up, down = _d(f, "askMultiplierUp"), _d(f, "askMultiplierDown")
    return avg * down <= price <= avg * up


def notional_ok(f: dict[str, Any], req: OrderCheck, avg: Decimal | None) -> bool:
    is_market = req.type in MARKET_LIKE
    if f["filterType"] == "MIN_NOTIONAL":
        if is_market and not f.get("applyToMarket", True):
            return True
        apply_min, apply_max, hi = True, False, ZERO
        lo = _d(f, "minNotional")
    else:
        lo, hi = _d(f, "minNotional"), _d(f, "maxNotional")
        apply_min = not is_market or bool(f.get("applyMinToMarket", True))
        apply_max = not is_market or bool(f.get("applyMaxToMarket", False))
    notional = _notional(req, avg)
    if notional is None:
        return True
    if apply_min and notional < lo:
        return False
    return not (apply_max and hi > 0 and notional > hi)


def _notional(req: OrderCheck, avg: Decimal | None) -> Decimal | None:
    if req.quote_order_qty is not None:
        return req.quote_order_qty
    if req.qty is None:
        return None
    if req.type in LIMIT_PRICED and req.price is not None:
        return req.price * req.qty
    if req.stop_price:
        return req.stop_price * req.qty
    return avg * req.qty if avg else None


def trailing_ok(f: dict[str, Any], req: OrderCheck) -> bool:
    assert req.trailing_delta is not None
    is_stop_loss = req.type in (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
    # "Above" = the trigger sits above the market: STOP_LOSS BUY and TAKE_PROFIT SELL.
    above = (req.side == Side.BUY) == is_stop_loss
    prefix = "Above" if above else "Below"
    lo = int(f.get(f"minTrailing{prefix}Delta", 0))
    hi = int(f.get(f"maxTrailing{prefix}Delta", 0))
    return lo <= req.trailing_delta <= (hi or req.trailing_delta)


def check_filters(  # noqa: C901 - one guarded clause per filter type, in Binance's evaluation order
    filters: list[dict[str, Any]],
    req: OrderCheck,
    *,
    avg_price: Decimal | None,
    counts: OpenCounts,
) -> str | None:
    """Return the filterType of the first filter `req` fails, or None when it passes them all."""
    for f in filters:
        kind = f["filterType"]
        if kind == "PRICE_FILTER":
            if req.price is not None and req.type in LIMIT_PRICED and not price_filter(f, req.price):
                return kind
            if req.stop_price and not price_filter(f, req.stop_price):
                return kind
        elif kind in ("PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE"):
            priced = req.type in LIMIT_PRICED and req.price is not None and avg_price
            if priced and not percent_price(f, req.side, req.price, avg_price):  # type: ignore[arg-type]
                return kind
        elif kind == "LOT_SIZE":
            if req.qty is not None and not lot_size(f, req.qty):
                return kind
            if req.iceberg_qty and not lot_size(f, req.iceberg_qty):
                return kind
        elif kind == "MARKET_LOT_SIZE":
            if req.type in MARKET_LIKE and req.qty is not None and not lot_size(f, req.qty):
                return kind
        elif kind in ("MIN_NOTIONAL", "NOTIONAL"):
            if not notional_ok(f, req, avg_price):
                return kind
        elif kind == "ICEBERG_PARTS":
            if req.iceberg_qty and req.qty is not None:
                parts = (req.qty / req.iceberg_qty).to_integral_value(ROUND_CEILING)
                if parts > int(f["limit"]):
                    return kind
        elif kind == "MAX_NUM_ORDERS":
            if counts.orders + 1 > int(f.get("maxNumOrders", f.get("limit", 200))):
                return kind
        elif kind == "MAX_NUM_ALGO_ORDERS":
            if req.type in ALGO_TYPES and counts.algo + 1 > int(f.get("maxNumAlgoOrders", f.get("limit", 5))):
                return kind
        elif kind == "MAX_NUM_ICEBERG_ORDERS":
            if req.iceberg_qty and counts.iceberg + 1 > int(f["maxNumIcebergOrders"]):
                return kind
        elif kind == "TRAILING_DELTA" and req.trailing_delta is not None and not trailing_ok(f, req):
            return kind
    return None
