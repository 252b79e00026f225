"""The registered check against stored rows: positions, balances, open orders, equity, overrides."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from apps.orders.domain.intent import PlacementIntent


def intent(**values: Any) -> PlacementIntent:
    base: dict[str, Any] = {
        "market": "USDM",
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "quantity": D("0.01"),
        "price": D(100000),
        "time_in_force": "GTC",
    }
    return PlacementIntent(**{**base, **values})


def limits(admin_user: Any, overrides: list[dict[str, Any]] | None = None, **changes: Any) -> None:
    from apps.config.services import risk_limits_activate

    risk_limits_activate(actor=admin_user, changes=changes, overrides=overrides)


def position(
    symbol: str = "BTCUSDT", *, quantity: str, mark: str, age: timedelta = timedelta(0), **kw: Any
) -> None:
    from apps.positions.models import Position
    from apps.symbols.models import Symbol

    Position.objects.create(
        symbol=Symbol.objects.get(market="USDM", symbol=symbol),
        quantity=D(quantity),
        mark_price=D(mark),
        notional=D(quantity) * D(mark),
        updated_at=timezone.now() - age,
        **kw,
    )


def found(value: PlacementIntent) -> list[str]:
    from apps.config.pretrade import risk_violations

    return [v.limit for v in risk_violations(value)]


def test_the_check_is_registered_once() -> None:
    from apps.config.pretrade import risk_limits_check
    from apps.orders.pretrade import pretrade_checks

    assert pretrade_checks.count(risk_limits_check) == 1


def test_the_defaults_let_an_ordinary_order_through(symbols: None) -> None:
    assert found(intent()) == []


def test_order_placement_refuses_with_field_messages(symbols: None, admin_user: Any) -> None:
    from apps.orders.placement import OrderRefused, order_check

    limits(admin_user, max_order_notional=D(500))
    with pytest.raises(OrderRefused) as refused:
        order_check(intent=intent())  # 0.01 x 100,000 = 1,000
    assert refused.value.errors == {
        "quantity": ["This order is worth 1,000.00 USDT; one order may be worth at most 500.00 USDT."]
    }


def test_a_symbol_override_tightens_only_that_symbol(symbols: None, admin_user: Any) -> None:
    limits(admin_user, overrides=[{"market": "USDM", "symbol": "BTCUSDT", "max_order_notional": D(100)}])
    assert found(intent()) == ["max_order_notional"]
    assert found(intent(symbol="ETHUSDT", price=D(3000), quantity=D("0.3"))) == []


def test_position_and_exposure_come_from_stored_positions(symbols: None, admin_user: Any) -> None:
    limits(
        admin_user, max_position_notional=D(10000), max_gross_exposure=D(12500), max_order_notional=D(5000)
    )
    position(quantity="0.09", mark="100000")  # 9,000
    position("ETHUSDT", quantity="-1", mark="2500")  # short 2,500: |notional| counts
    assert found(intent()) == []  # position 10,000 and gross 12,500: at both limits
    assert found(intent(quantity=D("0.02"))) == ["max_position_notional", "max_gross_exposure"]
    assert found(intent(quantity=D("0.02"), side="SELL")) == []  # shrinks the long


def test_reduce_only_and_close_position_pass_the_risk_adding_checks(symbols: None, admin_user: Any) -> None:
    limits(admin_user, max_position_notional=D(1000), max_order_notional=D(1000), max_leverage=5)
    position(quantity="0.5", mark="100000", leverage=20)
    assert found(intent(quantity=D("0.001"))) == ["max_position_notional", "max_leverage"]
    assert found(intent(side="SELL", quantity=D("0.2"), reduce_only=True)) == []
    assert (
        found(
            intent(
                side="SELL",
                type="STOP_MARKET",
                quantity=None,
                price=None,
                stop_price=D(90000),
                close_position=True,
            )
        )
        == []
    )


def test_the_price_band_uses_a_fresh_mark_price_and_skips_a_stale_one(symbols: None, admin_user: Any) -> None:
    limits(admin_user, price_band_pct=D(5))
    position(quantity="0.001", mark="100000")
    assert found(intent(price=D(106000))) == ["price_band_pct"]
    assert found(intent(price=D(104000))) == []
    # reduce-only is still held to the band
    assert found(intent(price=D(80000), side="SELL", reduce_only=True)) == ["price_band_pct"]


def test_no_fresh_price_means_no_band_check(symbols: None, admin_user: Any) -> None:
    limits(admin_user, price_band_pct=D(5))
    position(quantity="0.001", mark="100000", age=timedelta(hours=1))
    assert found(intent(price=D(150000))) == []


def test_spot_reference_and_exposure_come_from_balance_prices(symbols: None, admin_user: Any) -> None:
    from apps.positions.models import Balance

    limits(admin_user, price_band_pct=D(10), max_position_notional=D(7000), max_order_notional=D(5000))
    now = timezone.now()
    Balance.objects.create(market="SPOT", asset="BTC", free=D("0.05"), usdt_price=D(100000), priced_at=now)
    Balance.objects.create(market="SPOT", asset="USDT", free=D(100000), usdt_price=D(1), priced_at=now)
    spot = {"market": "SPOT", "quantity": D("0.01")}
    assert found(intent(**spot, price=D(120000))) == ["price_band_pct"]
    assert found(intent(**spot, price=D(101000))) == []  # 5,000 held + 1,010
    assert found(intent(**{**spot, "quantity": D("0.03")}, price=D(100000))) == ["max_position_notional"]


def test_open_orders_and_the_order_rate_count_stored_orders(symbols: None, admin_user: Any) -> None:
    from apps.orders.tests.factories import make_order
    from apps.symbols.models import Symbol

    limits(admin_user, max_open_orders_per_symbol=2, max_open_orders_total=3, max_orders_per_minute=3)
    btc = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    eth = Symbol.objects.get(market="USDM", symbol="ETHUSDT")
    make_order(symbol=btc, status="NEW")
    assert found(intent()) == []
    make_order(symbol=btc, status="PARTIALLY_FILLED")
    make_order(symbol=btc, status="FILLED", created_at=timezone.now() - timedelta(minutes=5))
    assert found(intent()) == ["max_open_orders_per_symbol"]
    make_order(symbol=eth, status="NEW")
    assert found(intent(symbol="ETHUSDT", price=D(3000))) == [
        "max_open_orders_total",
        "max_orders_per_minute",
    ]


def test_daily_loss_and_drawdown_come_from_equity_snapshots(symbols: None, admin_user: Any) -> None:
    from apps.positions.models import EquitySnapshot

    limits(admin_user, daily_loss_limit=D(1000), max_drawdown_pct=D(10))
    now = timezone.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for time, equity in (
        (midnight - timedelta(days=3), "12000"),
        (midnight - timedelta(minutes=1), "11000"),
        (now - timedelta(seconds=30), "9500"),
    ):
        EquitySnapshot.objects.create(time=time, market="TOTAL", equity=D(equity))
    # Today: 9,500 - 11,000 = -1,500; drawdown from 12,000: 20.8 %.
    assert found(intent()) == ["daily_loss_limit", "max_drawdown_pct"]
    position(quantity="0.01", mark="100000")
    assert found(intent(side="SELL")) == []  # closing is always allowed
