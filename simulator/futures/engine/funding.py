"""Funding-rate sources: recorded history where it covers the replayed time, else a premium formula."""

from __future__ import annotations

import bisect
import csv
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
INTERVAL_MS = 8 * 3600 * 1000
INTEREST = Decimal("0.0001")
CLAMP = Decimal("0.0005")
CAP = Decimal("0.0075")  # ±0.75 %: the common adjustedFundingRateCap on fundingInfo


def load_history(data_dir: Path = DATA_DIR) -> dict[str, list[tuple[int, Decimal]]]:
    out: dict[str, list[tuple[int, Decimal]]] = {}
    for path in sorted(data_dir.glob("binance_usdm_*_funding_rate.csv")):
        symbol = path.name.split("_")[2]
        with path.open() as fh:
            rows = [(int(r["funding_time_ms"]), Decimal(r["funding_rate"])) for r in csv.DictReader(fh)]
        out[symbol] = sorted(rows)
    return out


def premium_rate(mark: Decimal, index: Decimal) -> Decimal:
    """Binance's formula: premium + clamp(interest - premium, ±0.05 %), capped at ±0.75 %."""
    if index <= 0:
        return INTEREST
    premium = (mark - index) / index
    rate = premium + max(-CLAMP, min(CLAMP, INTEREST - premium))
    return max(-CAP, min(CAP, rate)).quantize(Decimal("0.00000001"))


def recorded_rate(history: list[tuple[int, Decimal]], at_ms: int) -> Decimal | None:
    """The recorded rate of the funding event at `at_ms` (within one interval), if the data covers it."""
    if not history or at_ms < history[0][0] - INTERVAL_MS or at_ms > history[-1][0] + INTERVAL_MS:
        return None
    i = bisect.bisect_right(history, (at_ms + 60_000, Decimal(9)))
    return history[i - 1][1] if i else None


def next_boundary(sim_ms: int) -> int:
    return (sim_ms // INTERVAL_MS + 1) * INTERVAL_MS
