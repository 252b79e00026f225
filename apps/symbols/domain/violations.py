"""What an order check takes (the order as asked, open-order counts) and what it returns (violations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from decimal import Decimal

Side = Literal["BUY", "SELL"]

SPOT_FILTER_FAILURE: Final = -1013


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """An order as the user asks for it, before any rounding. Types use Binance's spelling."""

    side: Side
    type: str
    quantity: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    iceberg_qty: Decimal | None = None
    # Spot MARKET orders may give the quote amount to spend or receive instead of a quantity.
    quote_order_qty: Decimal | None = None
    # Spot trailing stops, in basis points.
    trailing_delta: int | None = None
    # Futures: reduce-only orders are exempt from the minimum notional.
    reduce_only: bool = False


@dataclass(frozen=True, slots=True)
class OpenOrders:
    """The account's open orders on this symbol, for the MAX_NUM_* filters."""

    total: int = 0
    algo: int = 0
    iceberg: int = 0


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken exchange rule.

    `filter` is the exchangeInfo filter the rule belongs to; `code` and `binance_message` are what the
    exchange answers (spot: -1013 "Filter failure: LOT_SIZE"; futures: a code per rule, such as -4014
    "Price not increased by tick size."); `explanation` says it plainly, with the limit and a value that
    would pass; `field` names the order field at fault (price, quantity, stop_price, ...).
    """

    filter: str
    code: int
    binance_message: str
    explanation: str
    field: str


def spot_violation(filter_type: str, explanation: str, field: str) -> Violation:
    return Violation(filter_type, SPOT_FILTER_FAILURE, f"Filter failure: {filter_type}", explanation, field)
