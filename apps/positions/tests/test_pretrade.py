"""The balance/margin pre-trade check through POST /api/orders/: refusals are 400s with field messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.orders.models import Order
from apps.orders.pretrade import pretrade_checks
from apps.positions.models import Balance, Position
from apps.positions.pretrade import balance_and_margin_check
from apps.symbols.models import Symbol

URL = "/api/orders/"
D = Decimal


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.orders import tasks

    monkeypatch.setattr(tasks.submit_order, "delay", lambda order_id: None)


def spot_balances(usdt: str = "20", btc: str = "0.0005") -> None:
    Balance.objects.create(market="SPOT", asset="USDT", free=D(usdt), usdt_price=D(1))
    Balance.objects.create(market="SPOT", asset="BTC", free=D(btc), usdt_price=D(50000))


def futures_wallet(usdt: str = "100") -> None:
    Balance.objects.create(
        market="USDM",
        asset="USDT",
        wallet_balance=D(usdt),
        cross_wallet_balance=D(usdt),
        available_balance=D(usdt),
    )


def order(client: APIClient, **fields: Any) -> Any:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", **fields}
    return client.post(URL, body, format="json")


def test_the_check_is_registered_once_by_the_app() -> None:
    assert pretrade_checks.count(balance_and_margin_check) == 1


def test_without_any_synced_balance_orders_are_not_blocked(trader_client: APIClient, symbols: None) -> None:
    assert order(trader_client, quantity="0.001", price="30000").status_code == 202
    futures_wallet("0")  # futures synced: spot still unknown, so still not blocked
    assert order(trader_client, quantity="0.001", price="30000").status_code == 202


def test_a_spot_buy_beyond_the_free_quote_balance_is_refused(trader_client: APIClient, symbols: None) -> None:
    spot_balances(usdt="20")
    response = order(trader_client, quantity="0.001", price="30000")
    assert response.status_code == 400
    [message] = response.json()["quantity"]
    assert message == "Buying needs 30 USDT but only 20 USDT is free."
    assert not Order.objects.exists()
    assert order(trader_client, quantity="0.0005", price="30000").status_code == 202


def test_a_spot_market_buy_counts_the_taker_fee_at_the_last_price(
    trader_client: APIClient, symbols: None
) -> None:
    spot_balances(usdt="20")
    # 0.0004 BTC at 50000 is 20 USDT; with the 0.1 % taker fee of headroom it is 20.02.
    response = order(trader_client, type="MARKET", quantity="0.0004")
    assert response.status_code == 400
    assert "needs 20.02 USDT" in response.json()["quantity"][0]
    assert order(trader_client, type="MARKET", quantity="0.00039").status_code == 202


def test_a_spot_market_buy_by_quote_amount_and_a_sell_beyond_the_base(
    trader_client: APIClient, symbols: None
) -> None:
    spot_balances(usdt="20", btc="0.0005")
    quote = order(trader_client, type="MARKET", quote_quantity="25")
    assert quote.status_code == 400 and "25 USDT" in quote.json()["quote_quantity"][0]
    sell = order(trader_client, side="SELL", quantity="0.001", price="30000")
    assert sell.status_code == 400
    assert sell.json()["quantity"] == ["Selling needs 0.001 BTC but only 0.0005 BTC is free."]


def test_orders_not_yet_acknowledged_hold_their_amount(trader_client: APIClient, symbols: None) -> None:
    spot_balances(usdt="20")
    assert order(trader_client, quantity="0.0005", price="30000").status_code == 202  # 15 USDT, PENDING_NEW
    second = order(trader_client, quantity="0.0005", price="30000")
    assert second.status_code == 400 and "only 5 USDT is free" in second.json()["quantity"][0]


def futures(client: APIClient, **fields: Any) -> Any:
    return order(client, **{"market": "USDM", "quantity": "0.1", "price": "30000", **fields})


def test_a_futures_order_beyond_the_available_margin_is_refused(
    trader_client: APIClient, symbols: None
) -> None:
    futures_wallet("100")
    response = futures(trader_client)
    assert response.status_code == 400
    assert response.json()["quantity"] == [
        "This order needs 150 USDT of initial margin (notional 3000 at 20x leverage) "
        "but only 100 USDT is available."
    ]


def test_reduce_only_and_close_position_orders_are_exempt(trader_client: APIClient, symbols: None) -> None:
    futures_wallet("100")
    assert futures(trader_client, reduce_only=True).status_code == 202
    stop = order(
        trader_client, market="USDM", side="SELL", type="STOP_MARKET", stop_price="25000", close_position=True
    )
    assert stop.status_code == 202, stop.json()


def test_the_stored_leverage_of_the_symbol_is_used(trader_client: APIClient, symbols: None) -> None:
    futures_wallet("100")
    assert futures(trader_client, quantity="0.05").status_code == 202  # 1500 at the default 20x: 75
    Order.objects.all().delete()
    symbol = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    Position.objects.create(symbol=symbol, leverage=10)  # flat: only the symbol's setting
    refused = futures(trader_client, quantity="0.05")
    assert refused.status_code == 400
    assert "(notional 1500 at 10x leverage)" in refused.json()["quantity"][0]


def test_open_orders_and_open_positions_use_margin(trader_client: APIClient, symbols: None) -> None:
    futures_wallet("100")
    assert futures(trader_client, quantity="0.05").status_code == 202  # 75 of the 100
    refused = futures(trader_client, quantity="0.02")  # 30 more
    assert refused.status_code == 400 and "only 25 USDT is available" in refused.json()["quantity"][0]


def test_closing_the_opposite_side_needs_no_margin(trader_client: APIClient, symbols: None) -> None:
    futures_wallet("100")
    symbol = Symbol.objects.get(market="USDM", symbol="BTCUSDT")
    Position.objects.create(
        symbol=symbol,
        quantity=D("0.02"),
        entry_price=D(30000),
        mark_price=D(30000),
        notional=D(600),
        leverage=20,
    )
    # 100 - 30 of position margin leaves 70: a 0.02 SELL closes the long; a 0.1 SELL opens 0.08 short (120).
    assert futures(trader_client, side="SELL", quantity="0.02").status_code == 202
    Order.objects.all().delete()
    refused = futures(trader_client, side="SELL", quantity="0.1")
    assert refused.status_code == 400 and "only 70 USDT is available" in refused.json()["quantity"][0]
