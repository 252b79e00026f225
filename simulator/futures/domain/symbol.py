"""A futures symbol's trading rules, decoupled from core's SymbolSpec, plus pure filter checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulator.futures.domain import brackets as br
from simulator.futures.domain.errors import FuturesError


@dataclass(frozen=True)
class FuturesSymbol:
    symbol: str
    base_asset: str = "BTC"
    quote_asset: str = "USDT"
    margin_asset: str = "USDT"
    status: str = "TRADING"
    price_precision: int = 2
    quantity_precision: int = 3
    tick_size: Decimal = Decimal("0.10")
    min_price: Decimal = Decimal("0.10")
    max_price: Decimal = Decimal("4529764")
    step_size: Decimal = Decimal("0.001")
    min_qty: Decimal = Decimal("0.001")
    max_qty: Decimal = Decimal("1000")
    market_min_qty: Decimal = Decimal("0.001")
    market_max_qty: Decimal = Decimal("120")
    market_step_size: Decimal = Decimal("0.001")
    min_notional: Decimal = Decimal("5")
    multiplier_up: Decimal = Decimal("1.05")
    multiplier_down: Decimal = Decimal("0.95")
    max_num_orders: int = 200
    max_num_algo_orders: int = 10
    liquidation_fee: Decimal = Decimal("0.0125")
    market_take_bound: Decimal = Decimal("0.05")
    brackets: tuple[br.Bracket, ...] = field(default_factory=tuple)
    raw: dict[str, Any] = field(default_factory=dict)

    def bracket_table(self) -> tuple[br.Bracket, ...]:
        return self.brackets or br.default_for(self.symbol)

    @property
    def avg_places(self) -> int:
        # Binance prints avgPrice/cumQuote/b/a with three more decimals than the price ("91739.90000").
        return self.price_precision + 3


def check_price(spec: FuturesSymbol, price: Decimal) -> None:
    if price <= 0:
        raise FuturesError(-4001, "Price less than 0.")
    if spec.min_price and price < spec.min_price:
        raise FuturesError(-4013, "Price less than min price.")
    if spec.max_price and price > spec.max_price:
        raise FuturesError(-4002, "Price greater than max price.")
    if spec.tick_size and (price - spec.min_price) % spec.tick_size != 0:
        raise FuturesError(-4014, "Price not increased by tick size.")


def check_quantity(spec: FuturesSymbol, qty: Decimal, *, market: bool) -> None:
    lo, hi, step = (
        (spec.market_min_qty, spec.market_max_qty, spec.market_step_size)
        if market
        else (spec.min_qty, spec.max_qty, spec.step_size)
    )
    if qty <= 0:
        raise FuturesError(-4003, "Quantity less than or equal to zero.")
    if qty < lo:
        raise FuturesError(-4004, "Quantity less than min quantity.")
    if qty > hi:
        raise FuturesError(-4005, "Quantity greater than max quantity.")
    if step and (qty - lo) % step != 0:
        raise FuturesError(-4023, "Qty not increased by step size.")
    if -qty.as_tuple().exponent > spec.quantity_precision:  # type: ignore[operator]
        raise FuturesError(-1111, "Precision is over the maximum defined for this asset.")


def check_percent_price(spec: FuturesSymbol, side: str, price: Decimal, mark: Decimal) -> None:
    if mark <= 0:
        return
    if side == "BUY" and price > mark * spec.multiplier_up:
        raise FuturesError(-4016, f"Limit price can't be higher than {mark * spec.multiplier_up:f}.")
    if side == "SELL" and price < mark * spec.multiplier_down:
        raise FuturesError(-4024, f"Limit price can't be lower than {mark * spec.multiplier_down:f}.")


def check_notional(spec: FuturesSymbol, price: Decimal, qty: Decimal) -> None:
    if price * qty < spec.min_notional:
        raise FuturesError(
            -4164,
            f"Order's notional must be no smaller than {spec.min_notional:f} "
            "(unless you choose reduce only).",
        )


def _filters(raw: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["filterType"]: f for f in raw}


def from_exchange_info(row: dict[str, Any]) -> FuturesSymbol:
    """Builds a spec from an exchangeInfo symbol object (recorded payload shape)."""
    f = _filters(row.get("filters", []))
    pf, lot = f.get("PRICE_FILTER", {}), f.get("LOT_SIZE", {})
    mlot = f.get("MARKET_LOT_SIZE", lot)
    pct = f.get("PERCENT_PRICE", {})

    def dec(src: dict[str, Any], key: str, default: str) -> Decimal:
        return Decimal(str(src.get(key, default)))

    return FuturesSymbol(
        symbol=row["symbol"],
        base_asset=row.get("baseAsset", ""),
        quote_asset=row.get("quoteAsset", "USDT"),
        margin_asset=row.get("marginAsset", row.get("quoteAsset", "USDT")),
        status=row.get("status", "TRADING"),
        price_precision=int(row.get("pricePrecision", 2)),
        quantity_precision=int(row.get("quantityPrecision", 3)),
        tick_size=dec(pf, "tickSize", "0.01"),
        min_price=dec(pf, "minPrice", "0"),
        max_price=dec(pf, "maxPrice", "0"),
        step_size=dec(lot, "stepSize", "0.001"),
        min_qty=dec(lot, "minQty", "0.001"),
        max_qty=dec(lot, "maxQty", "1000000"),
        market_min_qty=dec(mlot, "minQty", "0.001"),
        market_max_qty=dec(mlot, "maxQty", "1000000"),
        market_step_size=dec(mlot, "stepSize", "0.001"),
        min_notional=dec(f.get("MIN_NOTIONAL", {}), "notional", "5"),
        multiplier_up=dec(pct, "multiplierUp", "1.05"),
        multiplier_down=dec(pct, "multiplierDown", "0.95"),
        max_num_orders=int(f.get("MAX_NUM_ORDERS", {}).get("limit", 200)),
        max_num_algo_orders=int(f.get("MAX_NUM_ALGO_ORDERS", {}).get("limit", 10)),
        liquidation_fee=Decimal(str(row.get("liquidationFee", "0.0125"))),
        market_take_bound=Decimal(str(row.get("marketTakeBound", "0.05"))),
        raw=row,
    )
