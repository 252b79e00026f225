"""Equity snapshots: spot balances at their USDT price, futures wallet plus unrealized, and the total."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from apps.exchange.domain.errors import RejectedError, TemporaryError
from apps.exchange.gateway import set_gateway
from apps.exchange.gateway.fake import FakeGateway
from apps.positions.models import Balance, EquitySnapshot, Position
from apps.positions.services import balances_reconcile, equity_snapshot_take

D = Decimal
NOW = datetime(2026, 11, 25, 12, 0, 30, 123456, tzinfo=UTC)


class _Unlisted(FakeGateway):
    """The fake, answering -1121 for pairs it has no price of, as the exchange does."""

    def ticker_price(self, market: Any, symbol: str) -> Decimal:
        if symbol not in self.prices:
            raise RejectedError("Invalid symbol.", code=-1121, explanation="no such pair")
        return super().ticker_price(market, symbol)


@pytest.fixture
def fake(db: None) -> Any:
    gateway = _Unlisted()
    set_gateway(gateway)
    yield gateway
    set_gateway(None)


def test_spot_futures_and_total_rows_are_stored_at_one_time(fake: Any) -> None:
    Balance.objects.create(market="SPOT", asset="USDT", free=D(1000))
    Balance.objects.create(market="SPOT", asset="BTC", free=D("0.4"), locked=D("0.1"))
    Balance.objects.create(market="SPOT", asset="ETH", free=D(2))
    Balance.objects.create(market="SPOT", asset="XYZ", free=D(7))
    rows = {r.market: r for r in equity_snapshot_take(now=NOW)}
    assert rows["SPOT"].equity == D(1000) + D("0.5") * 50000 + 2 * 3000 == D(32000)
    assert rows["SPOT"].unpriced == ["XYZ"]
    assert (rows["USDM"].wallet, rows["USDM"].unrealized, rows["USDM"].equity) == (D(10000), 0, D(10000))
    assert rows["TOTAL"].equity == D(42000) and rows["TOTAL"].unpriced == ["XYZ"]
    assert {r.time for r in rows.values()} == {NOW.replace(microsecond=0)}
    # The prices stay on the balances for the portfolio view and the pre-trade check.
    assert Balance.objects.get(asset="BTC").usdt_price == D(50000)
    assert Balance.objects.get(asset="XYZ").usdt_price is None
    # Taken twice in one second: one set of rows.
    equity_snapshot_take(now=NOW)
    assert EquitySnapshot.objects.count() == 3


def test_futures_equity_falls_back_to_stored_rows_when_the_exchange_cannot_be_read(
    fake: Any, usdm_btcusdt: Any
) -> None:
    Balance.objects.create(market="USDM", asset="USDT", wallet_balance=D(500))
    Position.objects.create(symbol=usdm_btcusdt, quantity=D("0.1"), unrealized_pnl=D(-20))
    fake.fail_next("account", TemporaryError("timeout"))
    usdm = next(r for r in equity_snapshot_take(now=NOW) if r.market == "USDM")
    assert (usdm.wallet, usdm.unrealized, usdm.equity) == (D(500), D(-20), D(480))


@pytest.mark.integration
def test_equity_against_the_local_exchange(symbols: None, gateway: Any) -> None:
    balances_reconcile(market="SPOT")
    rows = {r.market: r for r in equity_snapshot_take()}
    btc_price = Balance.objects.get(market="SPOT", asset="BTC").usdt_price
    assert btc_price is not None and btc_price > 0
    assert rows["SPOT"].equity == D(100000) + 2 * btc_price
    assert rows["USDM"].wallet == D(100000)
    assert rows["TOTAL"].equity == rows["SPOT"].equity + rows["USDM"].equity
