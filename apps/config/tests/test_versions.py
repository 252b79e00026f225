"""Versioned rows: one active at most (by the database), activation in one transaction, the defaults the
migration activates, and the per-process cache reloading when another process activates a version."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from apps.config import reload
from apps.config.models import RiskLimits, TradingConfig
from apps.config.selectors import active_risk_limits, active_trading_config, limits_for


def test_the_migration_activates_the_defaults(db: None) -> None:
    limits = RiskLimits.objects.get()
    assert (limits.version, limits.is_active, limits.comment) == (1, True, "Defaults (migration 0002)")
    assert limits.values() == RiskLimits().values()
    assert TradingConfig.objects.get(is_active=True).values() == TradingConfig().values()


@pytest.mark.parametrize("model", [RiskLimits, TradingConfig])
def test_two_active_versions_are_impossible(db: None, model: type[Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(version=99, is_active=True)
    model.objects.create(version=100, is_active=False)  # inactive rows: as many as history needs


@pytest.mark.parametrize(
    "values",
    [
        {"max_order_notional": D(-1)},
        {"price_band_pct": D(0)},
        {"price_band_pct": D(101)},
        {"max_order_notional": D(60_000_000)},  # above max_position_notional
        {"max_open_orders_per_symbol": 5000},  # above max_open_orders_total
    ],
)
def test_the_database_refuses_limits_the_checks_could_not_use(db: None, values: dict) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskLimits.objects.create(version=50, **values)


def test_activation_adds_a_version_and_never_edits_the_old_one(admin_user: Any) -> None:
    from apps.config.services import risk_limits_activate

    before = RiskLimits.objects.get().values()
    risk_limits_activate(actor=admin_user, changes={"max_leverage": 5}, comment="calmer")
    old, new = RiskLimits.objects.order_by("version")
    assert (old.is_active, old.values()) == (False, before)
    assert (new.version, new.is_active, new.max_leverage, new.created_by, new.comment) == (
        2,
        True,
        5,
        admin_user,
        "calmer",
    )


def test_a_failed_activation_leaves_the_active_version(admin_user: Any) -> None:
    from apps.config.services import ConfigInvalid, risk_limits_activate

    with pytest.raises(ConfigInvalid) as invalid:
        risk_limits_activate(actor=admin_user, changes={"price_band_pct": D(0)})
    assert "price_band_pct" in invalid.value.errors
    assert RiskLimits.objects.get(is_active=True).version == 1


def test_this_process_sees_its_own_activation_at_once(admin_user: Any, symbols: None) -> None:
    from apps.config.services import risk_limits_activate

    assert active_risk_limits().version == 1
    assert limits_for("USDM", "BTCUSDT").max_leverage == 20
    risk_limits_activate(
        actor=admin_user, changes={}, overrides=[{"market": "USDM", "symbol": "BTCUSDT", "max_leverage": 4}]
    )
    assert active_risk_limits().version == 2
    assert limits_for("USDM", "BTCUSDT").max_leverage == 4
    assert limits_for("USDM", "ETHUSDT").max_leverage == 20


def _activate_elsewhere(**values: Any) -> RiskLimits:
    """What another process's activation leaves in the database (without touching this process's cache)."""
    RiskLimits.objects.filter(is_active=True).update(is_active=False)
    top = RiskLimits.objects.order_by("-version").first()
    return RiskLimits.objects.create(version=(top.version if top else 0) + 1, is_active=True, **values)


def test_a_bumped_version_key_reloads_within_the_check_interval(db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(reload, "DB_CHECK_EVERY", 3600.0)  # only Redis can tell
    monkeypatch.setattr(reload, "CHECK_EVERY", 0.0)
    assert active_risk_limits().version == 1
    _activate_elsewhere(max_leverage=7)
    assert active_risk_limits().version == 1  # nobody said anything yet
    reload.config_version_bump()
    assert (active_risk_limits().version, active_risk_limits().max_leverage) == (2, 7)


def test_without_redis_the_database_is_asked(db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(reload, "CHECK_EVERY", 0.0)
    monkeypatch.setattr(reload, "config_version_token", lambda: None)
    assert active_trading_config().version == 1
    TradingConfig.objects.filter(is_active=True).update(is_active=False)
    TradingConfig.objects.create(version=2, is_active=True, deadman_enabled=False)
    assert active_trading_config().deadman_enabled is False


def test_within_the_check_interval_no_io_happens(db: None, monkeypatch: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calls: list[int] = []
    monkeypatch.setattr(reload, "CHECK_EVERY", 60.0)
    active_risk_limits()
    monkeypatch.setattr(reload, "config_version_token", lambda: calls.append(1))
    with CaptureQueriesContext(connection) as queries:
        for _ in range(100):
            active_risk_limits()
            limits_for("USDM", "BTCUSDT")
    assert (len(queries), calls) == (0, [])


def test_no_active_row_means_the_built_in_defaults(db: None) -> None:
    RiskLimits.objects.all().delete()
    limits = active_risk_limits()
    assert (limits.version, limits.pk, limits.values()) == (0, None, RiskLimits().values())


@pytest.mark.django_db(transaction=True)
def test_an_activation_rolled_back_leaves_nothing_in_the_cache() -> None:
    from apps.config.services import risk_limits_activate

    before = active_risk_limits()
    with pytest.raises(RuntimeError), transaction.atomic():
        risk_limits_activate(actor=None, changes={"max_leverage": 3})
        assert active_risk_limits().max_leverage == 3  # this transaction sees its own change
        raise RuntimeError
    after = active_risk_limits()
    assert (after.version, after.max_leverage) == (before.version, before.max_leverage)
