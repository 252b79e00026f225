"""Risk limits as the checks see them, and the rules a set of limits must satisfy. Pure: no ORM, no I/O.

`EffectiveLimits` is what applies to one symbol: the active global limits with that symbol's override (if
any) laid over them. `risk_limit_errors` and `override_errors` say, per field, why a proposed set of limits
cannot become active; the API, the admin forms and the service all ask them, so the active limits are never
invalid whichever door a change comes through.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from apps.config.domain.values import INTERVALS, LEVERAGE_CEILING

if TYPE_CHECKING:
    from collections.abc import Mapping

ZERO: Final = Decimal(0)
HUNDRED: Final = Decimal(100)
ONE: Final = Decimal(1)
# Binance answers at most 1000 klines per request; the job asks for window + 1 closes.
MAX_CORRELATION_WINDOW: Final = 999
MIN_CORRELATION_WINDOW: Final = 10

# Global limits that are amounts in the quote currency (USDT): must be > 0.
AMOUNT_FIELDS: Final = (
    "max_order_notional",
    "max_position_notional",
    "max_gross_exposure",
    "daily_loss_limit",
    "max_correlated_exposure",
)
# Global limits that are counts: must be >= 1.
COUNT_FIELDS: Final = ("max_open_orders_per_symbol", "max_open_orders_total", "max_orders_per_minute")
# Percentages in (0, 100].
PERCENT_FIELDS: Final = ("price_band_pct", "max_drawdown_pct")
# Per-symbol override field → the global limit it replaces.
OVERRIDE_FIELDS: Final = {
    "max_order_notional": "max_order_notional",
    "max_position_notional": "max_position_notional",
    "max_leverage": "max_leverage",
    "max_open_orders": "max_open_orders_per_symbol",
    "price_band_pct": "price_band_pct",
}


@dataclass(frozen=True, slots=True)
class EffectiveLimits:
    """The limits one order is checked against. `overridden` names the fields a per-symbol override set."""

    max_order_notional: Decimal
    max_position_notional: Decimal
    max_gross_exposure: Decimal
    max_leverage: int
    max_open_orders_per_symbol: int
    max_open_orders_total: int
    price_band_pct: Decimal
    max_orders_per_minute: int
    daily_loss_limit: Decimal
    max_drawdown_pct: Decimal
    correlation_threshold: Decimal
    max_correlated_exposure: Decimal
    overridden: frozenset[str] = frozenset()


LIMIT_NAMES: Final = tuple(f.name for f in fields(EffectiveLimits) if f.name != "overridden")


def effective_limits(global_values: Mapping[str, Any], override: Mapping[str, Any] | None) -> EffectiveLimits:
    """The global limits with the override's non-empty fields laid over them."""
    values = {name: global_values[name] for name in LIMIT_NAMES}
    overridden: set[str] = set()
    for field, target in OVERRIDE_FIELDS.items():
        value = (override or {}).get(field)
        if value is not None:
            values[target] = value
            overridden.add(target)
    return EffectiveLimits(**values, overridden=frozenset(overridden))


# ---------------------------------------------------------------- validation


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _range_errors(values: Mapping[str, Any], errors: dict[str, list[str]], present: set[str]) -> None:
    for name in AMOUNT_FIELDS:
        if name in present and values[name] <= ZERO:
            _add(errors, name, "Must be greater than 0. To stop new risk, use the trading state instead.")
    for name in COUNT_FIELDS:
        if name in present and values[name] < 1:
            _add(errors, name, "Must be at least 1.")
    for name in PERCENT_FIELDS:
        if name in present and not ZERO < values[name] <= HUNDRED:
            _add(errors, name, "Must be more than 0 % and at most 100 %.")
    if "max_leverage" in present and not 1 <= values["max_leverage"] <= LEVERAGE_CEILING:
        _add(errors, "max_leverage", f"Must be between 1 and {LEVERAGE_CEILING} (Binance's highest).")


def risk_limit_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field → messages for a complete set of global limits (values already typed: Decimal, int, str)."""
    errors: dict[str, list[str]] = {}
    _range_errors(values, errors, set(values))
    threshold = values["correlation_threshold"]
    if not ZERO < threshold <= ONE:
        _add(errors, "correlation_threshold", "A correlation threshold is more than 0 and at most 1.")
    window = values["correlation_window"]
    if not MIN_CORRELATION_WINDOW <= window <= MAX_CORRELATION_WINDOW:
        _add(
            errors,
            "correlation_window",
            f"Use {MIN_CORRELATION_WINDOW} to {MAX_CORRELATION_WINDOW} candles of returns.",
        )
    if values["correlation_interval"] not in INTERVALS:
        _add(errors, "correlation_interval", f"Use one of Binance's intervals: {', '.join(INTERVALS)}.")
    if errors:
        return errors
    if values["max_order_notional"] > values["max_position_notional"]:
        _add(
            errors,
            "max_order_notional",
            f"An order of {values['max_order_notional']} could never be held: the position limit is "
            f"{values['max_position_notional']}. Lower it or raise max_position_notional.",
        )
    if values["max_position_notional"] > values["max_gross_exposure"]:
        _add(
            errors,
            "max_position_notional",
            f"One position of {values['max_position_notional']} would exceed the total exposure limit "
            f"{values['max_gross_exposure']}.",
        )
    if values["max_open_orders_per_symbol"] > values["max_open_orders_total"]:
        _add(
            errors,
            "max_open_orders_per_symbol",
            f"More open orders per symbol than in total ({values['max_open_orders_total']}).",
        )
    return errors


def override_errors(override: Mapping[str, Any], global_values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field → messages for one per-symbol override, judged with the global limits it sits on."""
    errors: dict[str, list[str]] = {}
    present = {name for name in OVERRIDE_FIELDS if override.get(name) is not None}
    if not present:
        _add(errors, "non_field_errors", "An override must set at least one limit.")
        return errors
    # Same names as the global limits except max_open_orders, checked on its own.
    _range_errors(override, errors, present - {"max_open_orders"})
    if "max_open_orders" in present and override["max_open_orders"] < 1:
        _add(errors, "max_open_orders", "Must be at least 1.")
    if errors:
        return errors
    merged = effective_limits(global_values, override)
    if merged.max_order_notional > merged.max_position_notional:
        _add(
            errors,
            "max_order_notional",
            f"Larger than this symbol's position limit ({merged.max_position_notional}).",
        )
    if merged.max_position_notional > merged.max_gross_exposure:
        _add(
            errors,
            "max_position_notional",
            f"Larger than the total exposure limit ({merged.max_gross_exposure}).",
        )
    if merged.max_open_orders_per_symbol > merged.max_open_orders_total:
        _add(
            errors,
            "max_open_orders",
            f"More than the total open-order limit ({merged.max_open_orders_total}).",
        )
    return errors
