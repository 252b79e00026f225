"""Parameters of each rule type: what they mean, their defaults and their validation (field-level errors).

`validate_params` returns the normalised parameters (defaults filled in, decimals as strings, integers as
integers) or the errors keyed by parameter name; the API, the admin form and the services all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

MAX_WINDOW_S: Final = 3600  # the rolling windows keep one hour by default
MAX_EVENT_WINDOW_S: Final = 7 * 86400


@dataclass(frozen=True)
class Field:
    kind: str  # "decimal" | "int" | "choice" | "text" | "bool"
    default: Any
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


def _pct(default: str, help_text: str) -> Field:
    return Field("decimal", default, Decimal(0), Decimal(100), help=help_text)


def _window(default: int, maximum: int = MAX_WINDOW_S) -> Field:
    return Field("int", default, 10, maximum, help="Window in seconds")


_SERIES: Final = ("exchange", "exchange:spot", "exchange:futures", "order_submit")

SPECS: Final[dict[str, dict[str, Field]]] = {
    "error_rate": {
        "market": Field("choice", "", choices=("", "spot", "futures"), help="Empty: both markets"),
        "threshold_pct": _pct("5", "Fires when the error rate is above this %"),
        "window_s": _window(300),
        "min_count": Field("int", 20, 0, 1_000_000, help="Fewer calls in the window never fire"),
    },
    "p95_latency": {
        "series": Field("choice", "exchange", choices=_SERIES),
        "threshold_ms": Field("decimal", "2000", Decimal(1), Decimal(600_000), help="Fires above this p95"),
        "window_s": _window(300),
        "min_count": Field("int", 10, 0, 1_000_000, help="Fewer samples in the window never fire"),
    },
    "stream_stale": {
        "market": Field("choice", "", choices=("", "spot", "usdm"), help="Empty: every market"),
        "stream": Field("text", "", help="Only streams whose name contains this text"),
    },
    "user_stream_down": {
        "market": Field("choice", "", choices=("", "spot", "futures"), help="Empty: both markets"),
    },
    "rate_budget": {"threshold_pct": _pct("80", "Fires when any limiter pool is above this % used")},
    "breaker_open": {
        "market": Field("choice", "", choices=("", "spot", "futures")),
        "include_half_open": Field(
            "bool", default=False, help="Also fire while a breaker probes (half open)"
        ),
    },
    "symbol_halted": {
        "window_s": _window(3600, MAX_EVENT_WINDOW_S),
    },
    "kill_switch_engaged": {},
    "reconciliation_drift": {
        "window_s": _window(900, MAX_EVENT_WINDOW_S),
        "min_fixes": Field("int", 1, 1, 1_000_000, help="Fixes in the window that fire"),
    },
    "worker_missing": {},
    "beat_missing": {},
    "streams_missing": {},
    "disk_space": {
        "path": Field("text", "", help="Directory to watch; empty: the run/data directory"),
        "threshold_pct": _pct("10", "Fires when free space is below this %"),
    },
    "database_errors": {},
    "audit_chain_broken": {},
}


def defaults(rule_type: str) -> dict[str, Any]:
    return {name: spec.default for name, spec in SPECS.get(rule_type, {}).items()}


def _bounded(spec: Field, value: Any) -> str | None:
    if spec.minimum is not None and value < spec.minimum:
        return f"Must be at least {spec.minimum}."
    if spec.maximum is not None and value > spec.maximum:
        return f"Must be at most {spec.maximum}."
    return None


def _as_bool(spec: Field, raw: Any) -> tuple[Any, str | None]:
    return (raw, None) if isinstance(raw, bool) else (None, "Must be true or false.")


def _as_text(spec: Field, raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, str):
        return None, "Must be a string."
    return (raw.strip(), None) if len(raw) <= 500 else (None, "At most 500 characters.")


def _as_choice(spec: Field, raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, str) and raw in spec.choices:
        return raw, None
    return None, "Must be one of: " + ", ".join(repr(c) for c in spec.choices) + "."


def _as_int(spec: Field, raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None, "Must be a whole number."
    try:
        value = int(raw)
    except ValueError:
        return None, "Must be a whole number."
    error = _bounded(spec, value)
    return (None, error) if error else (value, None)


def _as_decimal(spec: Field, raw: Any) -> tuple[Any, str | None]:
    # Strings or integers only: a float would smuggle binary rounding into a threshold.
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None, 'Must be a decimal number given as a string, e.g. "80".'
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None, "Must be a decimal number."
    if not number.is_finite():
        return None, "Must be a finite number."
    error = _bounded(spec, number)
    return (None, error) if error else (format(number.normalize(), "f"), None)


_PARSERS: Final = {
    "bool": _as_bool,
    "text": _as_text,
    "choice": _as_choice,
    "int": _as_int,
    "decimal": _as_decimal,
}


def validate_params(rule_type: str, params: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(normalised params, errors by parameter). Missing parameters take their defaults."""
    if rule_type not in SPECS:
        return {}, {"rule_type": [f"Unknown rule type {rule_type!r}."]}
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return {}, {"params": ["Must be a JSON object."]}
    specs = SPECS[rule_type]
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name in params:
        if name not in specs:
            known = ", ".join(specs) or "none"
            errors[str(name)] = [f"Unknown parameter for {rule_type} (known: {known})."]
    for name, spec in specs.items():
        if name not in params:
            clean[name] = spec.default
            continue
        value, error = _PARSERS[spec.kind](spec, params[name])
        if error:
            errors[name] = [error]
        else:
            clean[name] = value
    return (clean, {}) if not errors else ({}, errors)
