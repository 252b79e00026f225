"""History import against the real local exchange: our trades and trades placed outside the platform."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from binance.client import Client
from rest_framework.test import APIClient

from apps.exchange.domain.errors import TemporaryError
from apps.exchange.gateway import set_gateway
from apps.orders.models import Fill, Order
from apps.orders.tasks import submit_order
from apps.positions import history
from apps.positions.models import ImportCursor, IncomeRecord
from apps.positions.services import balances_reconcile, history_import

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.orders import tasks

    monkeypatch.setattr(tasks.submit_order, "delay", lambda order_id: None)


@pytest.fixture
def outside(sim: Any, account: dict[str, Any]) -> Client:
    """python-binance on the same account, as another program using our key would trade."""
    cls = type("SimClient", (Client,), {"API_URL": f"{sim.url}/api", "FUTURES_URL": f"{sim.url}/fapi"})
    return cls(account["api_key"], account["api_secret"], ping=False)


def exchange_trade_ids(client: Client, market: str, symbol: str = "BTCUSDT") -> set[int]:
    rows = (
        client.get_my_trades(symbol=symbol)
        if market == "SPOT"
        else client.futures_account_trades(symbol=symbol)
    )
    return {int(r["id"]) for r in rows}


def test_spot_trades_of_ours_and_from_outside_land_once(
    trader_client: APIClient, symbols: None, gateway: Any, outside: Client
) -> None:
    response = trader_client.post(
        "/api/orders/",
        {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"},
        format="json",
    )
    submit_order(response.json()["id"])
    ours = Order.objects.get()
    ours_trades = set(Fill.objects.filter(order=ours).values_list("exchange_trade_id", flat=True))
    outside.order_market_buy(symbol="BTCUSDT", quantity="0.002")
    outside.order_market_sell(symbol="BTCUSDT", quantity="0.001")
    at_exchange = exchange_trade_ids(outside, "SPOT")
    assert ours_trades < at_exchange

    report = history_import(market="SPOT")
    assert "BTCUSDT" in report.symbols
    fills = Fill.objects.filter(market="SPOT")
    assert set(fills.values_list("exchange_trade_id", flat=True)) == at_exchange
    assert report.trades_added == len(at_exchange - ours_trades) == report.external_trades_added
    external = fills.filter(order__isnull=True)
    assert external.count() == len(at_exchange - ours_trades)
    assert set(external.values_list("side", flat=True)) == {"BUY", "SELL"}
    assert all(f.exchange_order_id for f in external)
    assert set(fills.filter(order=ours).values_list("exchange_trade_id", flat=True)) == ours_trades

    again = history_import(market="SPOT")
    assert again.trades_added == 0 and Fill.objects.filter(market="SPOT").count() == len(at_exchange)


def test_trades_placed_only_outside_are_found_through_the_assets_held(
    symbols: None, gateway: Any, outside: Client
) -> None:
    outside.order_market_buy(symbol="BTCUSDT", quantity="0.001")
    balances_reconcile(market="SPOT")  # BTC and USDT held: BTCUSDT may have been traded
    report = history_import(market="SPOT")
    assert report.external_trades_added == len(exchange_trade_ids(outside, "SPOT")) > 0
    assert ImportCursor.objects.filter(what="spot_trades:BTCUSDT").exists()


class _DiesOnce:
    """The real gateway, except that one account_trades call fails as a dropped connection would."""

    def __init__(self, inner: Any, fail_on_call: int) -> None:
        self.inner = inner
        self.calls = 0
        self.fail_on_call = fail_on_call

    def account_trades(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise TemporaryError("connection reset")
        return self.inner.account_trades(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_an_interrupted_import_resumes_after_the_last_page_it_stored(
    symbols: None, gateway: Any, outside: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        outside.order_market_buy(symbol="BTCUSDT", quantity="0.001")
    at_exchange = exchange_trade_ids(outside, "SPOT")
    monkeypatch.setattr(history, "TRADES_LIMIT", 2)
    # Call 1 is the newest page (2 rows, older trades beyond it: windows from `since`), call 2 the first
    # window, call 3 the first page by id: that one dies.
    set_gateway(_DiesOnce(gateway, fail_on_call=3))
    try:
        with pytest.raises(TemporaryError):
            history_import(market="SPOT", symbols=["BTCUSDT"])
    finally:
        set_gateway(None)
    stored = set(Fill.objects.values_list("exchange_trade_id", flat=True))
    cursor = ImportCursor.objects.get(what="spot_trades:BTCUSDT")
    assert stored and stored < at_exchange and cursor.last_id == max(stored)

    report = history_import(market="SPOT", symbols=["BTCUSDT"])
    assert set(Fill.objects.values_list("exchange_trade_id", flat=True)) == at_exchange
    assert report.trades_added == len(at_exchange - stored)


def test_futures_trades_and_income_from_outside_land_once(
    symbols: None, gateway: Any, outside: Client
) -> None:
    outside.futures_create_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01")
    outside.futures_create_order(symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.01")
    at_exchange = exchange_trade_ids(outside, "USDM")
    income = outside.futures_income_history()
    assert income

    report = history_import(market="USDM")
    fills = Fill.objects.filter(market="USDM")
    assert set(fills.values_list("exchange_trade_id", flat=True)) == at_exchange
    assert all(f.order_id is None and f.realized_pnl is not None for f in fills)
    closing = fills.get(side="SELL")
    assert closing.realized_pnl == sum(
        (Decimal(r["income"]) for r in income if r["incomeType"] == "REALIZED_PNL"), Decimal(0)
    )
    assert report.income_added == IncomeRecord.objects.count() == len(income)
    assert set(IncomeRecord.objects.values_list("income_type", flat=True)) >= {"COMMISSION", "REALIZED_PNL"}

    again = history_import(market="USDM")
    assert (again.trades_added, again.income_added) == (0, 0)
    assert IncomeRecord.objects.count() == len(income)
