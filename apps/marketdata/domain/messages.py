"""Events → the normalized message of the contract: `{"stream", "E", "data"}`, every number a string."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from apps.marketdata.domain.events import (
    AggTrade,
    BookTicker,
    Event,
    ForceOrder,
    Kline,
    MarkPrice,
    MiniTicker,
    Ticker,
)

if TYPE_CHECKING:
    from apps.marketdata.domain.book import BookTop


def _s(value: object) -> str:
    # str(Decimal("0.00000010")) is "1.0E-7"; the contract is plain decimal strings, never exponents.
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _data(event: Event) -> dict[str, Any]:
    if isinstance(event, Kline):
        return {
            "t": _s(event.t), "T": _s(event.T), "o": _s(event.o), "h": _s(event.h), "l": _s(event.l),
            "c": _s(event.c), "v": _s(event.v), "q": _s(event.q), "n": _s(event.n), "x": event.x,
            "i": event.i,
        }  # fmt: skip
    if isinstance(event, Ticker):
        return {
            "c": _s(event.c), "o": _s(event.o), "h": _s(event.h), "l": _s(event.l), "v": _s(event.v),
            "q": _s(event.q), "P": _s(event.P), "p": _s(event.p),
        }  # fmt: skip
    if isinstance(event, MiniTicker):
        return {
            "c": _s(event.c), "o": _s(event.o), "h": _s(event.h), "l": _s(event.l), "v": _s(event.v),
            "q": _s(event.q),
        }  # fmt: skip
    if isinstance(event, BookTicker):
        return {"b": _s(event.b), "B": _s(event.B), "a": _s(event.a), "A": _s(event.A), "u": _s(event.u)}
    if isinstance(event, AggTrade):
        return {"a": _s(event.a), "p": _s(event.p), "q": _s(event.q), "T": _s(event.T), "m": event.m}
    if isinstance(event, MarkPrice):
        return {"p": _s(event.p), "i": _s(event.i), "r": _s(event.r), "T": _s(event.T)}
    if isinstance(event, ForceOrder):
        return {
            "S": event.S, "o": event.o, "q": _s(event.q), "p": _s(event.p), "ap": _s(event.ap), "X": event.X,
            "T": _s(event.T),
        }  # fmt: skip
    raise TypeError(f"no message for {type(event).__name__}")


def message(stream: str, event: Event) -> dict[str, Any]:
    return {"stream": stream, "E": event.E, "data": _data(event)}


def depth_message(stream: str, top: BookTop) -> dict[str, Any]:
    return {
        "stream": stream,
        "E": top.event_ms,
        "data": {
            "bids": [[_s(p), _s(q)] for p, q in top.bids],
            "asks": [[_s(p), _s(q)] for p, q in top.asks],
            "u": _s(top.last_update_id),
        },
    }
