"""Binance market-stream payloads → typed, Decimal-valued events, or a typed `Rejected` (pure).

Validation: the payload's symbol is the stream's and a known one, prices are positive (quantities not
negative), kline open times sit on the interval's boundary. Sequence checks (aggTrade id, bookTicker u,
depth U/u/pu) need state and live in `sequence.py` and `book.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.marketdata.domain.streams import Stream, kline_aligned

Level = tuple[Decimal, Decimal]


@dataclass(frozen=True)
class Rejected:
    kind: str  # the stream family ("kline", "depth", ...)
    reason: str


@dataclass(frozen=True)
class Kline:
    E: int
    t: int
    T: int
    i: str
    o: Decimal
    h: Decimal
    l: Decimal  # noqa: E741 - Binance's field name
    c: Decimal
    v: Decimal
    q: Decimal
    n: int
    x: bool


@dataclass(frozen=True)
class Ticker:
    E: int
    c: Decimal
    o: Decimal
    h: Decimal
    l: Decimal  # noqa: E741
    v: Decimal
    q: Decimal
    P: Decimal
    p: Decimal


@dataclass(frozen=True)
class MiniTicker:
    E: int
    c: Decimal
    o: Decimal
    h: Decimal
    l: Decimal  # noqa: E741
    v: Decimal
    q: Decimal


@dataclass(frozen=True)
class BookTicker:
    E: int  # spot bookTicker carries no event time: the receive time stands in
    u: int
    b: Decimal
    B: Decimal
    a: Decimal
    A: Decimal


@dataclass(frozen=True)
class DepthDiff:
    E: int
    U: int
    u: int
    pu: int | None  # USD-M only
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


@dataclass(frozen=True)
class AggTrade:
    E: int
    a: int
    p: Decimal
    q: Decimal
    T: int
    m: bool


@dataclass(frozen=True)
class MarkPrice:
    E: int
    p: Decimal
    i: Decimal
    r: Decimal
    T: int


@dataclass(frozen=True)
class ForceOrder:
    E: int
    S: str
    o: str
    q: Decimal
    p: Decimal
    ap: Decimal
    X: str
    T: int


Event = Kline | Ticker | MiniTicker | BookTicker | DepthDiff | AggTrade | MarkPrice | ForceOrder


class _Bad(Exception):
    pass


def _dec(value: Any, *, positive: bool = False) -> Decimal:
    if not isinstance(value, str):  # Binance sends numbers as strings; a float would already be lossy
        raise _Bad(f"number not a string: {value!r}")
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise _Bad(f"not a number: {value!r}") from None
    if not d.is_finite() or d < 0 or (positive and d == 0):
        raise _Bad(f"{'not positive' if positive else 'negative'}: {value!r}")
    return d


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"not an integer: {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"not a boolean: {value!r}")
    return value


def _levels(rows: Any) -> tuple[Level, ...]:
    if not isinstance(rows, list):
        raise _Bad("levels not a list")
    out = []
    for row in rows:
        if not isinstance(row, list) or len(row) < 2:
            raise _Bad("bad level")
        out.append((_dec(row[0], positive=True), _dec(row[1])))
    return tuple(out)


def _symbol(stream: Stream, data: dict[str, Any], key: str, known: frozenset[str]) -> None:
    symbol = data.get(key)
    if not isinstance(symbol, str) or symbol.lower() != stream.symbol:
        raise _Bad(f"symbol {symbol!r} is not the stream's")
    if symbol.upper() not in known:
        raise _Bad(f"unknown symbol {symbol!r}")


def _kline(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> Kline:
    k = d.get("k")
    if not isinstance(k, dict):
        raise _Bad("no kline body")
    _symbol(stream, d, "s", known)
    if k.get("i") != stream.interval:
        raise _Bad(f"interval {k.get('i')!r} is not the stream's")
    t = _int(k.get("t"))
    if not kline_aligned(stream.interval or "", t):
        raise _Bad(f"open time {t} not on a {stream.interval} boundary")
    o, h = _dec(k.get("o"), positive=True), _dec(k.get("h"), positive=True)
    low, c = _dec(k.get("l"), positive=True), _dec(k.get("c"), positive=True)
    if not (low <= min(o, c) and h >= max(o, c)):
        raise _Bad("high/low do not bound open/close")
    return Kline(
        _int(d.get("E")), t, _int(k.get("T")), k["i"], o, h, low, c,
        _dec(k.get("v")), _dec(k.get("q")), _int(k.get("n")), _bool(k.get("x")),
    )  # fmt: skip


def _ticker(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> Ticker:
    _symbol(stream, d, "s", known)
    change = d.get("p")
    pct = d.get("P")
    if not isinstance(change, str) or not isinstance(pct, str):
        raise _Bad("change not a string")
    try:
        p, pp = Decimal(change), Decimal(pct)
    except InvalidOperation:
        raise _Bad("change not a number") from None
    return Ticker(
        _int(d.get("E")), _dec(d.get("c"), positive=True), _dec(d.get("o"), positive=True),
        _dec(d.get("h"), positive=True), _dec(d.get("l"), positive=True), _dec(d.get("v")),
        _dec(d.get("q")), pp, p,
    )  # fmt: skip


def _mini(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> MiniTicker:
    _symbol(stream, d, "s", known)
    return MiniTicker(
        _int(d.get("E")), _dec(d.get("c"), positive=True), _dec(d.get("o"), positive=True),
        _dec(d.get("h"), positive=True), _dec(d.get("l"), positive=True), _dec(d.get("v")), _dec(d.get("q")),
    )  # fmt: skip


def _book_ticker(stream: Stream, d: dict[str, Any], known: frozenset[str], recv: int) -> BookTicker:
    _symbol(stream, d, "s", known)
    event = _int(d["E"]) if "E" in d else recv
    b, a = _dec(d.get("b"), positive=True), _dec(d.get("a"), positive=True)
    if b >= a:
        raise _Bad("crossed book ticker")
    return BookTicker(event, _int(d.get("u")), b, _dec(d.get("B")), a, _dec(d.get("A")))


def _depth(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> DepthDiff:
    _symbol(stream, d, "s", known)
    first, last = _int(d.get("U")), _int(d.get("u"))
    if first > last:
        raise _Bad("U after u")
    pu = _int(d.get("pu")) if stream.market == "usdm" else None
    return DepthDiff(_int(d.get("E")), first, last, pu, _levels(d.get("b")), _levels(d.get("a")))


def _agg(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> AggTrade:
    _symbol(stream, d, "s", known)
    return AggTrade(
        _int(d.get("E")), _int(d.get("a")), _dec(d.get("p"), positive=True), _dec(d.get("q"), positive=True),
        _int(d.get("T")), _bool(d.get("m")),
    )  # fmt: skip


def _mark(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> MarkPrice:
    _symbol(stream, d, "s", known)
    rate = d.get("r")
    if not isinstance(rate, str):
        raise _Bad("funding rate not a string")
    try:
        r = Decimal(rate) if rate else Decimal(0)
    except InvalidOperation:
        raise _Bad("funding rate not a number") from None
    mark, index = _dec(d.get("p"), positive=True), _dec(d.get("i"), positive=True)
    return MarkPrice(_int(d.get("E")), mark, index, r, _int(d.get("T")))


def _force(stream: Stream, d: dict[str, Any], known: frozenset[str], _recv: int) -> ForceOrder:
    o = d.get("o")
    if not isinstance(o, dict):
        raise _Bad("no order body")
    _symbol(stream, o, "s", known)
    side, kind, status = o.get("S"), o.get("o"), o.get("X")
    if side not in ("BUY", "SELL") or not isinstance(kind, str) or not isinstance(status, str):
        raise _Bad("bad order fields")
    return ForceOrder(
        _int(d.get("E")), side, kind, _dec(o.get("q"), positive=True), _dec(o.get("p"), positive=True),
        _dec(o.get("ap")), status, _int(o.get("T")),
    )  # fmt: skip


_PARSERS: dict[str, Any] = {
    "kline": _kline,
    "ticker": _ticker,
    "miniticker": _mini,
    "bookticker": _book_ticker,
    "depth": _depth,
    "trade": _agg,
    "markprice": _mark,
    "forceorder": _force,
}


def parse_event(stream: Stream, data: Any, *, known: frozenset[str], received_ms: int) -> Event | Rejected:
    """One combined-stream `data` object of `stream` → its event, or why it was refused."""
    if not isinstance(data, dict):
        return Rejected(stream.family, "payload not an object")
    try:
        return _PARSERS[stream.family](stream, data, known, received_ms)  # type: ignore[no-any-return]
    except (_Bad, KeyError) as exc:
        return Rejected(stream.family, str(exc))
