"""The rules a trading config and a user's preferences must satisfy. Pure: no ORM, no I/O.

Symbol lists are checked against `known`, the "MARKET:SYMBOL" keys the caller found in the symbols table
(None: do not check, e.g. for the defaults a migration writes before the first symbol sync).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from apps.config.domain.values import ACTIONS, INTERVALS, MARKETS, THEMES, split_symbol_key

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

ACTION_FIELDS: Final = (
    "daily_loss_action",
    "drawdown_action",
    "user_stream_down_action",
    "market_data_stale_action",
    "reconcile_drift_action",
)
# field → (least, most)
BOUNDS: Final = {
    "user_stream_down_seconds": (5, 86_400),
    "market_data_stale_seconds": (1, 86_400),
    "reconcile_drift_tolerance": (0, 1_000_000),
    "risk_monitor_interval_seconds": (1, 3_600),
    # Binance's countdownCancelAll takes milliseconds; under a second it would fire between two requests.
    "deadman_countdown_ms": (1_000, 86_400_000),
    "deadman_heartbeat_seconds": (1, 86_400),
}
_ASSET: Final = re.compile(r"^[A-Z0-9]{1,24}$")
MAX_WATCH: Final = 200
MAX_LAYOUT_CHARS: Final = 20_000
TICKET_KEYS: Final = frozenset(
    {
        "market",
        "symbol",
        "side",
        "type",
        "time_in_force",
        "quantity",
        "quote_quantity",
        "post_only",
        "reduce_only",
        # Orders whose notional (in the quote asset) is above this ask for confirmation in the dashboard.
        "confirm_above_notional",
    }
)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def symbol_list_errors(value: Any, known: Collection[str] | None, *, most: int = MAX_WATCH) -> list[str]:
    """Problems of a list of "MARKET:SYMBOL" keys (spelled as stored: upper case)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return ['A list of "MARKET:SYMBOL" strings, e.g. ["SPOT:BTCUSDT", "USDM:ETHUSDT"].']
    problems: list[str] = []
    if len(value) > most:
        problems.append(f"At most {most} symbols.")
    if len(set(value)) != len(value):
        problems.append("A symbol is listed twice.")
    malformed = [item for item in value if split_symbol_key(item) is None or item != item.strip().upper()]
    if malformed:
        problems.append(f"Not MARKET:SYMBOL with market SPOT or USDM: {', '.join(malformed[:5])}.")
    elif known is not None:
        unknown = [item for item in value if item not in known]
        if unknown:
            problems.append(f"Unknown symbols: {', '.join(unknown[:10])}.")
    return problems


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _deadman_errors(values: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    if values["deadman_heartbeat_seconds"] * 1000 >= values["deadman_countdown_ms"]:
        _add(
            errors,
            "deadman_heartbeat_seconds",
            f"The heartbeat must come more often than the countdown ({values['deadman_countdown_ms']} ms) "
            "runs out, or the exchange cancels every order between two heartbeats.",
        )


def _keep_errors(keep: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(keep, dict):
        _add(errors, "spot_close_keep", 'An object of asset → amount to keep, e.g. {"BNB": "0.5"}.')
        return
    for asset, amount in keep.items():
        number = _decimal(amount)
        if not _ASSET.match(str(asset)):
            _add(errors, "spot_close_keep", f"{asset!r} is not an asset name (upper case, e.g. BNB).")
        elif number is None or number < 0:
            _add(errors, "spot_close_keep", f"{asset}: the amount to keep is a decimal string >= 0.")


def trading_config_errors(values: Mapping[str, Any], known: Collection[str] | None) -> dict[str, list[str]]:
    """Field → messages for a complete trading config."""
    errors: dict[str, list[str]] = {}
    for name in ACTION_FIELDS:
        if values[name] not in ACTIONS:
            _add(errors, name, f"Use one of {', '.join(ACTIONS)}.")
    for name, (least, most) in BOUNDS.items():
        if not least <= values[name] <= most:
            _add(errors, name, f"Must be between {least} and {most}.")
    if "deadman_countdown_ms" not in errors and "deadman_heartbeat_seconds" not in errors:
        _deadman_errors(values, errors)
    _keep_errors(values["spot_close_keep"], errors)
    if not _ASSET.match(str(values["spot_close_quote_asset"])):
        _add(errors, "spot_close_quote_asset", "An asset name in upper case, e.g. USDT.")
    problems = symbol_list_errors(values["watch_symbols"], known)
    if problems:
        errors["watch_symbols"] = problems
    return errors


def _ticket_errors(ticket: Any) -> list[str]:
    if not isinstance(ticket, dict):
        return ['An object, e.g. {"type": "LIMIT", "time_in_force": "GTC"}.']
    problems: list[str] = []
    extra = sorted(set(ticket) - TICKET_KEYS)
    if extra:
        problems.append(f"Unknown keys: {', '.join(extra)}; use {', '.join(sorted(TICKET_KEYS))}.")
    for name in ("quantity", "quote_quantity", "confirm_above_notional"):
        if name in ticket and ticket[name] not in (None, ""):
            number = _decimal(ticket[name])
            if number is None or number <= 0:
                problems.append(f"{name} is a decimal string > 0.")
    if "market" in ticket and ticket["market"] not in MARKETS:
        problems.append(f"market is one of {', '.join(MARKETS)}.")
    if "side" in ticket and ticket["side"] not in ("BUY", "SELL"):
        problems.append("side is BUY or SELL.")
    for flag in ("post_only", "reduce_only"):
        if flag in ticket and not isinstance(ticket[flag], bool):
            problems.append(f"{flag} is true or false.")
    return problems


def preference_errors(values: Mapping[str, Any], known: Collection[str] | None) -> dict[str, list[str]]:
    """Field → messages for one user's preferences (only the fields given are checked)."""
    errors: dict[str, list[str]] = {}
    if "watched_symbols" in values:
        problems = symbol_list_errors(values["watched_symbols"], known)
        if problems:
            errors["watched_symbols"] = problems
    if "default_market" in values and values["default_market"] not in MARKETS:
        _add(errors, "default_market", f"Use one of {', '.join(MARKETS)}.")
    if "chart_interval" in values and values["chart_interval"] not in INTERVALS:
        _add(errors, "chart_interval", f"Use one of {', '.join(INTERVALS)}.")
    if "theme" in values and values["theme"] not in THEMES:
        _add(errors, "theme", f"Use one of {', '.join(THEMES)}.")
    if "layout" in values:
        layout = values["layout"]
        if not isinstance(layout, dict):
            _add(errors, "layout", "An object (the dashboard's panel layout).")
        elif len(repr(layout)) > MAX_LAYOUT_CHARS:
            _add(errors, "layout", f"At most {MAX_LAYOUT_CHARS} characters.")
    if "order_ticket_defaults" in values:
        problems = _ticket_errors(values["order_ticket_defaults"])
        if problems:
            errors["order_ticket_defaults"] = problems
    return errors
