"""Futures settings through /api/futures/ against the local exchange: read back, validated, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework.test import APIClient

from apps.exchange.domain.types import OrderRequest
from apps.monitoring.models import AuditEvent


def _resting_buy(gateway: Any, client_order_id: str) -> None:
    price = gateway.ticker_price("futures", "BTCUSDT")
    gateway.place_order(
        "futures",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            client_order_id=client_order_id,
            quantity=Decimal("0.01"),
            price=Decimal(int(price * Decimal("0.8"))),
            time_in_force="GTC",
        ),
    )


def test_a_viewer_reads_the_settings_the_exchange_reports(
    viewer_client: APIClient, symbols: None, gateway: Any
) -> None:
    response = viewer_client.get("/api/futures/settings/", {"symbol": "btcusdt"})
    assert response.status_code == 200, response.json()
    body = response.json()
    config = gateway.futures_symbol_config("BTCUSDT")
    assert body == {
        "symbol": "BTCUSDT",
        "leverage": config.leverage,
        "max_leverage": config.max_leverage,
        "margin_type": "CROSSED",
        "position_mode": "one-way",
    }
    assert body["max_leverage"] > 1


def test_a_viewer_cannot_change_settings(viewer_client: APIClient, symbols: None, gateway: Any) -> None:
    response = viewer_client.post(
        "/api/futures/leverage/", {"symbol": "BTCUSDT", "leverage": 3}, format="json"
    )
    assert response.status_code == 403
    assert gateway.futures_symbol_config("BTCUSDT").leverage != 3


def test_a_trader_changes_leverage_and_the_change_is_audited(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    before = gateway.futures_symbol_config("BTCUSDT").leverage
    response = trader_client.post(
        "/api/futures/leverage/", {"symbol": "BTCUSDT", "leverage": 7}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["leverage"] == 7
    assert gateway.futures_symbol_config("BTCUSDT").leverage == 7
    event = AuditEvent.objects.get(action="futures.leverage")
    assert (event.target_id, event.before["leverage"], event.after["leverage"]) == ("BTCUSDT", before, 7)


def test_leverage_outside_the_brackets_is_refused_before_the_exchange(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    top = gateway.futures_symbol_config("BTCUSDT").max_leverage
    for bad in (0, top + 1, "x"):
        response = trader_client.post(
            "/api/futures/leverage/", {"symbol": "BTCUSDT", "leverage": bad}, format="json"
        )
        assert response.status_code == 400 and "leverage" in response.json(), (bad, response.json())
    unknown = trader_client.post("/api/futures/leverage/", {"symbol": "NOPE", "leverage": 2}, format="json")
    assert unknown.status_code == 400 and "symbol" in unknown.json()
    assert not AuditEvent.objects.filter(action="futures.leverage").exists()


def test_margin_type_switches_and_a_repeat_comes_back_with_binances_code(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    body = {"symbol": "BTCUSDT", "margin_type": "ISOLATED"}
    response = trader_client.post("/api/futures/margin-type/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["margin_type"] == "ISOLATED"
    event = AuditEvent.objects.get(action="futures.margin_type")
    assert (event.before["margin_type"], event.after["margin_type"]) == ("CROSSED", "ISOLATED")
    again = trader_client.post("/api/futures/margin-type/", body, format="json")
    assert again.status_code == 400
    assert again.json()["code"] == -4046 and again.json()["explanation"]
    assert AuditEvent.objects.filter(action="futures.margin_type").count() == 1
    bad = trader_client.post("/api/futures/margin-type/", {**body, "margin_type": "cross"}, format="json")
    assert bad.status_code == 400 and "margin_type" in bad.json()


def test_margin_type_cannot_change_with_an_open_order(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    _resting_buy(gateway, "fs-open-1")
    body = {"symbol": "BTCUSDT", "margin_type": "ISOLATED"}
    response = trader_client.post("/api/futures/margin-type/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == -4047
    assert "open orders" in response.json()["explanation"]
    assert gateway.futures_symbol_config("BTCUSDT").margin_type == "CROSSED"


def test_position_mode_switches_to_hedge_and_back(
    trader_client: APIClient, viewer_client: APIClient, symbols: None, gateway: Any
) -> None:
    response = trader_client.post("/api/futures/position-mode/", {"position_mode": "hedge"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"position_mode": "hedge"}
    read = viewer_client.get("/api/futures/settings/", {"symbol": "BTCUSDT"}).json()
    assert read["position_mode"] == "hedge"
    same = trader_client.post("/api/futures/position-mode/", {"position_mode": "hedge"}, format="json")
    assert same.status_code == 400 and same.json()["code"] == -4059
    back = trader_client.post("/api/futures/position-mode/", {"position_mode": "one-way"}, format="json")
    assert back.json() == {"position_mode": "one-way"}
    events = AuditEvent.objects.filter(action="futures.position_mode").order_by("id")
    assert [(e.before, e.after) for e in events] == [
        ({"position_mode": "one-way"}, {"position_mode": "hedge"}),
        ({"position_mode": "hedge"}, {"position_mode": "one-way"}),
    ]
    bad = trader_client.post("/api/futures/position-mode/", {"position_mode": "dual"}, format="json")
    assert bad.status_code == 400 and "position_mode" in bad.json()


def test_position_mode_cannot_change_with_an_open_order(
    trader_client: APIClient, symbols: None, gateway: Any
) -> None:
    _resting_buy(gateway, "fs-open-2")
    response = trader_client.post("/api/futures/position-mode/", {"position_mode": "hedge"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == -4067
    assert not AuditEvent.objects.filter(action="futures.position_mode").exists()


def test_leverage_above_the_risk_limit_is_refused_before_the_exchange(
    trader_client: APIClient, admin_user: Any, symbols: None, gateway: Any
) -> None:
    from apps.config.selectors import config_caches_clear
    from apps.config.services import risk_limits_activate

    risk_limits_activate(actor=admin_user, changes={"max_leverage": 5}, comment="tighter")
    config_caches_clear()
    before = gateway.futures_symbol_config("BTCUSDT").leverage
    url = "/api/futures/leverage/"
    refused = trader_client.post(url, {"symbol": "BTCUSDT", "leverage": 6}, format="json")
    assert refused.status_code == 400
    assert "risk limits allow leverage up to 5" in refused.json()["leverage"][0]
    assert gateway.futures_symbol_config("BTCUSDT").leverage == before
    allowed = trader_client.post(url, {"symbol": "BTCUSDT", "leverage": 5}, format="json")
    assert allowed.status_code == 200, allowed.json()
