"""Recorded real Binance user-data events (tests/resources/payloads), loaded as the wire gives them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).resolve().parents[3] / "tests" / "resources" / "payloads"


def load(name: str) -> dict[str, Any]:
    """One recorded event file (numbers that are not strings become Decimal, never float)."""
    return dict(json.loads((PAYLOADS / name).read_text(), parse_float=Decimal))


def load_lines(name: str) -> list[dict[str, Any]]:
    """A recorded sequence (.jsonl), in arrival order."""
    lines = (PAYLOADS / name).read_text().splitlines()
    return [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]


def user_events(name: str) -> list[dict[str, Any]]:
    """The user-data events of a recorded sequence (market-stream frames left out)."""
    return [e for e in load_lines(name) if "e" in e]
