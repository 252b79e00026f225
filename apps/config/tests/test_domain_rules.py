"""The rules a set of limits, an override, a trading config and preferences must satisfy (pure)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from apps.config.domain.limits import override_errors, risk_limit_errors
from apps.config.domain.settings_rules import preference_errors, trading_config_errors
from apps.config.models import RiskLimits, TradingConfig


def limit_values(**changes: object) -> dict:
    return {**RiskLimits().values(), **changes}


def test_the_defaults_are_valid() -> None:
    assert risk_limit_errors(limit_values()) == {}
    assert trading_config_errors(TradingConfig().values(), known=None) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_order_notional": D(-1)}, "max_order_notional"),
        ({"daily_loss_limit": D(0)}, "daily_loss_limit"),
        ({"max_open_orders_total": 0}, "max_open_orders_total"),
        ({"price_band_pct": D(0)}, "price_band_pct"),
        ({"price_band_pct": D("100.01")}, "price_band_pct"),
        ({"max_drawdown_pct": D(101)}, "max_drawdown_pct"),
        ({"max_leverage": 126}, "max_leverage"),
        ({"correlation_threshold": D("1.5")}, "correlation_threshold"),
        ({"correlation_window": 5}, "correlation_window"),
        ({"correlation_interval": "7m"}, "correlation_interval"),
        ({"max_order_notional": D(60_000_000)}, "max_order_notional"),  # > max position notional
        ({"max_position_notional": D(300_000_000)}, "max_position_notional"),  # > gross exposure
        ({"max_open_orders_per_symbol": 2000}, "max_open_orders_per_symbol"),  # > total
    ],
)
def test_bad_or_contradictory_limits_name_their_field(changes: dict, field: str) -> None:
    assert field in risk_limit_errors(limit_values(**changes))


def test_a_price_band_of_exactly_100_percent_is_allowed() -> None:
    assert risk_limit_errors(limit_values(price_band_pct=D(100))) == {}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({}, "non_field_errors"),
        ({"max_order_notional": D(-5)}, "max_order_notional"),
        ({"price_band_pct": D(0)}, "price_band_pct"),
        ({"max_open_orders": 0}, "max_open_orders"),
        ({"max_leverage": 200}, "max_leverage"),
        ({"max_order_notional": D(100), "max_position_notional": D(50)}, "max_order_notional"),
        ({"max_order_notional": D(60_000_000)}, "max_order_notional"),  # above the global position limit
        ({"max_position_notional": D(500_000_000)}, "max_position_notional"),  # above gross exposure
        ({"max_open_orders": 5000}, "max_open_orders"),
    ],
)
def test_bad_overrides_name_their_field(override: dict, field: str) -> None:
    assert field in override_errors(override, limit_values())


def test_a_tight_override_is_fine() -> None:
    assert override_errors({"max_order_notional": D(10), "max_leverage": 2}, limit_values()) == {}


def trading(**changes: object) -> dict:
    return {**TradingConfig().values(), **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"daily_loss_action": "PANIC"}, "daily_loss_action"),
        ({"deadman_countdown_ms": 500}, "deadman_countdown_ms"),
        ({"deadman_heartbeat_seconds": 120, "deadman_countdown_ms": 120_000}, "deadman_heartbeat_seconds"),
        ({"risk_monitor_interval_seconds": 0}, "risk_monitor_interval_seconds"),
        ({"spot_close_keep": {"BNB": "-1"}}, "spot_close_keep"),
        ({"spot_close_keep": {"bnb": "1"}}, "spot_close_keep"),
        ({"spot_close_keep": ["BNB"]}, "spot_close_keep"),
        ({"spot_close_quote_asset": "usdt"}, "spot_close_quote_asset"),
        ({"watch_symbols": ["BTCUSDT"]}, "watch_symbols"),
        ({"watch_symbols": ["SPOT:BTCUSDT", "SPOT:BTCUSDT"]}, "watch_symbols"),
        ({"watch_symbols": "SPOT:BTCUSDT"}, "watch_symbols"),
    ],
)
def test_bad_trading_config_names_its_field(changes: dict, field: str) -> None:
    assert field in trading_config_errors(trading(**changes), known=None)


def test_unknown_watch_symbols_are_named() -> None:
    errors = trading_config_errors(trading(watch_symbols=["SPOT:BTCUSDT", "USDM:NOPEUSDT"]), {"SPOT:BTCUSDT"})
    assert errors == {"watch_symbols": ["Unknown symbols: USDM:NOPEUSDT."]}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"theme": "blue"}, "theme"),
        ({"chart_interval": "2m"}, "chart_interval"),
        ({"default_market": "COINM"}, "default_market"),
        ({"layout": []}, "layout"),
        ({"order_ticket_defaults": {"quantity": "-1"}}, "order_ticket_defaults"),
        ({"order_ticket_defaults": {"leverage": 5}}, "order_ticket_defaults"),
        ({"order_ticket_defaults": {"confirm_above_notional": "0"}}, "order_ticket_defaults"),
        ({"watched_symbols": ["SPOT:NOPE"]}, "watched_symbols"),
    ],
)
def test_bad_preferences_name_their_field(values: dict, field: str) -> None:
    assert field in preference_errors(values, known=set())


def test_good_preferences_pass() -> None:
    values = {
        "theme": "light",
        "chart_interval": "15m",
        "default_market": "USDM",
        "layout": {"panels": ["chart", "book"]},
        "order_ticket_defaults": {
            "type": "LIMIT",
            "quantity": "0.01",
            "post_only": True,
            "confirm_above_notional": "2500",
        },
        "watched_symbols": ["SPOT:BTCUSDT"],
    }
    assert preference_errors(values, known={"SPOT:BTCUSDT"}) == {}
