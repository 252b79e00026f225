"""The diff between stored symbols and a fresh exchangeInfo."""

from __future__ import annotations

from dataclasses import replace

from apps.symbols.domain.diff import StatusChange, StoredSymbol, SymbolDiff, diff_symbols
from apps.symbols.domain.exchange_info import SymbolInfo, parse_symbol
from apps.symbols.tests.payloads import spot_btcusdt

BTC = parse_symbol("SPOT", spot_btcusdt())


def info(name: str, status: str = "TRADING") -> SymbolInfo:
    return replace(BTC, symbol=name, status=status)


def stored(name: str, status: str = "TRADING", *, listed: bool = True) -> StoredSymbol:
    return StoredSymbol(name, status, listed, BTC.filters)


def test_nothing_changed_gives_an_empty_diff() -> None:
    diff = diff_symbols([stored("BTCUSDT"), stored("ETHUSDT")], [info("ETHUSDT"), info("BTCUSDT")])
    assert diff == SymbolDiff((), (), (), ())
    assert diff.is_empty


def test_new_listings_status_changes_and_delistings_are_told_apart() -> None:
    diff = diff_symbols(
        [stored("BTCUSDT"), stored("ETHUSDT"), stored("LUNAUSDT"), stored("XRPUSDT", "BREAK")],
        [info("BTCUSDT", "HALT"), info("ETHUSDT"), info("SOLUSDT"), info("XRPUSDT")],
    )
    assert diff.listed == ("SOLUSDT",)
    assert diff.status_changed == (
        StatusChange("BTCUSDT", "TRADING", "HALT"),
        StatusChange("XRPUSDT", "BREAK", "TRADING"),
    )
    assert diff.delisted == ("LUNAUSDT",)


def test_a_delisted_symbol_that_returns_is_a_listing_and_is_not_delisted_twice() -> None:
    diff = diff_symbols(
        [stored("LUNAUSDT", listed=False), stored("FTTUSDT", listed=False)], [info("LUNAUSDT")]
    )
    assert diff.listed == ("LUNAUSDT",)
    assert diff.delisted == ()


def test_new_trading_rules_on_an_unchanged_status_are_a_filter_change() -> None:
    tighter = replace(BTC, filters=replace(BTC.filters, tick_size=BTC.filters.tick_size * 10))
    diff = diff_symbols([stored("BTCUSDT")], [tighter])
    assert diff.filters_changed == ("BTCUSDT",)
    assert diff.status_changed == ()
