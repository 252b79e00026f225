"""Balance and margin pre-checks for order placement, as pure functions returning shortfalls.

An empty list means the account can pay for the order as far as we can tell; the exchange still has
the last word. Where the exchange locks an exact amount the check is exact, so an order that spends
the whole balance passes; only estimates (a market order sized in base at the last price) get a
buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

ZERO = Decimal(0)
ONE = Decimal(1)
_DISPLAY_QUANTUM = Decimal("0.00000001")

Side = Literal["BUY", "SELL"]
ShortfallCode = Literal["INSUFFICIENT_BALANCE", "INSUFFICIENT_MARGIN"]


@dataclass(frozen=True, slots=True)
class Shortfall:
    """What the account lacks for an order: `field` is the request field to blame."""

    field: str
    code: ShortfallCode
    required: Decimal
    available: Decimal
    asset: str
    message: str


def plain(value: Decimal, *, rounding: str = ROUND_CEILING) -> str:
    """`value` for people: at most 8 decimals, no exponent, no trailing zeros ("1000", "0.0001")."""
    rounded = value.quantize(_DISPLAY_QUANTUM, rounding=rounding).normalize()
    return f"{rounded:f}" if rounded != 0 else "0"


def _balance_shortfall(field: str, required: Decimal, available: Decimal, asset: str, what: str) -> Shortfall:
    # Required rounds up and available down so the message never reads "needs 5, has 5".
    return Shortfall(
        field=field,
        code="INSUFFICIENT_BALANCE",
        required=required,
        available=available,
        asset=asset,
        message=(
            f"{what} needs {plain(required)} {asset} but only "
            f"{plain(available, rounding=ROUND_FLOOR)} {asset} is free."
        ),
    )


def spot_balance_check(
    *,
    side: Side,
    order_type: str,
    quantity: Decimal | None,
    quote_quantity: Decimal | None,
    price: Decimal | None,
    free_base: Decimal,
    free_quote: Decimal,
    taker_fee_rate: Decimal,
    maker_fee_rate: Decimal,
    last_price: Decimal | None,
    base_asset: str,
    quote_asset: str,
) -> list[Shortfall]:
    """Whether the free balance covers what the exchange will lock for this spot order.

    Binance charges spot fees in the asset received (or in BNB), never on top of what is spent, and
    locks exactly quantity * price for a priced BUY, quoteOrderQty for a quote-sized MARKET BUY and the
    quantity for any SELL; those checks are exact. A MARKET BUY sized in base costs whatever the book
    asks: it is estimated at `last_price` plus one taker fee of headroom for the walk.
    `maker_fee_rate` is accepted for symmetry with callers that hold both rates and is not needed here.
    `price` is the limit price, or the stop price of a stop order without one.
    """
    if side == "SELL":
        if quantity is None:
            # Quote-sized MARKET SELL: the base amount sold is decided by the book.
            if quote_quantity is None or not last_price:
                return []
            need, field = quote_quantity / last_price, "quote_quantity"
        else:
            need, field = quantity, "quantity"
        if need > free_base:
            return [_balance_shortfall(field, need, free_base, base_asset, "Selling")]
        return []
    is_market = order_type == "MARKET"
    if is_market and quote_quantity is not None:
        need, field = quote_quantity, "quote_quantity"
    elif quantity is None:
        return []
    elif is_market or price is None:
        if not last_price:
            return []  # nothing to estimate with; the exchange decides
        need, field = quantity * last_price * (ONE + taker_fee_rate), "quantity"
    else:
        need, field = quantity * price, "quantity"
    if need > free_quote:
        return [_balance_shortfall(field, need, free_quote, quote_asset, "Buying")]
    return []


def futures_margin_check(
    *,
    quantity: Decimal,
    price_or_mark: Decimal,
    leverage: int,
    available_balance: Decimal,
    open_order_initial_margin: Decimal,
    reduce_only: bool,
    margin_asset: str = "USDT",
) -> list[Shortfall]:
    """Whether the available balance covers the order's initial margin (notional / leverage).

    `available_balance` is what the account can still commit; `open_order_initial_margin` is margin
    held by orders the balance does not yet account for (placed since it was read): pass 0 with a
    fresh availableBalance, which already excludes open orders. Reduce-only orders need no margin.
    """
    if leverage <= 0:
        raise ValueError(f"leverage must be positive, not {leverage}")
    if reduce_only:
        return []
    notional = quantity * price_or_mark
    required = notional / leverage
    available = available_balance - open_order_initial_margin
    if required <= available:
        return []
    return [
        Shortfall(
            field="quantity",
            code="INSUFFICIENT_MARGIN",
            required=required,
            available=available,
            asset=margin_asset,
            message=(
                f"This order needs {plain(required)} {margin_asset} of initial margin "
                f"(notional {plain(notional)} at {leverage}x leverage) but only "
                f"{plain(available, rounding=ROUND_FLOOR)} {margin_asset} is available."
            ),
        )
    ]
