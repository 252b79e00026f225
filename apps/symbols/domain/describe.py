"""A symbol's filters in plain form: grouped numbers for programs and one sentence per rule for people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.symbols.domain.grid import plain

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.symbols.domain.exchange_info import SymbolFilters, SymbolInfo


def _s(value: Decimal | None) -> str | None:
    # Decimals travel as strings (never floats), without the exchange's padding zeros.
    return None if value is None else plain(value)


def _range(lo: Decimal | None, hi: Decimal | None, step: Decimal | None, noun: str, unit: str) -> str:
    parts = []
    if step:
        parts.append(f"in steps of {plain(step)}")
    if lo:
        parts.append(f"from {plain(lo)}")
    if hi:
        parts.append(f"up to {plain(hi)}")
    return f"{noun} {' '.join(parts)} {unit}".rstrip() + "."


def _percent_rule(f: SymbolFilters, info: SymbolInfo) -> str | None:
    if f.has("PERCENT_PRICE_BY_SIDE"):
        return (
            f"A BUY limit must lie between {_s(f.bid_multiplier_down)}x and {_s(f.bid_multiplier_up)}x, "
            f"a SELL limit between {_s(f.ask_multiplier_down)}x and {_s(f.ask_multiplier_up)}x, "
            f"of the {f.avg_price_mins}-minute average price."
        )
    if f.has("PERCENT_PRICE"):
        if info.market == "USDM":
            return (
                f"A BUY limit may be at most {_s(f.multiplier_up)}x and a SELL limit at least "
                f"{_s(f.multiplier_down)}x the mark price."
            )
        return (
            f"A limit price must lie between {_s(f.multiplier_down)}x and {_s(f.multiplier_up)}x "
            "of the average price."
        )
    return None


def rules(info: SymbolInfo) -> list[str]:
    f = info.filters
    out: list[str] = []
    if f.has("PRICE_FILTER"):
        out.append(_range(f.min_price, f.max_price, f.tick_size, "Prices go", info.quote_asset))
    if f.has("LOT_SIZE"):
        out.append(_range(f.min_qty, f.max_qty, f.step_size, "Quantities go", info.base_asset))
    if f.has("MARKET_LOT_SIZE") and (f.market_max_qty or f.market_step_size):
        out.append(
            _range(
                f.market_min_qty,
                f.market_max_qty,
                f.market_step_size,
                "Market order quantities go",
                info.base_asset,
            )
        )
    if f.min_notional:
        text = f"An order must be worth at least {plain(f.min_notional)} {info.quote_asset}"
        if f.max_notional:
            text += f" and at most {plain(f.max_notional)}"
        out.append(text + ".")
    percent = _percent_rule(f, info)
    if percent:
        out.append(percent)
    if f.iceberg_parts:
        out.append(f"An iceberg order may be split into at most {f.iceberg_parts} visible parts.")
    if f.max_num_orders:
        out.append(f"At most {f.max_num_orders} open orders per account.")
    if f.max_num_algo_orders:
        out.append(f"At most {f.max_num_algo_orders} open stop or take-profit orders per account.")
    if f.has("TRAILING_DELTA"):
        out.append(
            f"Trailing stops: {f.min_trailing_above_delta}-{f.max_trailing_above_delta} basis points above "
            f"the market, {f.min_trailing_below_delta}-{f.max_trailing_below_delta} below."
        )
    return out


def plain_filters(info: SymbolInfo) -> dict[str, Any]:
    """The filters grouped by what they limit; absent groups are None."""
    f = info.filters
    return {
        "price": {"min": _s(f.min_price), "max": _s(f.max_price), "tick": _s(f.tick_size)}
        if f.has("PRICE_FILTER")
        else None,
        "quantity": {"min": _s(f.min_qty), "max": _s(f.max_qty), "step": _s(f.step_size)}
        if f.has("LOT_SIZE")
        else None,
        "market_quantity": {
            "min": _s(f.market_min_qty),
            "max": _s(f.market_max_qty),
            "step": _s(f.market_step_size),
        }
        if f.has("MARKET_LOT_SIZE")
        else None,
        "notional": {
            "min": _s(f.min_notional),
            "max": _s(f.max_notional),
            "min_applies_to_market": f.apply_min_to_market,
            "max_applies_to_market": f.apply_max_to_market,
        }
        if f.min_notional is not None
        else None,
        "percent_price": {
            "bid_down": _s(f.bid_multiplier_down or f.multiplier_down),
            "bid_up": _s(f.bid_multiplier_up or f.multiplier_up),
            "ask_down": _s(f.ask_multiplier_down or f.multiplier_down),
            "ask_up": _s(f.ask_multiplier_up or f.multiplier_up),
            "reference": "mark price" if info.market == "USDM" else "average price",
            "average_minutes": f.avg_price_mins,
        }
        if f.has("PERCENT_PRICE") or f.has("PERCENT_PRICE_BY_SIDE")
        else None,
        "iceberg_parts": f.iceberg_parts,
        "max_open_orders": f.max_num_orders,
        "max_open_algo_orders": f.max_num_algo_orders,
        "max_open_iceberg_orders": f.max_num_iceberg_orders,
        "trailing_delta": {
            "min_above": f.min_trailing_above_delta,
            "max_above": f.max_trailing_above_delta,
            "min_below": f.min_trailing_below_delta,
            "max_below": f.max_trailing_below_delta,
        }
        if f.has("TRAILING_DELTA")
        else None,
        "rules": rules(info),
    }
