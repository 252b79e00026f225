"""What changed between stored symbols and a fresh exchangeInfo: listings, status changes, delistings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from apps.symbols.domain.exchange_info import SymbolFilters, SymbolInfo


@dataclass(frozen=True, slots=True)
class StoredSymbol:
    """The part of a stored symbol the diff compares."""

    symbol: str
    status: str
    is_listed: bool
    filters: SymbolFilters


@dataclass(frozen=True, slots=True)
class StatusChange:
    symbol: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SymbolDiff:
    # New to us, or back after a delisting.
    listed: tuple[str, ...]
    status_changed: tuple[StatusChange, ...]
    # Stored as listed but absent from exchangeInfo: Binance removed the pair.
    delisted: tuple[str, ...]
    # Listed both times with the same status but different trading rules.
    filters_changed: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.listed or self.status_changed or self.delisted or self.filters_changed)


def diff_symbols(stored: Iterable[StoredSymbol], fresh: Iterable[SymbolInfo]) -> SymbolDiff:
    """Compare what we store with what the exchange lists now. Each list comes out sorted by symbol."""
    before: Mapping[str, StoredSymbol] = {s.symbol: s for s in stored}
    now: Mapping[str, SymbolInfo] = {s.symbol: s for s in fresh}
    listed, changed, filters = [], [], []
    for name in sorted(now):
        info = now[name]
        old = before.get(name)
        if old is None or not old.is_listed:
            listed.append(name)
        elif old.status != info.status:
            changed.append(StatusChange(name, old.status, info.status))
        elif old.filters != info.filters:
            filters.append(name)
    delisted = sorted(name for name, old in before.items() if old.is_listed and name not in now)
    return SymbolDiff(tuple(listed), tuple(changed), tuple(delisted), tuple(filters))
