"""Wire shapes of market data, shared by REST and streams (field names and order as recorded)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.market.book import DepthDiff
    from simulator.market.history import AggTrade, Kline, Trade
    from simulator.symbols import SymbolSpec

ZERO = Decimal(0)


def _q(spec: SymbolSpec, value: Decimal) -> str:
    """Quote-asset amounts: 8 decimals on spot, pricePrecision + 3 on futures (as the recordings)."""
    return spec.fmt_quote(value)


def levels(spec: SymbolSpec, rows: list[tuple[Decimal, Decimal]]) -> list[list[str]]:
    return [[spec.fmt_price(p), spec.fmt_qty(q)] for p, q in rows]


def rest_trade(spec: SymbolSpec, t: Trade) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": t.id,
        "price": spec.fmt_price(t.price),
        "qty": spec.fmt_qty(t.qty),
        "quoteQty": _q(spec, t.quote_qty),
        "time": t.time,
        "isBuyerMaker": t.buyer_is_maker,
    }
    if spec.market == "spot":
        out["isBestMatch"] = True
    return out


def rest_agg_trade(spec: SymbolSpec, a: AggTrade) -> dict[str, Any]:
    out: dict[str, Any] = {
        "a": a.id,
        "p": spec.fmt_price(a.price),
        "q": spec.fmt_qty(a.qty),
        "f": a.first_id,
        "l": a.last_id,
        "T": a.time,
        "m": a.buyer_is_maker,
    }
    if spec.market == "spot":
        out["M"] = True
    return out


def rest_kline(spec: SymbolSpec, k: Kline) -> list[Any]:
    return [
        k.open_time,
        spec.fmt_price(k.open),
        spec.fmt_price(k.high),
        spec.fmt_price(k.low),
        spec.fmt_price(k.close),
        spec.fmt_qty(k.volume),
        k.close_time,
        _q(spec, k.quote_volume),
        k.trades,
        spec.fmt_qty(k.taker_base),
        _q(spec, k.taker_quote),
        "0",
    ]


def ws_trade(spec: SymbolSpec, t: Trade, event_ms: int) -> dict[str, Any]:
    if spec.market == "spot":
        return {
            "e": "trade",
            "E": event_ms,
            "s": spec.symbol,
            "t": t.id,
            "p": spec.fmt_price(t.price),
            "q": spec.fmt_qty(t.qty),
            "T": t.time,
            "m": t.buyer_is_maker,
            "M": True,
        }
    return {
        "e": "trade",
        "E": event_ms,
        "T": t.time,
        "s": spec.symbol,
        "t": t.id,
        "p": spec.fmt_price(t.price),
        "q": spec.fmt_qty(t.qty),
        "X": "MARKET",
        "m": t.buyer_is_maker,
    }


def ws_agg_trade(spec: SymbolSpec, a: AggTrade, event_ms: int) -> dict[str, Any]:
    if spec.market == "spot":
        return {
            "e": "aggTrade",
            "E": event_ms,
            "s": spec.symbol,
            "a": a.id,
            "p": spec.fmt_price(a.price),
            "q": spec.fmt_qty(a.qty),
            "f": a.first_id,
            "l": a.last_id,
            "T": a.time,
            "m": a.buyer_is_maker,
            "M": True,
        }
    qty = spec.fmt_qty(a.qty)
    return {
        "e": "aggTrade",
        "E": event_ms,
        "a": a.id,
        "s": spec.symbol,
        "p": spec.fmt_price(a.price),
        "q": qty,
        "nq": qty,
        "f": a.first_id,
        "l": a.last_id,
        "T": a.time,
        "m": a.buyer_is_maker,
    }


def ws_kline(spec: SymbolSpec, interval: str, k: Kline, event_ms: int, *, closed: bool) -> dict[str, Any]:
    return {
        "e": "kline",
        "E": event_ms,
        "s": spec.symbol,
        "k": {
            "t": k.open_time,
            "T": k.close_time,
            "s": spec.symbol,
            "i": interval,
            "f": k.first_id,
            "L": k.last_id,
            "o": spec.fmt_price(k.open),
            "c": spec.fmt_price(k.close),
            "h": spec.fmt_price(k.high),
            "l": spec.fmt_price(k.low),
            "v": spec.fmt_qty(k.volume),
            "n": k.trades,
            "x": closed,
            "q": _q(spec, k.quote_volume),
            "V": spec.fmt_qty(k.taker_base),
            "Q": _q(spec, k.taker_quote),
            "B": "0",
        },
    }


def ws_continuous_kline(
    spec: SymbolSpec, interval: str, k: Kline, event_ms: int, *, closed: bool
) -> dict[str, Any]:
    """USD-M `<pair>_perpetual@continuousKline_<i>`: the kline body minus `s`, keyed by pair and contract."""
    body = ws_kline(spec, interval, k, event_ms, closed=closed)["k"]
    del body["s"]
    return {"e": "continuous_kline", "E": event_ms, "ps": spec.symbol, "ct": "PERPETUAL", "k": body}


def ws_depth_diff(spec: SymbolSpec, diff: DepthDiff, event_ms: int, prev_u: int | None) -> dict[str, Any]:
    bids = levels(spec, sorted(diff.bids.items(), reverse=True))
    asks = levels(spec, sorted(diff.asks.items()))
    if spec.market == "spot":
        return {
            "e": "depthUpdate",
            "E": event_ms,
            "s": spec.symbol,
            "U": diff.first_id,
            "u": diff.last_id,
            "b": bids,
            "a": asks,
        }
    return {
        "e": "depthUpdate",
        "E": event_ms,
        "T": event_ms,
        "s": spec.symbol,
        "U": diff.first_id,
        "u": diff.last_id,
        "pu": prev_u if prev_u is not None else diff.first_id - 1,
        "b": bids,
        "a": asks,
    }


def ws_partial_depth(
    spec: SymbolSpec,
    update_id: int,
    bids: list[tuple[Decimal, Decimal]],
    asks: list[tuple[Decimal, Decimal]],
    event_ms: int,
    first_id: int,
    prev_u: int,
) -> dict[str, Any]:
    if spec.market == "spot":
        return {"lastUpdateId": update_id, "bids": levels(spec, bids), "asks": levels(spec, asks)}
    return {
        "e": "depthUpdate",
        "E": event_ms,
        "T": event_ms,
        "s": spec.symbol,
        "U": first_id,
        "u": update_id,
        "pu": prev_u,
        "b": levels(spec, bids),
        "a": levels(spec, asks),
    }


def book_ticker(
    spec: SymbolSpec,
    update_id: int,
    bid: tuple[Decimal, Decimal],
    ask: tuple[Decimal, Decimal],
    event_ms: int,
) -> dict[str, Any]:
    body = {
        "u": update_id,
        "s": spec.symbol,
        "b": spec.fmt_price(bid[0]),
        "B": spec.fmt_qty(bid[1]),
        "a": spec.fmt_price(ask[0]),
        "A": spec.fmt_qty(ask[1]),
    }
    if spec.market == "futures":
        return {"e": "bookTicker", **body, "E": event_ms, "T": event_ms}
    return body
