"""Tradable symbols with Binance's filters, loaded from data/symbols.json (copied from recorded payloads)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from simulator.config import DATA_DIR
from simulator.errors import BinanceError, invalid_symbol

if TYPE_CHECKING:
    from pathlib import Path

Market = Literal["spot", "futures"]
MARKETS: tuple[Market, ...] = ("spot", "futures")
SPOT_STATUSES = ("TRADING", "END_OF_DAY", "HALT", "BREAK", "CANCEL_ONLY")
FUTURES_STATUSES = (
    "PENDING_TRADING",
    "TRADING",
    "PRE_DELIVERING",
    "DELIVERING",
    "DELIVERED",
    "PRE_SETTLE",
    "SETTLING",
    "CLOSE",
)
ZERO = Decimal(0)

# Leverage brackets (notionalFloor, notionalCap, initialLeverage, maintMarginRatio); `cum` is derived with
# Binance's formula. Shapes follow the live BTCUSDT and a typical alt tier table.
_MAJOR_BRACKETS = [
    (0, 50_000, 125, "0.004"),
    (50_000, 600_000, 100, "0.005"),
    (600_000, 3_000_000, 75, "0.0065"),
    (3_000_000, 12_000_000, 50, "0.01"),
    (12_000_000, 70_000_000, 25, "0.02"),
    (70_000_000, 100_000_000, 20, "0.025"),
    (100_000_000, 230_000_000, 10, "0.05"),
    (230_000_000, 480_000_000, 5, "0.1"),
    (480_000_000, 600_000_000, 4, "0.125"),
    (600_000_000, 800_000_000, 3, "0.15"),
    (800_000_000, 1_200_000_000, 2, "0.25"),
    (1_200_000_000, 1_800_000_000, 1, "0.5"),
]
_ALT_BRACKETS = [
    (0, 5_000, 75, "0.005"),
    (5_000, 25_000, 50, "0.01"),
    (25_000, 200_000, 25, "0.02"),
    (200_000, 1_000_000, 20, "0.025"),
    (1_000_000, 2_000_000, 10, "0.05"),
    (2_000_000, 5_000_000, 5, "0.1"),
    (5_000_000, 6_000_000, 4, "0.125"),
    (6_000_000, 10_000_000, 2, "0.25"),
    (10_000_000, 20_000_000, 1, "0.5"),
]


def build_brackets(rows: list[tuple[int, int, int, str]]) -> list[dict[str, Any]]:
    """leverageBracket rows (Decimal ratio/cum) with cum_n = floor_n * (mmr_n - mmr_{n-1}) + cum_{n-1}."""
    out: list[dict[str, Any]] = []
    cum = ZERO
    prev_mmr = ZERO
    for index, (floor, cap, leverage, mmr) in enumerate(rows, start=1):
        ratio = Decimal(mmr)
        cum = Decimal(floor) * (ratio - prev_mmr) + cum
        prev_mmr = ratio
        out.append(
            {
                "bracket": index,
                "initialLeverage": leverage,
                "notionalCap": cap,
                "notionalFloor": floor,
                "maintMarginRatio": ratio,
                "cum": cum,
            }
        )
    return out


@dataclass
class PercentPrice:
    bid_up: Decimal
    bid_down: Decimal
    ask_up: Decimal
    ask_down: Decimal
    avg_mins: int

    @property
    def up(self) -> Decimal:
        return self.bid_up

    @property
    def down(self) -> Decimal:
        return self.ask_down


@dataclass
class SymbolSpec:
    symbol: str
    market: Market
    raw: dict[str, Any]
    base_asset: str = ""
    quote_asset: str = ""
    status: str = "TRADING"
    price_precision: int = 8
    quantity_precision: int = 8
    base_precision: int = 8
    quote_precision: int = 8
    tick_size: Decimal = ZERO
    min_price: Decimal = ZERO
    max_price: Decimal = ZERO
    step_size: Decimal = ZERO
    min_qty: Decimal = ZERO
    max_qty: Decimal = ZERO
    market_min_qty: Decimal = ZERO
    market_max_qty: Decimal = ZERO
    market_step_size: Decimal = ZERO
    min_notional: Decimal = ZERO
    max_notional: Decimal | None = None
    apply_min_to_market: bool = True
    percent_price: PercentPrice | None = None
    max_num_orders: int = 200
    max_num_algo_orders: int = 5
    delisted: bool = False
    # Futures contract fields (empty for spot).
    margin_asset: str = ""
    contract_type: str = ""
    liquidation_fee: Decimal = ZERO
    market_take_bound: Decimal = ZERO
    trigger_protect: Decimal = ZERO
    maint_margin_percent: Decimal = ZERO
    brackets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def filters(self) -> list[dict[str, Any]]:
        return self.raw["filters"]

    def filter(self, kind: str) -> dict[str, Any] | None:
        return next((f for f in self.filters if f["filterType"] == kind), None)

    def exchange_info(self) -> dict[str, Any]:
        """The symbol object exactly as exchangeInfo shows it now (status included)."""
        out = copy.deepcopy(self.raw)
        out["status"] = self.status
        return out

    def fmt_price(self, value: Decimal) -> str:
        """Wire format of prices: 8 decimals on spot, pricePrecision on futures."""
        places = 8 if self.market == "spot" else self.price_precision
        return f"{value:.{places}f}"

    def fmt_qty(self, value: Decimal) -> str:
        places = 8 if self.market == "spot" else self.quantity_precision
        return f"{value:.{places}f}"

    def fmt_quote(self, value: Decimal) -> str:
        places = 8 if self.market == "spot" else max(self.price_precision, 2) + 3
        return f"{value:.{places}f}"

    def refresh(self) -> None:
        """Re-derive the typed fields from `raw` (after load or a filter change)."""
        raw = self.raw
        self.base_asset = raw["baseAsset"]
        self.quote_asset = raw["quoteAsset"]
        self.status = raw.get("status", self.status)
        self.base_precision = int(raw.get("baseAssetPrecision", 8))
        self.quote_precision = int(raw.get("quoteAssetPrecision", raw.get("quotePrecision", 8)))
        if self.market == "futures":
            self.price_precision = int(raw["pricePrecision"])
            self.quantity_precision = int(raw["quantityPrecision"])
            self.margin_asset = raw.get("marginAsset", "USDT")
            self.contract_type = raw.get("contractType", "PERPETUAL")
            self.liquidation_fee = Decimal(raw.get("liquidationFee", "0.0125"))
            self.market_take_bound = Decimal(raw.get("marketTakeBound", "0.05"))
            self.trigger_protect = Decimal(raw.get("triggerProtect", "0.05"))
            self.maint_margin_percent = Decimal(raw.get("maintMarginPercent", "2.5"))
        else:
            self.price_precision = self.base_precision
            self.quantity_precision = self.base_precision
        self._refresh_filters()

    def _refresh_filters(self) -> None:
        for f in self.filters:
            kind = f["filterType"]
            if kind == "PRICE_FILTER":
                self.tick_size = Decimal(f["tickSize"])
                self.min_price = Decimal(f["minPrice"])
                self.max_price = Decimal(f["maxPrice"])
            elif kind == "LOT_SIZE":
                self.step_size = Decimal(f["stepSize"])
                self.min_qty = Decimal(f["minQty"])
                self.max_qty = Decimal(f["maxQty"])
            elif kind == "MARKET_LOT_SIZE":
                self.market_min_qty = Decimal(f["minQty"])
                self.market_max_qty = Decimal(f["maxQty"])
                self.market_step_size = Decimal(f["stepSize"])
            elif kind == "NOTIONAL":
                self.min_notional = Decimal(f["minNotional"])
                self.max_notional = Decimal(f["maxNotional"])
                self.apply_min_to_market = bool(f.get("applyMinToMarket", True))
            elif kind == "MIN_NOTIONAL":
                self.min_notional = Decimal(f.get("minNotional", f.get("notional", "0")))
            elif kind == "PERCENT_PRICE_BY_SIDE":
                self.percent_price = PercentPrice(
                    Decimal(f["bidMultiplierUp"]),
                    Decimal(f["bidMultiplierDown"]),
                    Decimal(f["askMultiplierUp"]),
                    Decimal(f["askMultiplierDown"]),
                    int(f.get("avgPriceMins", 5)),
                )
            elif kind == "PERCENT_PRICE":
                up, down = Decimal(f["multiplierUp"]), Decimal(f["multiplierDown"])
                self.percent_price = PercentPrice(up, down, up, down, int(f.get("avgPriceMins", 0)))
            elif kind == "MAX_NUM_ORDERS":
                self.max_num_orders = int(f.get("maxNumOrders", f.get("limit", 200)))
            elif kind == "MAX_NUM_ALGO_ORDERS":
                self.max_num_algo_orders = int(f.get("maxNumAlgoOrders", f.get("limit", 5)))


class SymbolRegistry:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path or DATA_DIR / "symbols.json"
        self._specs: dict[Market, dict[str, SymbolSpec]] = {"spot": {}, "futures": {}}
        self.meta: dict[Market, dict[str, Any]] = {"spot": {}, "futures": {}}
        self.load()

    def load(self) -> None:
        doc = json.loads(self._path.read_text())
        for market in MARKETS:
            section = doc[market]
            self.meta[market] = {k: v for k, v in section.items() if k != "symbols"}
            self._specs[market] = {}
            for raw in section["symbols"]:
                self.add(market, raw)

    def add(self, market: Market, raw: dict[str, Any]) -> SymbolSpec:
        spec = SymbolSpec(symbol=raw["symbol"], market=market, raw=copy.deepcopy(raw))
        spec.refresh()
        if market == "futures":
            rows = _MAJOR_BRACKETS if spec.symbol in ("BTCUSDT", "ETHUSDT") else _ALT_BRACKETS
            spec.brackets = build_brackets(rows)
        self._specs[market][spec.symbol] = spec
        return spec

    def get(self, market: Market, symbol: str) -> SymbolSpec:
        spec = self._specs[market].get(symbol)
        if spec is None:
            raise invalid_symbol()
        return spec

    def find(self, market: Market, symbol: str) -> SymbolSpec | None:
        return self._specs[market].get(symbol)

    def all(self, market: Market) -> list[SymbolSpec]:
        return list(self._specs[market].values())

    def update(
        self,
        market: Market,
        symbol: str,
        *,
        status: str | None = None,
        filters: list[dict[str, Any]] | None = None,
    ) -> SymbolSpec:
        """Change status (or "delist") and/or replace filters by filterType, in place."""
        spec = self.get(market, symbol)
        if status is not None:
            if status.lower() == "delist":
                spec.delisted = True
                spec.status = "BREAK" if market == "spot" else "SETTLING"
            else:
                allowed = SPOT_STATUSES if market == "spot" else FUTURES_STATUSES
                if status not in allowed:
                    raise BinanceError(-1130, "Data sent for parameter 'status' is not valid.")
                spec.status = status
                spec.delisted = False
            spec.raw["status"] = spec.status
        if filters:
            before = spec.raw["filters"]
            current = {f["filterType"]: f for f in before}
            for new in filters:
                kind = new.get("filterType")
                if not isinstance(kind, str):
                    raise BinanceError(-1130, "Data sent for parameter 'filters' is not valid.")
                current[kind] = {**current.get(kind, {}), **new}
            spec.raw["filters"] = list(current.values())
            try:
                spec.refresh()
            except (KeyError, ArithmeticError, ValueError, TypeError):
                # Leave the symbol exactly as it was rather than half-updated.
                spec.raw["filters"] = before
                spec.refresh()
                raise BinanceError(-1130, "Data sent for parameter 'filters' is not valid.") from None
        return spec

    def dump_state(self) -> dict[str, Any]:
        return {
            m: {
                s.symbol: {"status": s.status, "delisted": s.delisted, "filters": s.filters}
                for s in self.all(m)
            }
            for m in MARKETS
        }

    def load_state(self, data: dict[str, Any]) -> None:
        for market in MARKETS:
            for symbol, saved in data.get(market, {}).items():
                spec = self.find(market, symbol)
                if spec is None:
                    continue
                spec.raw["filters"] = saved["filters"]
                spec.raw["status"] = saved["status"]
                spec.refresh()
                spec.delisted = bool(saved.get("delisted"))
