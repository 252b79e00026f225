"""An order as a user asks for it, and which fields each order type takes. Pure: no ORM, no I/O.

The tables below are Binance's own parameter rules (Spot `POST /api/v3/order`, USD-M `POST /fapi/v1/order`),
checked before anything reaches the exchange so a bad request gets a field-level message instead of a
-1102 "mandatory parameter" answer after a round trip.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from decimal import Decimal

# Fields that carry a value for some order types only. Everything else (side, symbol...) is always needed.
OPTIONAL_FIELDS: Final = (
    "quantity",
    "quote_quantity",
    "price",
    "stop_price",
    "trailing_delta",
    "callback_rate",
    "activation_price",
    "time_in_force",
    "post_only",
    "reduce_only",
    "close_position",
    "position_side",
    "working_type",
)


@dataclass(frozen=True, slots=True)
class TypeRule:
    """Which optional fields one order type takes (`allowed`), needs (`required`), and needs exactly one of
    (`one_of`, e.g. a size or a trigger); `time_in_force` lists the values it accepts."""

    allowed: frozenset[str]
    required: frozenset[str] = frozenset()
    one_of: tuple[tuple[str, ...], ...] = ()
    time_in_force: frozenset[str] = frozenset()


_SPOT_TIF: Final = frozenset({"GTC", "IOC", "FOK"})
_FUTURES_TIF: Final = frozenset({"GTC", "IOC", "FOK", "GTX"})
_TRIGGER: Final = ("stop_price", "trailing_delta")

SPOT_TYPES: Final[dict[str, TypeRule]] = {
    # A MARKET order is sized by base quantity or by the quote amount to spend (quoteOrderQty).
    "MARKET": TypeRule(frozenset({"quantity", "quote_quantity"}), one_of=(("quantity", "quote_quantity"),)),
    "LIMIT": TypeRule(
        frozenset({"quantity", "price", "time_in_force", "post_only"}),
        required=frozenset({"quantity", "price"}),
        time_in_force=_SPOT_TIF,
    ),
    "LIMIT_MAKER": TypeRule(frozenset({"quantity", "price"}), required=frozenset({"quantity", "price"})),
    "STOP_LOSS": TypeRule(
        frozenset({"quantity", *_TRIGGER}), required=frozenset({"quantity"}), one_of=(_TRIGGER,)
    ),
    "TAKE_PROFIT": TypeRule(
        frozenset({"quantity", *_TRIGGER}), required=frozenset({"quantity"}), one_of=(_TRIGGER,)
    ),
    "STOP_LOSS_LIMIT": TypeRule(
        frozenset({"quantity", "price", "time_in_force", *_TRIGGER}),
        required=frozenset({"quantity", "price"}),
        one_of=(_TRIGGER,),
        time_in_force=_SPOT_TIF,
    ),
    "TAKE_PROFIT_LIMIT": TypeRule(
        frozenset({"quantity", "price", "time_in_force", *_TRIGGER}),
        required=frozenset({"quantity", "price"}),
        one_of=(_TRIGGER,),
        time_in_force=_SPOT_TIF,
    ),
}

_FUTURES_COMMON: Final = frozenset({"reduce_only", "position_side"})
_futures_stop_limit: Final = TypeRule(
    _FUTURES_COMMON | {"quantity", "price", "stop_price", "time_in_force", "working_type"},
    required=frozenset({"quantity", "price", "stop_price"}),
    time_in_force=_FUTURES_TIF,
)
# A STOP_MARKET/TAKE_PROFIT_MARKET either has a quantity or closes the whole position.
_futures_stop_market: Final = TypeRule(
    _FUTURES_COMMON | {"quantity", "close_position", "stop_price", "working_type"},
    required=frozenset({"stop_price"}),
    one_of=(("quantity", "close_position"),),
)
FUTURES_TYPES: Final[dict[str, TypeRule]] = {
    "MARKET": TypeRule(_FUTURES_COMMON | {"quantity"}, required=frozenset({"quantity"})),
    "LIMIT": TypeRule(
        _FUTURES_COMMON | {"quantity", "price", "time_in_force", "post_only"},
        required=frozenset({"quantity", "price"}),
        time_in_force=_FUTURES_TIF,
    ),
    # Conditional (algo) orders: Binance takes them on /fapi/v1/algoOrder only.
    "STOP": _futures_stop_limit,
    "TAKE_PROFIT": _futures_stop_limit,
    "STOP_MARKET": _futures_stop_market,
    "TAKE_PROFIT_MARKET": _futures_stop_market,
    "TRAILING_STOP_MARKET": TypeRule(
        _FUTURES_COMMON | {"quantity", "callback_rate", "activation_price", "working_type"},
        required=frozenset({"quantity", "callback_rate"}),
    ),
}
FUTURES_ALGO_TYPES: Final = frozenset(
    {"STOP", "TAKE_PROFIT", "STOP_MARKET", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"}
)

# Types whose limit price Binance takes with a default time in force we make explicit.
_DEFAULT_TIF: Final = "GTC"


@dataclass(frozen=True, slots=True)
class PlacementIntent:
    """A validated order request, in Binance's spelling, before it is saved."""

    market: str  # "SPOT" or "USDM", as symbols are stored
    symbol: str
    side: str
    type: str
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    callback_rate: Decimal | None = None
    activation_price: Decimal | None = None
    time_in_force: str = ""
    reduce_only: bool = False
    close_position: bool = False
    position_side: str = ""
    working_type: str = ""


def type_rules(market: str) -> dict[str, TypeRule]:
    return FUTURES_TYPES if market == "USDM" else SPOT_TYPES


def field_errors(market: str, order_type: str, given: dict[str, object]) -> dict[str, list[str]]:
    """Field-level problems of `given` (the optional fields the client sent, without None/False values)."""
    rule = type_rules(market).get(order_type)
    if rule is None:
        known = ", ".join(type_rules(market))
        return {"type": [f"{order_type} is not an order type we place on {market}; use one of {known}."]}
    errors: dict[str, list[str]] = {}
    for name in sorted(set(given) - rule.allowed):
        errors[name] = [f"A {order_type} order does not take {name}."]
    for name in sorted(rule.required - set(given)):
        errors[name] = [f"A {order_type} order needs {name}."]
    for group in rule.one_of:
        present = [name for name in group if name in given]
        if len(present) != 1:
            errors.setdefault(group[0], []).append(
                f"A {order_type} order needs exactly one of {' or '.join(group)}."
            )
    tif = given.get("time_in_force")
    if tif is not None and tif not in rule.time_in_force and "time_in_force" in rule.allowed:
        errors["time_in_force"] = [f"Use one of {', '.join(sorted(rule.time_in_force))}."]
    if given.get("post_only") and tif is not None and tif != "GTC":
        errors["post_only"] = ["A post-only order rests on the book; it cannot be IOC or FOK."]
    return errors


def normalize(intent: PlacementIntent, *, post_only: bool) -> PlacementIntent:
    """Binance's spelling of the request: post-only becomes LIMIT_MAKER (spot) or GTX (futures), and
    limit types get the GTC default spelled out so what we store is what we send."""
    from dataclasses import replace

    if post_only:
        if intent.market == "USDM":
            return replace(intent, time_in_force="GTX")
        return replace(intent, type="LIMIT_MAKER", time_in_force="")
    rule = type_rules(intent.market)[intent.type]
    if rule.time_in_force and not intent.time_in_force:
        return replace(intent, time_in_force=_DEFAULT_TIF)
    return intent


def client_order_id_for(order_pk: int) -> str:
    """Our clientOrderId at Binance: our row id plus a random tail.

    The id makes an order easy to find from the exchange side; the tail keeps ids unique across
    databases (a restored backup or a second checkout restarts the sequence, and a reused id would make
    reconciliation by origClientOrderId adopt someone else's order). Binance allows [.A-Z:/a-z0-9_-]{1,36}.
    """
    return f"t{order_pk}-{secrets.token_hex(6)}"
