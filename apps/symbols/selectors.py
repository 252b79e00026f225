"""Reads of the symbols app: lists for the pair selector, one symbol, its rules, and whether it trades."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from apps.symbols.domain.exchange_info import parse_symbol
from apps.symbols.domain.status import blocked_reason
from apps.symbols.models import Market, Symbol, SymbolEvent

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from apps.symbols.domain.exchange_info import SymbolInfo


def market_normalize(value: str) -> str | None:
    """ "spot", "Spot", "usdm" → the stored spelling; None when it names no market."""
    upper = value.strip().upper()
    return upper if upper in Market.values else None


def symbol_list(
    *, market: str | None = None, search: str = "", status: str | None = None, listed_only: bool = True
) -> QuerySet[Symbol]:
    """Symbols ordered by market and name; `search` matches the start of the symbol, base or quote asset.

    Binance names are upper case, so the term is upper-cased and matched with a plain prefix LIKE rather
    than UPPER(column) LIKE on every row. A market holds a few thousand symbols at most, and the list
    reads only the columns it shows, which keeps a keystroke-by-keystroke pair search cheap.
    """
    rows = Symbol.objects.all()
    if market:
        rows = rows.filter(market=market)
    if listed_only:
        rows = rows.filter(is_listed=True)
    if status:
        rows = rows.filter(status=status.strip().upper())
    term = search.strip().upper()
    if term:
        rows = rows.filter(
            Q(symbol__startswith=term) | Q(base_asset__startswith=term) | Q(quote_asset__startswith=term)
        )
    return rows.order_by("market", "symbol")


def symbol_get(*, market: str, symbol: str) -> Symbol:
    """One symbol, listed or not; raises Symbol.DoesNotExist."""
    return Symbol.objects.get(market=market, symbol=symbol.strip().upper())


def symbol_info(*, market: str, symbol: str) -> SymbolInfo:
    """The typed rules of a stored symbol, parsed from the exchangeInfo object it was stored from."""
    return _parsed(symbol_get(market=market, symbol=symbol))


_PARSED: dict[tuple[int, datetime], SymbolInfo] = {}


def _parsed(row: Symbol) -> SymbolInfo:
    # Keyed by the row's updated_at (auto_now): a sync that changes the row changes the key, so a stale
    # parse is never served; parsing every filter on each order was a measurable part of the order path.
    key = (row.pk, row.updated_at)
    info = _PARSED.get(key)
    if info is None:
        if len(_PARSED) > 4096:
            _PARSED.clear()
        info = _PARSED[key] = parse_symbol(row.market, row.raw)  # type: ignore[arg-type]
    return info


def symbol_for_order(*, market: str, symbol: str) -> tuple[Symbol | None, str | None, SymbolInfo | None]:
    """One read for placement: (row, reason new orders are refused or None, typed rules)."""
    row = Symbol.objects.filter(market=market, symbol=symbol.strip().upper()).first()
    if row is None:
        unknown = f"{symbol} is not a known {market} symbol; check the name or refresh the symbol list."
        return None, unknown, None
    reason = blocked_reason(market=row.market, symbol=row.symbol, status=row.status, is_listed=row.is_listed)
    if reason is not None:
        return row, reason, None
    return row, None, _parsed(row)


def symbol_tradable_or_reason(*, market: str, symbol: str) -> str | None:
    """None when new orders on the symbol may go to the exchange, else the reason they may not."""
    return symbol_for_order(market=market, symbol=symbol)[1]


def symbol_events_recent(*, symbol: Symbol, limit: int = 20) -> QuerySet[SymbolEvent]:
    return symbol.events.order_by("-created_at", "-id")[:limit]
