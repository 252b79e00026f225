"""Fixtures of the risk tests.

The local exchange (`local_exchange`, a real `python -m simulator` shared by the session), its per-test
reset (`sim`), a runtime pointed at it and a gateway with active keys come from the exchange app's
fixtures; symbols are seeded from the exchange's own exchangeInfo by the orders app's fixture. The
account here also holds ETH (a second asset to sell) and a little BNB (dust: below BNBUSDT's lot step).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from apps.exchange.tests.conftest import gateway, prefix, redis_client, runtime_for, sim
from apps.orders.tests.conftest import symbols
from tests.fixtures.local_exchange import LocalExchange

__all__ = ["gateway", "prefix", "redis_client", "runtime_for", "sim", "symbols"]


@pytest.fixture
def account(sim: LocalExchange) -> dict[str, Any]:
    return sim.create_account(
        balances={"USDT": "100000", "BTC": "2", "ETH": "5", "BNB": "0.0004"},
        futures_balances={"USDT": "100000"},
    )


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks are called as functions here; nothing is sent to a broker no worker of this test reads."""
    from apps.orders import tasks as order_tasks
    from apps.risk import tasks as risk_tasks

    for name in ("submit_order", "cancel_order", "modify_order"):
        monkeypatch.setattr(getattr(order_tasks, name), "delay", lambda *a, **k: None)
    monkeypatch.setattr(order_tasks.reconcile_order, "apply_async", lambda *a, **k: None)
    monkeypatch.setattr(risk_tasks.kill_switch_run, "delay", lambda *a, **k: None)


@pytest.fixture
def fake_gateway() -> Any:
    from apps.exchange.gateway import set_gateway
    from apps.exchange.gateway.fake import FakeGateway

    fake = FakeGateway()
    set_gateway(fake)
    yield fake
    set_gateway(None)


def cid() -> str:
    return f"rt-{uuid.uuid4().hex[:16]}"


def at(price: Decimal, factor: str, places: str = "0.01") -> Decimal:
    return (price * Decimal(factor)).quantize(Decimal(places))
