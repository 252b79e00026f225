"""Recorded mark-price klines (binance_usdm_<SYMBOL>_<interval>_mark.csv) for historical markPriceKlines."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.futures.engine.funding import DATA_DIR

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class MarkCandle:
    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


def load(data_dir: Path = DATA_DIR) -> dict[tuple[str, str], list[MarkCandle]]:
    out: dict[tuple[str, str], list[MarkCandle]] = {}
    for path in sorted(data_dir.glob("binance_usdm_*_*_mark.csv")):
        _, _, symbol, interval, _ = path.name.split("_")
        with path.open() as fh:
            # Some rows carry float artefacts ("1.1997200000000001"); Decimal keeps them exact, the
            # wire formatter rounds them to the symbol's precision.
            rows = [
                MarkCandle(
                    int(r["open_time_ms"]),
                    Decimal(r["open"]),
                    Decimal(r["high"]),
                    Decimal(r["low"]),
                    Decimal(r["close"]),
                )
                for r in csv.DictReader(fh)
            ]
        out[(symbol, interval)] = rows
    return out


def select(rows: list[MarkCandle], start: int | None, end: int | None, limit: int) -> list[MarkCandle]:
    chosen = [
        r for r in rows if (start is None or r.open_time >= start) and (end is None or r.open_time <= end)
    ]
    return chosen[:limit] if start is not None else chosen[-limit:]


def covers(rows: list[MarkCandle], start: int | None, end: int | None) -> bool:
    """True when the request asks for a window inside the recorded data (never for 'latest')."""
    if not rows or (start is None and end is None):
        return False
    first, last = rows[0].open_time, rows[-1].open_time
    return (start is None or first <= start <= last) or (end is not None and first <= end <= last)
