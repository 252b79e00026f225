"""Back office: a version is read-only; the add form, prefilled from the active version, activates a new one
(overrides included) through the service: validated, audited, hot-reloaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.config.models import RiskLimits, TradingConfig
from apps.monitoring.models import AuditEvent

ADD = "/admin/config/risklimits/add/"


@pytest.fixture
def admin_client(db: None) -> Client:
    """The back office as a superuser (the `admin_user` persona holds the admin role, not staff status)."""
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    return client


def _form(admin_client: Any, url: str) -> dict[str, Any]:
    """The add form's initial values, as a browser would post them back."""
    form = admin_client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    return data


def _inline(symbol_id: int | str = "", **values: Any) -> dict[str, Any]:
    data = {
        "overrides-TOTAL_FORMS": "1",
        "overrides-INITIAL_FORMS": "0",
        "overrides-MIN_NUM_FORMS": "0",
        "overrides-MAX_NUM_FORMS": "1000",
        "overrides-0-symbol": symbol_id,
    }
    for name in (
        "max_order_notional",
        "max_position_notional",
        "max_leverage",
        "max_open_orders",
        "price_band_pct",
    ):
        data[f"overrides-0-{name}"] = values.get(name, "")
    return data


def test_versions_can_be_viewed_but_not_changed(admin_client: Any) -> None:
    row = RiskLimits.objects.get()
    url = f"/admin/config/risklimits/{row.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"comment": "edited"}).status_code == 403
    assert RiskLimits.objects.get().comment == "Defaults (migration 0002)"


def test_the_add_form_activates_a_new_version_with_an_override(admin_client: Any, symbols: None) -> None:
    from apps.config.selectors import limits_for
    from apps.symbols.models import Symbol

    data = _form(admin_client, ADD)
    assert data["max_order_notional"] == RiskLimits.objects.get().max_order_notional
    btc = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    response = admin_client.post(
        ADD, {**data, "max_leverage": "8", "comment": "from the form", **_inline(btc.pk, max_leverage="3")}
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    new = RiskLimits.objects.get(is_active=True)
    assert (new.version, new.max_leverage, new.comment) == (2, 8, "from the form")
    assert [(o.symbol_id, o.max_leverage) for o in new.overrides.all()] == [(btc.pk, 3)]
    assert AuditEvent.objects.filter(action="config.risk_limits.activate", target_id="2").exists()
    assert limits_for("USDM", "BTCUSDT").max_leverage == 3
    # The next add form starts from this version, overrides included.
    inline = admin_client.get(ADD).context["inline_admin_formsets"][0].formset
    assert inline.forms[0].initial["symbol"] == btc.pk


def test_the_add_form_refuses_contradictory_limits(admin_client: Any, symbols: None) -> None:
    from apps.symbols.models import Symbol

    data = _form(admin_client, ADD)
    response = admin_client.post(ADD, {**data, "max_order_notional": "999999999", **_inline()})
    assert response.status_code == 200 and "max_order_notional" in response.context["adminform"].form.errors
    btc = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    response = admin_client.post(ADD, {**data, **_inline(btc.pk, price_band_pct="0")})
    assert response.status_code == 200
    assert RiskLimits.objects.count() == 1


def test_the_trading_config_add_form_activates_a_new_version(admin_client: Any) -> None:
    url = "/admin/config/tradingconfig/add/"
    data = _form(admin_client, url)
    data["deadman_enabled"] = ""  # unchecked
    data["spot_close_keep"] = "{}"
    data["watch_symbols"] = '["SPOT:BTCUSDT", "SPOT:ETHUSDT", "USDM:BTCUSDT", "USDM:ETHUSDT"]'
    response = admin_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    assert (
        TradingConfig.objects.get(is_active=True).version,
        TradingConfig.objects.get(version=2).deadman_enabled,
    ) == (
        2,
        False,
    )
