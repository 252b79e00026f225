"""Recorded Binance exchangeInfo payloads (/work/shared/reference/payloads) and small edits of them."""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

# The recorded payloads live in shared/, beside the repository (TRADER_SHARED_DIR overrides).
PAYLOADS = (
    Path(os.environ.get("TRADER_SHARED_DIR", Path(__file__).resolve().parents[3].parent / "shared"))
    / "reference"
    / "payloads"
)
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
