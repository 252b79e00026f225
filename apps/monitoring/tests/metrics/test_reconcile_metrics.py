"""Reconciliation drift: every fixed difference counted by kind, and the last run's count as a gauge."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from apps.monitoring.metrics.definitions import observe_reconcile
from apps.monitoring.tests.metrics.conftest import sample

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def fake_gateway() -> Iterator[Any]:
    from apps.exchange.gateway import set_gateway
    from apps.exchange.gateway.fake import FakeGateway

    fake = FakeGateway()
    set_gateway(fake)
    yield fake
    set_gateway(None)


def test_the_counter_adds_up_and_the_gauge_keeps_the_last_run() -> None:
    before = sample("trader_reconcile_fixes_total", kind="order_finished", market="spot")
    observe_reconcile(market="spot", fixed={"order_finished": 3, "order_adopted": 0})
    observe_reconcile(market="spot", fixed={"order_finished": 0, "order_adopted": 0})
    assert sample("trader_reconcile_fixes_total", kind="order_finished", market="spot") == before + 3
    assert sample("trader_reconcile_last_run_differences", kind="order_finished", market="spot") == 0
    assert sample("trader_reconcile_last_run_differences", kind="order_adopted", market="spot") == 0


@pytest.mark.django_db
def test_a_balance_reconciliation_reports_the_rows_it_fixed(fake_gateway: Any) -> None:
    from apps.positions.services import balances_reconcile

    before = sample("trader_reconcile_fixes_total", kind="balance", market="spot")
    first = balances_reconcile(market="SPOT")  # nothing stored yet: every balance is a difference
    fixed = sum(c.fix for c in first.changes)
    assert fixed > 0
    assert sample("trader_reconcile_fixes_total", kind="balance", market="spot") == before + fixed
    assert sample("trader_reconcile_last_run_differences", kind="balance", market="spot") == fixed

    fake_gateway.balances["BTC"] += Decimal(1)
    balances_reconcile(market="SPOT")
    assert sample("trader_reconcile_last_run_differences", kind="balance", market="spot") == 1
    balances_reconcile(market="SPOT")
    assert sample("trader_reconcile_last_run_differences", kind="balance", market="spot") == 0
