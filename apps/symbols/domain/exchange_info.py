"""One exchangeInfo symbol object (spot or USD-M, exactly as Binance sends it) parsed into typed values.

This is the single place where the wire format (camelCase keys, numbers as strings) becomes `Decimal`;
nothing after it reads raw filter dicts. The parse is strict about what the rules need (a PRICE_FILTER
without tickSize is an error) and tolerant of what it does not know (new filter types are kept in
`filters.order` and in the stored raw JSON, but get no typed field).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

Market = Literal["SPOT", "USDM"]
MARKETS: Final[tuple[Market, ...]] = ("SPOT", "USDM")


class ExchangeInfoError(ValueError):
    """A symbol object lacks a field the rules depend on, or holds a value that is not a number."""


@dataclass(frozen=True, slots=True)
class SymbolFilters:
    """Every filter Binance publishes for a symbol, as typed values; None = the symbol has no such filter.

    A zero in a min/max/step field keeps Binance's meaning: that bound is switched off.
    """

    # PRICE_FILTER
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    tick_size: Decimal | None = None
    # PERCENT_PRICE (spot's older form and futures): one pair of multipliers for both sides.
    multiplier_up: Decimal | None = None
    multiplier_down: Decimal | None = None
    multiplier_decimal: int | None = None
    # PERCENT_PRICE_BY_SIDE (spot): bids and asks have their own band around the average price.
    bid_multiplier_up: Decimal | None = None
    bid_multiplier_down: Decimal | None = None
    ask_multiplier_up: Decimal | None = None
    ask_multiplier_down: Decimal | None = None
    avg_price_mins: int | None = None
    # LOT_SIZE
    min_qty: Decimal | None = None
    max_qty: Decimal | None = None
    step_size: Decimal | None = None
    # MARKET_LOT_SIZE
    market_min_qty: Decimal | None = None
    market_max_qty: Decimal | None = None
    market_step_size: Decimal | None = None
    # MIN_NOTIONAL (spot `minNotional`, futures `notional`) or NOTIONAL (spot, with a maximum too)
    min_notional: Decimal | None = None
    max_notional: Decimal | None = None
    apply_min_to_market: bool | None = None
    apply_max_to_market: bool | None = None
    # ICEBERG_PARTS, MAX_NUM_ORDERS, MAX_NUM_ALGO_ORDERS, MAX_NUM_ICEBERG_ORDERS
    iceberg_parts: int | None = None
    max_num_orders: int | None = None
    max_num_algo_orders: int | None = None
    max_num_iceberg_orders: int | None = None
    # TRAILING_DELTA, in basis points
    min_trailing_above_delta: int | None = None
    max_trailing_above_delta: int | None = None
    min_trailing_below_delta: int | None = None
    max_trailing_below_delta: int | None = None
    # filterType names in the order exchangeInfo lists them: the exchange checks them in that order, so
    # the first violation we report is the one it would name.
    order: tuple[str, ...] = ()

    def has(self, filter_type: str) -> bool:
        return filter_type in self.order


# The typed filter fields, i.e. everything but `order`; the Symbol model has a column for each.
FILTER_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(SymbolFilters) if f.name != "order")


@dataclass(frozen=True, slots=True)
class SymbolInfo:
    market: Market
    symbol: str
    status: str
    base_asset: str
    quote_asset: str
    # Futures only; "" on spot.
    margin_asset: str
    contract_type: str
    base_precision: int
    quote_precision: int
    # Futures publish these (they are not the tradable increments; tickSize/stepSize are); None on spot.
    price_precision: int | None
    quantity_precision: int | None
    order_types: tuple[str, ...]
    time_in_force: tuple[str, ...]
    permissions: tuple[str, ...]
    iceberg_allowed: bool
    oco_allowed: bool
    quote_order_qty_market_allowed: bool
    allow_trailing_stop: bool
    filters: SymbolFilters


def _dec(source: Mapping[str, Any], key: str, *, where: str) -> Decimal:
    if key not in source:
        raise ExchangeInfoError(f"{where} has no {key!r}")
    try:
        # str() first: a float that slipped in must not bring its binary expansion along.
        return Decimal(str(source[key]))
    except InvalidOperation:
        raise ExchangeInfoError(f"{where}: {key}={source[key]!r} is not a number") from None


def _int(source: Mapping[str, Any], *keys: str, where: str) -> int:
    # Spot names the count `maxNumOrders`, futures `limit`: the first key present wins.
    for key in keys:
        if key in source:
            return int(source[key])
    raise ExchangeInfoError(f"{where} has none of {', '.join(keys)}")


def _price_filter(f: Mapping[str, Any]) -> dict[str, Any]:
    w = "PRICE_FILTER"
    return {
        "min_price": _dec(f, "minPrice", where=w),
        "max_price": _dec(f, "maxPrice", where=w),
        "tick_size": _dec(f, "tickSize", where=w),
    }


def _percent_price(f: Mapping[str, Any]) -> dict[str, Any]:
    w = "PERCENT_PRICE"
    out: dict[str, Any] = {
        "multiplier_up": _dec(f, "multiplierUp", where=w),
        "multiplier_down": _dec(f, "multiplierDown", where=w),
    }
    if "multiplierDecimal" in f:
        out["multiplier_decimal"] = int(f["multiplierDecimal"])
    if "avgPriceMins" in f:
        out["avg_price_mins"] = int(f["avgPriceMins"])
    return out


def _percent_price_by_side(f: Mapping[str, Any]) -> dict[str, Any]:
    w = "PERCENT_PRICE_BY_SIDE"
    return {
        "bid_multiplier_up": _dec(f, "bidMultiplierUp", where=w),
        "bid_multiplier_down": _dec(f, "bidMultiplierDown", where=w),
        "ask_multiplier_up": _dec(f, "askMultiplierUp", where=w),
        "ask_multiplier_down": _dec(f, "askMultiplierDown", where=w),
        "avg_price_mins": int(f.get("avgPriceMins", 0)),
    }


def _lot_size(f: Mapping[str, Any]) -> dict[str, Any]:
    w = "LOT_SIZE"
    return {
        "min_qty": _dec(f, "minQty", where=w),
        "max_qty": _dec(f, "maxQty", where=w),
        "step_size": _dec(f, "stepSize", where=w),
    }


def _market_lot_size(f: Mapping[str, Any]) -> dict[str, Any]:
    w = "MARKET_LOT_SIZE"
    return {
        "market_min_qty": _dec(f, "minQty", where=w),
        "market_max_qty": _dec(f, "maxQty", where=w),
        "market_step_size": _dec(f, "stepSize", where=w),
    }


def _min_notional(f: Mapping[str, Any]) -> dict[str, Any]:
    # Spot's legacy filter says `minNotional` + `applyToMarket`; futures say `notional` and always apply.
    key = "minNotional" if "minNotional" in f else "notional"
    return {
        "min_notional": _dec(f, key, where="MIN_NOTIONAL"),
        "apply_min_to_market": bool(f.get("applyToMarket", True)),
    }


def _notional(f: Mapping[str, Any]) -> dict[str, Any]:
    w = "NOTIONAL"
    return {
        "min_notional": _dec(f, "minNotional", where=w),
        "max_notional": _dec(f, "maxNotional", where=w),
        "apply_min_to_market": bool(f.get("applyMinToMarket", True)),
        "apply_max_to_market": bool(f.get("applyMaxToMarket", False)),
        "avg_price_mins": int(f.get("avgPriceMins", 0)),
    }


def _trailing_delta(f: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "min_trailing_above_delta": int(f.get("minTrailingAboveDelta", 0)),
        "max_trailing_above_delta": int(f.get("maxTrailingAboveDelta", 0)),
        "min_trailing_below_delta": int(f.get("minTrailingBelowDelta", 0)),
        "max_trailing_below_delta": int(f.get("maxTrailingBelowDelta", 0)),
    }


_PARSERS: Final[dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]]] = {
    "PRICE_FILTER": _price_filter,
    "PERCENT_PRICE": _percent_price,
    "PERCENT_PRICE_BY_SIDE": _percent_price_by_side,
    "LOT_SIZE": _lot_size,
    "MARKET_LOT_SIZE": _market_lot_size,
    "MIN_NOTIONAL": _min_notional,
    "NOTIONAL": _notional,
    "ICEBERG_PARTS": lambda f: {"iceberg_parts": _int(f, "limit", where="ICEBERG_PARTS")},
    "MAX_NUM_ORDERS": lambda f: {"max_num_orders": _int(f, "maxNumOrders", "limit", where="MAX_NUM_ORDERS")},
    "MAX_NUM_ALGO_ORDERS": lambda f: {
        "max_num_algo_orders": _int(f, "maxNumAlgoOrders", "limit", where="MAX_NUM_ALGO_ORDERS")
    },
    "MAX_NUM_ICEBERG_ORDERS": lambda f: {
        "max_num_iceberg_orders": _int(f, "maxNumIcebergOrders", "limit", where="MAX_NUM_ICEBERG_ORDERS")
    },
    "TRAILING_DELTA": _trailing_delta,
}


def parse_filters(raw_filters: list[Mapping[str, Any]]) -> SymbolFilters:
    values: dict[str, Any] = {}
    order: list[str] = []
    for raw in raw_filters:
        kind = raw.get("filterType")
        if not isinstance(kind, str):
            raise ExchangeInfoError(f"filter without filterType: {raw!r}")
        order.append(kind)
        parser = _PARSERS.get(kind)
        if parser is not None:
            values.update(parser(raw))
    return SymbolFilters(**values, order=tuple(order))


def _permissions(raw: Mapping[str, Any]) -> tuple[str, ...]:
    # Spot moved from `permissions` to `permissionSets` (a list of alternatives per requirement); futures
    # publish a flat `permissionSets`. Flattened, in first-seen order, they answer "which account
    # permissions does this symbol involve" for display and filtering.
    seen: dict[str, None] = {}
    for item in raw.get("permissions", []) or []:
        seen[str(item)] = None
    for entry in raw.get("permissionSets", []) or []:
        for item in entry if isinstance(entry, list) else [entry]:
            seen[str(item)] = None
    return tuple(seen)


def parse_symbol(market: Market, raw: Mapping[str, Any]) -> SymbolInfo:
    """Typed view of one entry of exchangeInfo's `symbols` list for `market`."""
    if market not in MARKETS:
        raise ExchangeInfoError(f"unknown market {market!r}")
    name = raw.get("symbol")
    if not isinstance(name, str) or not name:
        raise ExchangeInfoError(f"symbol object without a symbol name: {str(raw)[:200]}")
    # COIN-M and older payloads call it contractStatus.
    status = raw.get("status") or raw.get("contractStatus")
    if not isinstance(status, str):
        raise ExchangeInfoError(f"{name} has no status")
    futures = market == "USDM"
    try:
        return SymbolInfo(
            market=market,
            symbol=name,
            status=status,
            base_asset=str(raw["baseAsset"]),
            quote_asset=str(raw["quoteAsset"]),
            margin_asset=str(raw.get("marginAsset", "")) if futures else "",
            contract_type=str(raw.get("contractType", "")) if futures else "",
            base_precision=int(raw.get("baseAssetPrecision", 8)),
            quote_precision=int(raw.get("quoteAssetPrecision", raw.get("quotePrecision", 8))),
            price_precision=int(raw["pricePrecision"]) if futures else None,
            quantity_precision=int(raw["quantityPrecision"]) if futures else None,
            order_types=tuple(str(t) for t in raw.get("orderTypes", [])),
            time_in_force=tuple(str(t) for t in raw.get("timeInForce", [])),
            permissions=_permissions(raw),
            iceberg_allowed=bool(raw.get("icebergAllowed", False)),
            oco_allowed=bool(raw.get("ocoAllowed", False)),
            quote_order_qty_market_allowed=bool(raw.get("quoteOrderQtyMarketAllowed", False)),
            allow_trailing_stop=bool(raw.get("allowTrailingStop", False)),
            filters=parse_filters(list(raw.get("filters", []))),
        )
    except KeyError as missing:
        raise ExchangeInfoError(f"{name} has no {missing}") from None
    except (TypeError, ValueError) as bad:
        if isinstance(bad, ExchangeInfoError):
            raise
        raise ExchangeInfoError(f"{name}: {bad}") from None
