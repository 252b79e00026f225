"""Recorded Binance exchangeInfo payloads (tests/resources/payloads) and small edits of them."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

# Real recorded Binance payloads, kept in the repository (tests/resources/payloads, with provenance).
PAYLOADS = Path(__file__).resolve().parents[3] / "tests" / "resources" / "payloads"
SPOT_2025 = "spot_exchangeInfo_2025-08.json"
FUTURES_2025 = "futures_exchangeInfo_2025-08.json"


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text())  # type: ignore[no-any-return]


def payload(name: str) -> dict[str, Any]:
    """A fresh copy each time, so a test may edit it."""
    return copy.deepcopy(_load(name))


def symbols(name: str) -> list[dict[str, Any]]:
    return payload(name)["symbols"]  # type: ignore[no-any-return]


def raw_symbol(name: str, symbol: str) -> dict[str, Any]:
    return next(s for s in symbols(name) if s["symbol"] == symbol)


def spot_btcusdt() -> dict[str, Any]:
    return raw_symbol(SPOT_2025, "BTCUSDT")


def futures_btcusdt() -> dict[str, Any]:
    return raw_symbol(FUTURES_2025, "BTCUSDT")


def with_status(raw: dict[str, Any], status: str) -> dict[str, Any]:
    return {**raw, "status": status}
