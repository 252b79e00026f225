"""The USD-M dead-man switch: heartbeats keep the exchange's countdown armed; when they stop, the exchange
itself cancels the orders. Health is stored and shown by /readyz ("deadman") and the API."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from apps.exchange.domain.errors import TemporaryError
from apps.exchange.domain.types import OrderRequest
from apps.risk.conf import RiskSettings
from apps.risk.deadman import check_deadman, deadman_heartbeat
from apps.risk.models import DeadmanHeartbeat
from apps.risk.tests.conftest import at, cid

ON = RiskSettings(deadman_enabled=True, deadman_countdown_ms=1500, deadman_heartbeat_seconds=1)


def _resting_futures_order(gw: Any) -> None:
    mark = gw.ticker_price("futures", "BTCUSDT")
    gw.place_order(
        "futures",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            client_order_id=cid(),
            quantity=Decimal("0.01"),
            price=at(mark, "0.8", "0.1"),
            time_in_force="GTC",
        ),
    )


@pytest.mark.integration
def test_when_heartbeats_stop_the_exchange_cancels_the_orders(gateway: Any) -> None:
    _resting_futures_order(gateway)
    deadline = time.monotonic() + 3.0  # twice the countdown: alive only thanks to the heartbeats
    while time.monotonic() < deadline:
        beat = deadman_heartbeat(settings=ON)
        assert beat == {"enabled": True, "symbols": ["BTCUSDT"], "errors": []}
        time.sleep(0.4)
    assert len(gateway.open_orders("futures", "BTCUSDT")) == 1
    row = DeadmanHeartbeat.objects.get()
    assert row.last_error == "" and row.symbols == ["BTCUSDT"] and row.countdown_ms == 1500
    check_deadman_with(ON)

    time.sleep(2.5)  # the platform "died": no heartbeat
    assert gateway.open_orders("futures", "BTCUSDT") == []

    # Nothing open any more: the next heartbeat (once the exchange list is read again) disarms.
    DeadmanHeartbeat.objects.update(exchange_checked_at=timezone.now() - timedelta(minutes=5))
    assert deadman_heartbeat(settings=ON)["symbols"] == []


@pytest.mark.django_db
def test_heartbeats_arm_and_disarm_per_symbol_and_failures_show_in_readiness(fake_gateway: Any) -> None:
    calls: list[tuple[str, int]] = []
    fake_gateway.countdown_cancel_all = lambda symbol, *, countdown_ms: calls.append((symbol, countdown_ms))
    fake_gateway.place_order(
        "futures",
        OrderRequest(
            symbol="ETHUSDT",
            side="BUY",
            type="LIMIT",
            client_order_id="d1",
            quantity=Decimal("1"),
            price=Decimal("100"),
        ),
    )
    assert deadman_heartbeat(settings=ON)["symbols"] == ["ETHUSDT"]
    assert calls == [("ETHUSDT", 1500)]

    fake_gateway.cancel_all_orders("futures", "ETHUSDT")
    DeadmanHeartbeat.objects.update(exchange_checked_at=None)
    assert deadman_heartbeat(settings=ON)["symbols"] == []
    assert calls[-1] == ("ETHUSDT", 0)  # disarmed

    fake_gateway.place_order(
        "futures",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            client_order_id="d2",
            quantity=Decimal("1"),
            price=Decimal("100"),
        ),
    )
    DeadmanHeartbeat.objects.update(exchange_checked_at=None)

    def broken(symbol: str, *, countdown_ms: int) -> None:
        raise TemporaryError("exchange unreachable")

    fake_gateway.countdown_cancel_all = broken
    assert deadman_heartbeat(settings=ON)["errors"]
    with pytest.raises(RuntimeError, match="last heartbeat failed"):
        check_deadman_with(ON)

    off = deadman_heartbeat(settings=RiskSettings(deadman_enabled=False))
    assert off == {"enabled": False, "symbols": [], "errors": []}
    check_deadman_with(RiskSettings(deadman_enabled=False))


def check_deadman_with(settings: RiskSettings) -> None:
    from unittest import mock

    with mock.patch("apps.risk.deadman.risk_settings", return_value=settings):
        check_deadman()
