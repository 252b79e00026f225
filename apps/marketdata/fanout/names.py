"""Client-facing validation of stream names, `<market>.<symbol lowercase>.<kind>` (pure).

The contract itself (markets, kinds, intervals, market-name maps, group names) is defined once, in
apps/marketdata/domain/streams.py and keys.py; this module only adds the error codes a client sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from apps.marketdata.domain import streams
from apps.marketdata.keys import group as group_name  # noqa: F401 -- the hub joins groups by it

MARKETS: Final = frozenset(streams.MARKETS)
INTERVALS: Final = tuple(streams.INTERVAL_MS)
PLAIN_KINDS: Final = streams.PLAIN_KINDS
USDM_KINDS: Final = streams.USDM_ONLY
GATEWAY_MARKET: Final = streams.EXCHANGE_MARKET
SYMBOL_MARKET: Final = streams.PLATFORM_MARKET

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
    kinds = PLAIN_KINDS | streams.KLINE_KINDS
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
