"""Every order path meets the trading state: new orders, order lists and modifications."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.orders.domain.intent import PlacementIntent
from apps.orders.placement import OrderRefused, order_check
from apps.orders.pretrade import pretrade_checks, pretrade_violations
from apps.risk.domain.state import Scope
from apps.risk.pretrade import trading_state_check
from apps.risk.services import do_trading_state_set

D = Decimal


def set_state(scope: Scope, state: str) -> None:
    do_trading_state_set(actor=None, scope=scope, state=state, reason="test")


def mine(intent: PlacementIntent) -> list[str]:
    return [v.explanation for v in pretrade_violations(intent) if v.filter == "TRADING_STATE"]


def spot_sell(qty: str) -> PlacementIntent:
    return PlacementIntent(market="SPOT", symbol="BTCUSDT", side="SELL", type="MARKET", quantity=D(qty))


def test_the_check_is_registered_first() -> None:
    assert pretrade_checks[0] is trading_state_check


@pytest.mark.django_db
def test_reduce_only_takes_a_spot_sell_up_to_the_stored_holding(symbols: None) -> None:
    from apps.positions.models import Balance

    set_state(Scope("SPOT"), "REDUCE_ONLY")
    Balance.objects.create(market="SPOT", asset="BTC", free=D("0.7"), locked=D("0.3"))
    assert mine(spot_sell("1")) == []
    assert mine(spot_sell("1.1")) != []
    buy = PlacementIntent(market="SPOT", symbol="BTCUSDT", side="BUY", type="MARKET", quantity=D("0.1"))
    assert "spot buys are refused" in mine(buy)[0]
    # USD-M is not in the scope.
    assert (
        mine(PlacementIntent(market="USDM", symbol="BTCUSDT", side="BUY", type="MARKET", quantity=D("1")))
        == []
    )


@pytest.mark.django_db
def test_reduce_only_futures_follows_the_stored_hedge_positions(symbols: None) -> None:
    from apps.positions.models import Position
    from apps.symbols.models import Symbol

    set_state(Scope("USDM", "BTCUSDT"), "REDUCE_ONLY")
    symbol = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    Position.objects.create(symbol=symbol, position_side="LONG", quantity=D("0.5"))

    def fut(side: str, qty: str, ps: str) -> PlacementIntent:
        return PlacementIntent(
            market="USDM", symbol="BTCUSDT", side=side, type="MARKET", quantity=D(qty), position_side=ps
        )

    assert mine(fut("SELL", "0.5", "LONG")) == []
    assert mine(fut("SELL", "0.6", "LONG")) != []
    assert mine(fut("BUY", "0.1", "SHORT")) != []  # nothing short to close
    other = PlacementIntent(market="USDM", symbol="ETHUSDT", side="BUY", type="MARKET", quantity=D("1"))
    assert mine(other) == []


@pytest.mark.django_db
def test_a_halted_market_refuses_new_orders_through_the_api(symbols: None, trader_client: Any) -> None:
    set_state(Scope("USDM"), "HALTED")
    response = trader_client.post(
        "/api/orders/",
        {
            "market": "USDM",
            "symbol": "BTCUSDT",
            "side": "SELL",
            "type": "MARKET",
            "quantity": "0.01",
            "reduce_only": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Trading is HALTED for usdm (test)" in str(response.json())


@pytest.mark.django_db
def test_order_lists_and_modifications_meet_the_state_too(symbols: None, trader_user: Any) -> None:
    from apps.orders.lists import order_list_place
    from apps.orders.models import Order
    from apps.orders.modify import order_modify_request
    from apps.symbols.models import Symbol

    set_state(Scope("SPOT", "BTCUSDT"), "HALTED")
    above = PlacementIntent(
        market="SPOT", symbol="BTCUSDT", side="SELL", type="LIMIT_MAKER", quantity=D("0.01"), price=D("90000")
    )
    below = PlacementIntent(
        market="SPOT",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS",
        quantity=D("0.01"),
        stop_price=D("30000"),
    )
    with pytest.raises(OrderRefused) as refused:
        order_list_place(actor=trader_user, above=above, below=below)
    assert any("HALTED" in m for messages in refused.value.errors.values() for m in messages)

    order = Order.objects.create(
        client_order_id="t-mod-1",
        symbol=Symbol.objects.get(market="SPOT", symbol="BTCUSDT"),
        market="SPOT",
        side="BUY",
        order_type="LIMIT",
        time_in_force="GTC",
        requested_quantity=D("0.01"),
        requested_price=D("30000"),
        status="NEW",
    )
    with pytest.raises(OrderRefused):
        order_modify_request(actor=trader_user, order_id=order.pk, price=D("30100"))
    with pytest.raises(OrderRefused):
        order_check(intent=above)
