"""Stream names of the fan-out contract, `<market>.<symbol lowercase>.<kind>` (pure).

Kept here rather than imported from the ingestion side so the client-facing validation has one small,
stable definition; both follow the same contract (apps/marketdata/fanout/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MARKETS: Final = frozenset({"spot", "usdm"})
INTERVALS: Final = (
    "1m",
    "3m",
    "5m",
    "15m",
    "30m",
    "1h",
    "2h",
    "4h",
    "6h",
    "8h",
    "12h",
    "1d",
    "3d",
    "1w",
    "1M",
)
PLAIN_KINDS: Final = frozenset({"ticker", "miniticker", "bookticker", "depth", "trade"})
USDM_KINDS: Final = frozenset({"markprice", "forceorder"})
GROUP_PREFIX: Final = "md."
GATEWAY_MARKET: Final = {"spot": "spot", "usdm": "futures"}
SYMBOL_MARKET: Final = {"SPOT": "spot", "USDM": "usdm"}  # apps.symbols Market values → ours

_SHAPE = re.compile(r"^(spot|usdm)\.([a-z0-9]{2,30})\.([a-zA-Z0-9_]{3,16})$")


@dataclass(frozen=True)
class StreamName:
    market: str
    symbol: str  # lowercase, as in the name
    kind: str

    @property
    def name(self) -> str:
        return f"{self.market}.{self.symbol}.{self.kind}"


class InvalidStream(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def kinds_for(market: str) -> frozenset[str]:
    kinds = PLAIN_KINDS | {f"kline_{i}" for i in INTERVALS}
    return kinds | USDM_KINDS if market == "usdm" else kinds


def parse_stream(value: object) -> StreamName:
    """The parts of a well-formed stream name, or `InvalidStream` saying what is wrong (no symbol check)."""
    if not isinstance(value, str):
        raise InvalidStream("invalid_stream", "a stream name is a string")
    match = _SHAPE.match(value)
    if match is None:
        raise InvalidStream("invalid_stream", "expected <spot|usdm>.<symbol lowercase>.<kind>")
    market, symbol, kind = match.groups()
    if kind not in kinds_for(market):
        raise InvalidStream("unknown_kind", f"{kind!r} is not a {market} stream kind")
    return StreamName(market, symbol, kind)


def group_name(stream: str) -> str:
    return GROUP_PREFIX + stream
