"""Config API: roles, validation (400 with field messages, the active version untouched), versions, audit,
usage, and each user's own preferences."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from apps.config.models import RiskLimits, TradingConfig, UserPreference
from apps.monitoring.models import AuditEvent

LIMITS = "/api/config/risk-limits/"
TRADING = "/api/config/trading/"


def test_anyone_with_a_role_reads_the_active_limits_as_strings(viewer_client: Any) -> None:
    body = viewer_client.get(LIMITS).json()
    assert (body["version"], body["is_active"], body["created_by"]) == (1, True, None)
    assert body["max_order_notional"] == "10000000" and body["price_band_pct"] == "25"
    assert body["max_leverage"] == 20 and body["overrides"] == []


def test_no_role_no_limits(outsider_api: Any, api_client: Any) -> None:
    assert outsider_api.get(LIMITS).status_code == 403
    assert api_client.get(LIMITS).status_code in (401, 403)


@pytest.mark.parametrize("persona", ["viewer_user", "trader_user"])
def test_viewers_and_traders_cannot_change_limits(
    persona: str, request: pytest.FixtureRequest, db: None
) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(request.getfixturevalue(persona))
    assert client.put(LIMITS, {"max_order_notional": "1"}, format="json").status_code == 403
    assert client.put(TRADING, {"deadman_enabled": False}, format="json").status_code == 403
    assert RiskLimits.objects.get(is_active=True).version == 1


def test_an_admin_activates_a_new_version_with_overrides(admin_api: Any, symbols: None) -> None:
    body = {
        "max_order_notional": "50000",
        "price_band_pct": "7.5",
        "overrides": [{"market": "USDM", "symbol": "btcusdt", "max_leverage": 3, "price_band_pct": "2"}],
        "comment": "tighter for the launch",
    }
    response = admin_api.put(LIMITS, body, format="json")
    assert response.status_code == 200, response.json()
    out = response.json()
    assert (out["version"], out["max_order_notional"], out["price_band_pct"]) == (2, "50000", "7.5")
    assert out["max_position_notional"] == "50000000"  # left out: kept
    assert out["overrides"] == [
        {
            "market": "USDM",
            "symbol": "BTCUSDT",
            "max_order_notional": None,
            "max_position_notional": None,
            "max_leverage": 3,
            "max_open_orders": None,
            "price_band_pct": "2",
        }
    ]
    assert out["created_by"] == "ada-admin" and out["comment"] == "tighter for the launch"
    old, new = RiskLimits.objects.order_by("version")
    assert (old.is_active, old.max_order_notional, new.is_active) == (False, D(10_000_000), True)
    # Overrides left out are kept; [] removes them.
    assert (
        admin_api.put(LIMITS, {"max_leverage": 10}, format="json").json()["overrides"][0]["max_leverage"] == 3
    )
    assert admin_api.put(LIMITS, {"overrides": []}, format="json").json()["overrides"] == []


def test_each_activation_is_audited_with_before_and_after(admin_api: Any) -> None:
    admin_api.put(LIMITS, {"daily_loss_limit": "2500"}, format="json")
    event = AuditEvent.objects.get(action="config.risk_limits.activate")
    assert (event.actor_label, event.target_type, event.target_id) == ("ada-admin", "risk_limits", "2")
    assert event.before["version"] == 1 and event.before["daily_loss_limit"] == "1000000.000000000000000000"
    assert event.after["version"] == 2 and D(event.after["daily_loss_limit"]) == D(2500)
    admin_api.put(TRADING, {"drawdown_action": "REDUCE_ONLY"}, format="json")
    event = AuditEvent.objects.get(action="config.trading.activate")
    assert (event.before["drawdown_action"], event.after["drawdown_action"]) == ("HALTED", "REDUCE_ONLY")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"max_order_notional": "-5"}, "max_order_notional"),
        ({"max_order_notional": 5000}, "max_order_notional"),  # a JSON number: decimals travel as strings
        ({"max_order_notional": "60000000"}, "max_order_notional"),  # above the position limit
        ({"price_band_pct": "0"}, "price_band_pct"),
        ({"price_band_pct": "100.5"}, "price_band_pct"),
        ({"max_leverage": 0}, "max_leverage"),
        ({"correlation_threshold": "2"}, "correlation_threshold"),
        ({"correlation_interval": "7m"}, "correlation_interval"),
        ({"overrides": [{"market": "USDM", "symbol": "NOPEUSDT", "max_leverage": 2}]}, "overrides"),
        ({"overrides": [{"market": "USDM", "symbol": "BTCUSDT"}]}, "overrides"),
        ({"overrides": [{"market": "USDM", "symbol": "BTCUSDT", "price_band_pct": "0"}]}, "overrides"),
    ],
)
def test_bad_limits_are_400_and_change_nothing(admin_api: Any, symbols: None, body: dict, field: str) -> None:
    response = admin_api.put(LIMITS, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert RiskLimits.objects.count() == 1 and RiskLimits.objects.get().is_active
    assert not AuditEvent.objects.filter(action="config.risk_limits.activate").exists()


def test_an_override_error_names_the_item_and_field(admin_api: Any, symbols: None) -> None:
    body = {
        "overrides": [
            {"market": "USDM", "symbol": "BTCUSDT", "max_leverage": 2},
            {"market": "SPOT", "symbol": "NOPEUSDT", "max_order_notional": "-1"},
        ]
    }
    errors = admin_api.put(LIMITS, body, format="json").json()["overrides"]
    assert errors[0] == {}
    assert errors[1]["symbol"] == ["Unknown symbol SPOT:NOPEUSDT."]
    assert errors[1]["max_order_notional"] == [
        "Must be greater than 0. To stop new risk, use the trading state instead."
    ]


def test_versions_are_listed_newest_first(admin_api: Any, viewer_client: Any) -> None:
    admin_api.put(LIMITS, {"max_leverage": 10}, format="json")
    admin_api.put(TRADING, {"risk_monitor_interval_seconds": 10}, format="json")
    body = viewer_client.get(f"{LIMITS}versions/").json()
    assert [(v["version"], v["is_active"]) for v in body["results"]] == [(2, True), (1, False)]
    body = viewer_client.get(f"{TRADING}versions/").json()
    assert [v["risk_monitor_interval_seconds"] for v in body["results"]] == [10, 5]


def test_the_trading_config_has_the_fields_the_risk_app_reads(viewer_client: Any) -> None:
    body = viewer_client.get(TRADING).json()
    assert {k: body[k] for k in ("daily_loss_action", "drawdown_action", "deadman_enabled")} == {
        "daily_loss_action": "REDUCE_ONLY",
        "drawdown_action": "HALTED",
        "deadman_enabled": True,
    }
    assert (body["deadman_countdown_ms"], body["deadman_heartbeat_seconds"]) == (120000, 30)
    assert (body["spot_close_quote_asset"], body["spot_close_keep"]) == ("USDT", {})
    assert body["watch_symbols"][0] == "SPOT:BTCUSDT"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"daily_loss_action": "PANIC"}, "daily_loss_action"),
        ({"deadman_heartbeat_seconds": 200}, "deadman_heartbeat_seconds"),
        ({"watch_symbols": ["SPOT:NOPEUSDT"]}, "watch_symbols"),
        ({"watch_symbols": ["BTCUSDT"]}, "watch_symbols"),
        ({"spot_close_keep": {"BNB": "-2"}}, "spot_close_keep"),
    ],
)
def test_bad_trading_config_is_400(admin_api: Any, symbols: None, body: dict, field: str) -> None:
    response = admin_api.put(TRADING, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert TradingConfig.objects.get(is_active=True).version == 1


def test_an_admin_changes_the_trading_config(admin_api: Any, symbols: None) -> None:
    body = {
        "watch_symbols": ["USDM:BNBUSDT"],
        "spot_close_keep": {"BNB": "0.5"},
        "market_data_stale_action": "HALTED",
    }
    out = admin_api.put(TRADING, body, format="json").json()
    assert (out["version"], out["watch_symbols"], out["spot_close_keep"]) == (
        2,
        ["USDM:BNBUSDT"],
        {"BNB": "0.5"},
    )
    from apps.config.selectors import active_trading_config

    assert active_trading_config().market_data_stale_action == "HALTED"


def test_usage_lists_every_limit_with_its_current_value(viewer_client: Any, symbols: None) -> None:
    from apps.orders.tests.factories import make_order
    from apps.positions.models import Position
    from apps.symbols.models import Symbol

    btc = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    Position.objects.create(
        symbol=btc, quantity=D("0.5"), mark_price=D(100000), notional=D(50000), leverage=25
    )
    make_order(symbol=btc, status="NEW")
    body = viewer_client.get("/api/risk/usage/").json()
    rows = {row["limit"]: row for row in body["limits"]}
    assert body["version"] == 1 and len(rows) == 11
    assert (rows["max_gross_exposure"]["current"], rows["max_gross_exposure"]["limit_value"]) == (
        "50000",
        "200000000",
    )
    assert rows["max_position_notional"]["detail"] == "USDM:BTCUSDT"
    assert (rows["max_leverage"]["current"], rows["max_leverage"]["used_pct"]) == ("25", "125")
    assert rows["max_open_orders_total"]["current"] == "1"
    assert rows["daily_loss_limit"]["current"] is None  # no equity snapshot yet
    assert rows["price_band_pct"]["current"] is None


def test_preferences_default_then_saved_for_that_user_only(
    viewer_client: Any, trader_client: Any, symbols: None
) -> None:
    assert viewer_client.get("/api/preferences/").json()["theme"] == "dark"
    body = {
        "theme": "light",
        "watched_symbols": ["SPOT:BTCUSDT"],
        "layout": {"left": ["book"]},
        "chart_interval": "15m",
    }
    response = viewer_client.put("/api/preferences/", body, format="json")
    assert response.status_code == 200, response.json()
    assert viewer_client.get("/api/preferences/").json()["watched_symbols"] == ["SPOT:BTCUSDT"]
    assert trader_client.get("/api/preferences/").json()["theme"] == "dark"
    trader_client.put("/api/preferences/", {"default_market": "USDM"}, format="json")
    assert UserPreference.objects.count() == 2
    assert viewer_client.get("/api/preferences/").json()["default_market"] == "SPOT"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"watched_symbols": ["SPOT:NOPE"]}, "watched_symbols"),
        ({"theme": "neon"}, "theme"),
        ({"chart_interval": "2m"}, "chart_interval"),
        ({"default_market": "COINM"}, "default_market"),
        ({"order_ticket_defaults": {"quantity": "abc"}}, "order_ticket_defaults"),
    ],
)
def test_bad_preferences_are_400(viewer_client: Any, symbols: None, body: dict, field: str) -> None:
    response = viewer_client.put("/api/preferences/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not UserPreference.objects.exists()


def test_preferences_need_a_role(outsider_api: Any) -> None:
    assert outsider_api.get("/api/preferences/").status_code == 403
    assert outsider_api.put("/api/preferences/", {"theme": "light"}, format="json").status_code == 403


def test_the_schema_documents_the_routes(admin_api: Any) -> None:
    schema = admin_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for route in (
        "/api/config/risk-limits/",
        "/api/config/trading/versions/",
        "/api/risk/usage/",
        "/api/preferences/",
    ):
        assert route in schema["paths"], route
