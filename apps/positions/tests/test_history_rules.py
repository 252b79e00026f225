"""History import rules that need no exchange: deferral behind unacknowledged orders, orphan adoption."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from apps.exchange.domain.types import AccountTrade
from apps.orders.models import Fill
from apps.orders.tests.factories import make_order
from apps.positions.common import to_ms
from apps.positions.models import ImportCursor
from apps.positions.services import history_import

pytestmark = pytest.mark.django_db

D = Decimal


def trade(trade_id: int, order_id: int, side: str = "BUY") -> AccountTrade:
    return AccountTrade(
        market="spot",
        symbol="BTCUSDT",
        trade_id=trade_id,
        order_id=order_id,
        side=side,
        price=D(50000),
        quantity=D("0.001"),
        quote_quantity=D(50),
        commission=D(0),
        commission_asset="BNB",
        maker=False,
        realized_pnl=None,
        position_side=None,
        time_ms=to_ms(timezone.now()),
    )


def test_a_trade_of_an_unknown_order_waits_while_one_of_ours_awaits_its_order_id(
    fake_gateway: Any, spot_btcusdt: Any
) -> None:
    ours = make_order(symbol=spot_btcusdt, status="PENDING_NEW")
    fake_gateway.trades = [trade(1, 500)]
    report = history_import(market="SPOT", symbols=["BTCUSDT"])
    assert report.deferred == ["BTCUSDT"] and not Fill.objects.exists()
    assert ImportCursor.objects.get(what="spot_trades:BTCUSDT").last_id is None

    # The acknowledgement arrives with orderId 500: the trade is ours after all.
    type(ours).objects.filter(pk=ours.pk).update(status="FILLED", exchange_order_id=500)
    report = history_import(market="SPOT", symbols=["BTCUSDT"])
    fill = Fill.objects.get()
    assert report.deferred == [] and fill.order_id == ours.pk and report.external_trades_added == 0


def test_an_orphan_fill_joins_its_order_once_the_order_is_known(fake_gateway: Any, spot_btcusdt: Any) -> None:
    fake_gateway.trades = [trade(1, 777, side="SELL")]
    assert history_import(market="SPOT", symbols=["BTCUSDT"]).external_trades_added == 1
    orphan = Fill.objects.get()
    assert orphan.order_id is None and orphan.exchange_order_id == 777 and orphan.side == "SELL"
    adopted = make_order(
        symbol=spot_btcusdt, side="SELL", external=True, exchange_order_id=777, status="FILLED"
    )
    assert history_import(market="SPOT", symbols=["BTCUSDT"]).trades_added == 0
    orphan.refresh_from_db()
    assert orphan.order_id == adopted.pk


def test_trades_older_than_since_move_the_cursor_but_are_not_stored(
    fake_gateway: Any, spot_btcusdt: Any
) -> None:
    fake_gateway.trades = [trade(1, 5)]
    report = history_import(market="SPOT", symbols=["BTCUSDT"], since=timezone.now() + timedelta(hours=1))
    assert report.trades_added == 0 and not Fill.objects.exists()
    assert ImportCursor.objects.get(what="spot_trades:BTCUSDT").last_id == 1
