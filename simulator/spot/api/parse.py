"""Reading new-order parameters the way Binance validates them (mandatory, forbidden, enums, precision)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.errors import BinanceError, illegal_chars, mandatory
from simulator.spot.domain.enums import (
    LIMIT_PRICED,
    OrderType,
    RespType,
    Side,
    StpMode,
    TimeInForce,
)
from simulator.spot.domain.requests import NewOrder

if TYPE_CHECKING:
    from decimal import Decimal

    from simulator.params import Params

CLIENT_ID_RE = re.compile(r"^[a-zA-Z0-9-_]{1,36}$")
CLIENT_ID_LEGAL = "^[a-zA-Z0-9-_]{1,36}$"
MAX_DECIMALS = 8
STOPS = frozenset(
    {OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT}
)
WITH_TIF = frozenset({OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT})


def not_required(name: str) -> BinanceError:
    return BinanceError(-1106, f"Parameter '{name}' sent when not required.")


def decimal_param(p: Params, name: str, *, required: bool = False) -> Decimal | None:
    value = p.decimal(name, required)
    if value is not None and value.normalize().as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        raise BinanceError(-1111, f"Parameter '{name}' has too much precision.")
    return value


def client_id(p: Params, name: str) -> str | None:
    value = p.str(name, required=False)
    if value is not None and not CLIENT_ID_RE.match(value):
        raise illegal_chars(name, CLIENT_ID_LEGAL)
    return value


def side(p: Params, name: str = "side") -> Side:
    return Side(p.enum(name, [s.value for s in Side], error=BinanceError(-1117, "Invalid side.")))


def order_type(p: Params, name: str = "type", allowed: frozenset[OrderType] | None = None) -> OrderType:
    names = [t.value for t in (allowed or OrderType)]
    return OrderType(p.enum(name, names, error=BinanceError(-1116, "Invalid orderType.")))


def resp_type(p: Params) -> RespType | None:
    value = p.enum("newOrderRespType", [r.value for r in RespType], required=False)
    return RespType(value) if value else None


def stp_mode(p: Params, name: str = "selfTradePreventionMode") -> StpMode | None:
    value = p.enum(name, [m.value for m in StpMode], required=False)
    return StpMode(value) if value else None


def order_leg(
    p: Params,
    symbol: str,
    prefix: str = "",
    *,
    fixed_side: Side | None = None,
    fixed_qty: Decimal | None = None,
    o_type: OrderType | None = None,
) -> NewOrder:
    """One order's parameters; `prefix` reads OCO/OTO legs (`aboveType`, `workingPrice`, ...)."""

    def key(name: str) -> str:
        return prefix + name[0].upper() + name[1:] if prefix else name

    kind = o_type or order_type(p, key("type"))
    leg_side = fixed_side or side(p, key("side"))
    qty = fixed_qty if fixed_qty is not None else decimal_param(p, key("quantity"))
    req = NewOrder(symbol=symbol, side=leg_side, type=kind, quantity=qty)
    req.price = decimal_param(p, key("price"))
    tif = p.enum(
        key("timeInForce"),
        [t.value for t in TimeInForce],
        required=False,
        error=BinanceError(-1115, "Invalid timeInForce."),
    )
    req.time_in_force = TimeInForce(tif) if tif else None
    req.stop_price = decimal_param(p, key("stopPrice"))
    req.trailing_delta = p.int(key("trailingDelta"), False, minimum=1)
    req.iceberg_qty = decimal_param(p, key("icebergQty"))
    req.client_order_id = client_id(p, key("clientOrderId") if prefix else "newClientOrderId")
    req.strategy_id = p.int(key("strategyId"), False)
    req.strategy_type = p.int(key("strategyType"), False)
    if req.strategy_type is not None and req.strategy_type < 1_000_000:
        raise BinanceError(
            -1100, f"Illegal characters found in parameter '{key('strategyType')}'; legal range is '1000000'."
        )
    if not prefix:
        req.quote_order_qty = decimal_param(p, "quoteOrderQty")
    check_combination(req, key)
    return req


def check_combination(req: NewOrder, key: object) -> None:  # noqa: C901 - one rule per line, as in the docs
    """Mandatory and forbidden parameters per order type (SPOT-DOCS rest-api.md, "New order")."""
    k = key if callable(key) else (lambda n: n)
    kind = req.type
    if kind == OrderType.MARKET:
        if req.quantity is None and req.quote_order_qty is None:
            raise BinanceError(
                -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"
            )
        if req.quantity is not None and req.quote_order_qty is not None:
            raise BinanceError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
    elif req.quantity is None:
        raise mandatory(k("quantity"))
    elif req.quote_order_qty is not None:
        raise not_required("quoteOrderQty")
    if kind in LIMIT_PRICED and req.price is None:
        raise mandatory(k("price"))
    if kind not in LIMIT_PRICED and req.price is not None:
        raise not_required(k("price"))
    if kind in WITH_TIF and req.time_in_force is None:
        raise mandatory(k("timeInForce"))
    if kind not in WITH_TIF and req.time_in_force is not None:
        raise BinanceError(-1114, "TimeInForce parameter sent when not required.")
    if kind in STOPS and req.stop_price is None and req.trailing_delta is None:
        raise BinanceError(
            -1102,
            f"Param '{k('stopPrice')}' or '{k('trailingDelta')}' must be sent, but both were empty/null!",
        )
    if kind not in STOPS:
        if req.stop_price is not None:
            raise not_required(k("stopPrice"))
        if req.trailing_delta is not None:
            raise not_required(k("trailingDelta"))
    if req.iceberg_qty is not None:
        if kind not in LIMIT_PRICED:
            raise not_required(k("icebergQty"))
        if req.time_in_force not in (None, TimeInForce.GTC):
            raise BinanceError(-1014, "Unsupported order combination.")
        if req.quantity is not None and req.iceberg_qty >= req.quantity:
            raise BinanceError(-1013, "Filter failure: ICEBERG_PARTS")
    if req.price is not None and req.price <= 0:
        raise BinanceError(-1013, "Invalid price.")
    if req.quantity is not None and req.quantity <= 0:
        raise BinanceError(-1013, "Invalid quantity.")
    if req.stop_price is not None and req.stop_price <= 0:
        raise BinanceError(-1013, "Stop price must be greater than 0.")
