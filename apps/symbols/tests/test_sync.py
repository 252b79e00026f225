"""Applying exchangeInfo to the stored symbols: quiet first load, then events, alerts and audit per change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.monitoring.models import AuditEvent
from apps.monitoring.selectors import audit_chain_verify
from apps.symbols.domain.exchange_info import ExchangeInfoError
from apps.symbols.models import Symbol, SymbolEvent
from apps.symbols.selectors import symbol_info, symbol_tradable_or_reason
from apps.symbols.services import symbol_sync_apply
from apps.symbols.tests.payloads import FUTURES_2025, SPOT_2025, symbols, with_status

pytestmark = pytest.mark.django_db


def _without(raw_symbols: list[dict], name: str) -> list[dict]:
    return [s for s in raw_symbols if s["symbol"] != name]


def _replace(raw_symbols: list[dict], name: str, status: str) -> list[dict]:
    return [with_status(s, status) if s["symbol"] == name else s for s in raw_symbols]


def test_the_first_sync_stores_every_symbol_with_typed_filters_and_no_alerts() -> None:
    result = symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    assert result.initial and result.total == 25
    btc = Symbol.objects.get(market="SPOT", symbol="BTCUSDT")
    assert (btc.tick_size, btc.step_size, btc.max_notional) == (
        Decimal("0.01"),
        Decimal("0.00001"),
        Decimal(9000000),
    )
    assert btc.order_types[0] == "LIMIT" and btc.is_listed
    assert SymbolEvent.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", "target_id")) == [("symbols.sync.initial", "SPOT")]


def test_markets_are_kept_apart() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    symbol_sync_apply(market="USDM", raw_symbols=symbols(FUTURES_2025))
    assert Symbol.objects.filter(symbol="BTCUSDT").count() == 2
    assert Symbol.objects.get(market="USDM", symbol="BTCUSDT").min_notional == Decimal(100)


def test_a_repeated_sync_with_the_same_payload_changes_nothing() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    result = symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    assert result.diff.is_empty and not result.initial
    assert SymbolEvent.objects.count() == 0


def test_a_halt_is_recorded_alerted_audited_and_blocks_new_orders() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    symbol_sync_apply(market="SPOT", raw_symbols=_replace(symbols(SPOT_2025), "BTCUSDT", "HALT"))

    event = SymbolEvent.objects.get()
    assert (event.kind, event.old_status, event.new_status) == ("STATUS_CHANGED", "TRADING", "HALT")
    assert event.is_alert and event.severity == "warning" and event.notified_at is None
    assert "went from TRADING to HALT" in event.message
    audit = AuditEvent.objects.get(action="symbols.status_changed")
    assert (audit.target_id, audit.before, audit.after["status"]) == (
        "SPOT:BTCUSDT",
        {"status": "TRADING"},
        "HALT",
    )
    assert audit.actor_label == "symbols-sync"
    reason = symbol_tradable_or_reason(market="SPOT", symbol="BTCUSDT")
    assert reason is not None and "status is HALT" in reason and "trading is halted" in reason
    assert symbol_tradable_or_reason(market="SPOT", symbol="ETHUSDT") is None
    assert audit_chain_verify() == (2, None)


def test_returning_to_trading_lifts_the_block_and_says_so() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=_replace(symbols(SPOT_2025), "BTCUSDT", "BREAK"))
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    event = SymbolEvent.objects.get()
    assert (event.severity, event.new_status) == ("info", "TRADING")
    assert "New orders are allowed again." in event.message
    assert symbol_tradable_or_reason(market="SPOT", symbol="BTCUSDT") is None


def test_a_symbol_missing_from_exchange_info_is_delisted_and_blocked() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    symbol_sync_apply(market="SPOT", raw_symbols=_without(symbols(SPOT_2025), "HSRBTC"))
    row = Symbol.objects.get(symbol="HSRBTC")
    assert not row.is_listed and row.delisted_at is not None
    event = SymbolEvent.objects.get()
    assert (event.kind, event.severity, event.is_alert) == ("DELISTED", "warning", True)
    assert "no longer listed" in symbol_tradable_or_reason(market="SPOT", symbol="HSRBTC")


def test_a_new_listing_and_a_relisting_are_alerted() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=_without(symbols(SPOT_2025), "ETHUSDT"))
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    symbol_sync_apply(market="SPOT", raw_symbols=_without(symbols(SPOT_2025), "ETHUSDT"))
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    messages = list(SymbolEvent.objects.order_by("id").values_list("kind", "message"))
    assert [kind for kind, _ in messages] == ["LISTED", "DELISTED", "LISTED"]
    assert "listed on" in messages[0][1] and "listed again" in messages[2][1]
    assert Symbol.objects.get(symbol="ETHUSDT").is_listed


def test_new_trading_rules_are_stored_and_recorded_without_an_alert() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    fresh = symbols(SPOT_2025)
    btc = next(s for s in fresh if s["symbol"] == "BTCUSDT")
    btc["filters"][0]["tickSize"] = "0.10000000"
    symbol_sync_apply(market="SPOT", raw_symbols=fresh)
    assert Symbol.objects.get(market="SPOT", symbol="BTCUSDT").tick_size == Decimal("0.1")
    assert symbol_info(market="SPOT", symbol="BTCUSDT").filters.tick_size == Decimal("0.1")
    event = SymbolEvent.objects.get()
    assert (event.kind, event.is_alert) == ("FILTERS_CHANGED", False)
    audit = AuditEvent.objects.get(action="symbols.filters_changed")
    assert audit.before["filters"][0]["tickSize"] == "0.01000000"
    assert audit.after["filters"][0]["tickSize"] == "0.10000000"


def test_a_malformed_payload_changes_nothing() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    broken = _replace(symbols(SPOT_2025), "BTCUSDT", "HALT")
    del broken[-1]["filters"][0]["tickSize"]
    with pytest.raises(ExchangeInfoError):
        symbol_sync_apply(market="SPOT", raw_symbols=broken)
    assert Symbol.objects.get(market="SPOT", symbol="BTCUSDT").status == "TRADING"
    assert Symbol.objects.filter(is_listed=True).count() == 25
    assert SymbolEvent.objects.count() == 0


def test_an_unknown_symbol_is_not_tradable() -> None:
    reason = symbol_tradable_or_reason(market="SPOT", symbol="NOPEUSDT")
    assert reason == "NOPEUSDT is not a known SPOT symbol; check the name or refresh the symbol list."


def test_a_manual_sync_is_audited_under_the_admin_who_ran_it(admin_user) -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    symbol_sync_apply(
        market="SPOT", raw_symbols=_replace(symbols(SPOT_2025), "ETHBTC", "END_OF_DAY"), actor=admin_user
    )
    assert AuditEvent.objects.get(action="symbols.status_changed").actor_label == "ada-admin"
