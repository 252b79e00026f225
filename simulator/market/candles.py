"""Price paths: replayed real candles, or a seeded random walk for symbols without data.

A path is a function of replayed time. Candles play forwards then backwards (ping-pong) so the price never
jumps when the data runs out, and inside a candle the price visits open → low → high → close (or
open → high → low → close for a falling candle) at constant speed, with a little seeded jitter.
"""

from __future__ import annotations

import csv
import itertools
import random
import re
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

FILE_RE = re.compile(r"^binance_(spot|usdm)_([A-Z0-9]+)_([0-9]+[smhdwM])(?:_(.*))?\.csv$")
ZERO = Decimal(0)
JITTER_STEPS = 40


@dataclass(frozen=True)
class Candle:
    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


def load_csv(path: Path) -> list[Candle]:
    out: list[Candle] = []
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            out.append(
                Candle(
                    int(row["open_time_ms"]),
                    Decimal(row["open"]),
                    Decimal(row["high"]),
                    Decimal(row["low"]),
                    Decimal(row["close"]),
                    Decimal(row["volume"] or "0"),
                )
            )
    return out


def find_data_files(data_dir: Path | None) -> dict[tuple[str, str], Path]:
    """Map (market, symbol) to the best candle file in `data_dir` (the one with the most rows)."""
    found: dict[tuple[str, str], tuple[int, Path]] = {}
    if data_dir is None or not data_dir.is_dir():
        return {}
    for path in sorted(data_dir.glob("binance_*.csv")):
        match = FILE_RE.match(path.name)
        if not match or (match.group(4) or "").endswith("mark") or "trades" in path.name:
            continue
        market = "spot" if match.group(1) == "spot" else "futures"
        key = (market, match.group(2))
        rows = sum(1 for _ in path.open()) - 1
        if key not in found or rows > found[key][0]:
            found[key] = (rows, path)
    return {key: value[1] for key, value in found.items()}


def random_walk(symbol: str, seed: int, start_price: Decimal, count: int = 5000) -> list[Candle]:
    """Seeded 1-minute candles: ~0.1 % volatility per minute, mean-reverting to the start price."""
    rng = random.Random(seed * 1_000_003 + zlib.crc32(symbol.encode()))
    candles: list[Candle] = []
    price = start_price
    for index in range(count):
        # Random draws are floats; every price is built as a Decimal from them.
        drift = Decimal(str(round(rng.gauss(0, 0.001), 6))) - (price / start_price - 1) * Decimal("0.01")
        close = max(price * (1 + drift), start_price / 10)
        wiggle = abs(Decimal(str(round(rng.gauss(0, 0.0005), 6))))
        high = max(price, close) * (1 + wiggle)
        low = min(price, close) * (1 - wiggle)
        volume = Decimal(str(round(rng.uniform(5, 50), 3)))
        candles.append(Candle(index * 60_000, price, high, low, close, volume))
        price = close
    return candles


class PricePath:
    def __init__(self, candles: list[Candle], seed: int, name: str) -> None:
        if not candles:
            raise ValueError("a price path needs at least one candle")
        self.candles = candles
        steps = sorted(b.open_time - a.open_time for a, b in itertools.pairwise(candles))
        self.interval_ms = steps[len(steps) // 2] if steps else 60_000
        self.start_ms = candles[0].open_time
        self.span_ms = self.interval_ms * len(candles)
        self._seed = seed * 7919 + zlib.crc32(name.encode())

    def _locate(self, sim_ms: int) -> tuple[Candle, Decimal, bool, int]:
        """(candle, fraction through it, playing backwards?, candle index) at replayed time `sim_ms`."""
        offset = (sim_ms - self.start_ms) % (2 * self.span_ms)
        backwards = offset >= self.span_ms
        if backwards:
            offset = 2 * self.span_ms - 1 - offset
        index = min(offset // self.interval_ms, len(self.candles) - 1)
        fraction = Decimal(offset - index * self.interval_ms) / Decimal(self.interval_ms)
        return self.candles[index], fraction, backwards, index

    def price_at(self, sim_ms: int) -> Decimal:
        candle, fraction, _backwards, index = self._locate(sim_ms)
        return self._intra(candle, fraction, index)

    def volume_rate(self, sim_ms: int) -> Decimal:
        """Base-asset volume per replayed millisecond in the candle playing at `sim_ms`."""
        candle, _f, _b, _i = self._locate(sim_ms)
        return candle.volume / Decimal(self.interval_ms)

    def _intra(self, candle: Candle, fraction: Decimal, index: int) -> Decimal:
        o, h, l, c = candle.open, candle.high, candle.low, candle.close  # noqa: E741
        points = [o, l, h, c] if c >= o else [o, h, l, c]
        legs = [abs(b - a) for a, b in itertools.pairwise(points)]
        total = sum(legs, ZERO)
        if total == 0:
            return c
        target = fraction * total
        price = c
        for (start, end), leg in zip(itertools.pairwise(points), legs, strict=False):
            if target <= leg and leg > 0:
                price = start + (end - start) * (target / leg)
                break
            target -= leg
        # Jitter: seeded knots per (candle, step), interpolated so the price wanders instead of jumping, and
        # zero at both ends so candles still open and close on their recorded prices.
        position = fraction * JITTER_STEPS
        step = int(position)
        weight = position - step
        noise = self._knot(index, step) * (1 - weight) + self._knot(index, step + 1) * weight
        price += (h - l) * Decimal("0.04") * noise
        return min(max(price, l), h)

    def _knot(self, index: int, step: int) -> Decimal:
        if step <= 0 or step >= JITTER_STEPS:
            return ZERO
        # An integer hash, not Random(seed): this runs several times per sample and per backfilled candle.
        h = (self._seed * 0x9E3779B1 + index * 0x85EBCA77 + step * 0xC2B2AE3D) & 0xFFFFFFFF
        h ^= h >> 15
        h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
        h ^= h >> 12
        return Decimal(h % 20001 - 10000) / 10000
