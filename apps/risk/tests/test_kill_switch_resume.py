"""A kill switch run survives its worker: steps recorded before and after each exchange call let the next
worker carry on without sending anything twice. In process, against the local exchange; the real-worker
kill -9 version is test_kill_switch_worker_killed.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from apps.exchange.domain.types import OrderRequest
from apps.orders.models import Order
from apps.risk.killswitch.runner import kill_switch_execute, kill_switch_runs_stalled, kill_switch_watchdog
from apps.risk.models import KillSwitchRun, KillSwitchStep, StepStatus
from apps.risk.services import kill_switch_engage
from apps.risk.tests.conftest import cid

pytestmark = pytest.mark.integration
D = Decimal


class WorkerDied(BaseException):
    """Stands for SIGKILL: nothing after it runs, nothing catches it."""


def _expire(run: KillSwitchRun, step: KillSwitchStep | None = None) -> None:
    past = timezone.now() - timedelta(minutes=1)
    KillSwitchRun.objects.filter(pk=run.pk).update(lease_until=past)
    if step is not None:
        KillSwitchStep.objects.filter(pk=step.pk).update(started_at=past)


def test_a_worker_dying_after_the_exchange_filled_a_sell_never_sells_twice(
    gateway: Any, symbols: None, trader_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.config.selectors import config_caches_clear
    from apps.config.services import trading_config_activate
    from apps.orders import submission

    trading_config_activate(actor=None, changes={"spot_close_keep": {"BTC": "0.5"}})
    config_caches_clear()
    run = kill_switch_engage(actor=trader_user, scope="spot", close_positions=True, reason="resume").run

    def die(**kwargs: Any) -> None:
        raise WorkerDied

    monkeypatch.setattr(submission, "order_apply_report", die)  # the answer arrives, is never recorded
    with pytest.raises(WorkerDied):
        kill_switch_execute(run_id=run.pk, worker="first")
    monkeypatch.undo()

    started = KillSwitchStep.objects.get(run=run, status=StepStatus.STARTED)
    assert started.kind == "sell_spot" and started.order.status == "PENDING_NEW"
    assert kill_switch_execute(run_id=run.pk, worker="second") == "busy"  # the first still holds the lease
    assert kill_switch_runs_stalled() == []

    _expire(run)
    assert [r.pk for r in kill_switch_runs_stalled()] == [run.pk]
    assert kill_switch_execute(run_id=run.pk, worker="second") == "completed"

    started.refresh_from_db()
    assert started.status == StepStatus.DONE and started.order.status == "FILLED"
    assert Order.objects.filter(created_by__isnull=True, symbol__symbol=started.symbol).count() == 1
    held = {b.asset: b.free + b.locked for b in gateway.account("spot").balances}
    assert held["BTC"] == D("0.5")  # sold once, down to the keep amount: a repeat would have gone below
    assert held.get("ETH", D(0)) < D("0.0001")
    run.refresh_from_db()
    assert run.report["failed"] == [] and run.attempts == 2


def test_a_close_the_exchange_never_received_is_sent_again_once_it_cannot_arrive_any_more(
    gateway: Any, symbols: None, admin_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.exchange.gateway import binance
    from apps.risk.killswitch.steps import RunPending

    gateway.place_order(
        "futures",
        OrderRequest(symbol="BTCUSDT", side="BUY", type="MARKET", client_order_id=cid(), quantity=D("0.02")),
    )
    run = kill_switch_engage(actor=admin_user, scope="usdm", close_positions=True, reason="resume").run

    def lost(self: Any, market: str, request: Any) -> Any:
        raise WorkerDied  # died before the request left

    monkeypatch.setattr(binance.BinanceGateway, "place_order", lost)
    with pytest.raises(WorkerDied):
        kill_switch_execute(run_id=run.pk, worker="first")
    monkeypatch.undo()

    step = KillSwitchStep.objects.get(run=run, status=StepStatus.STARTED)
    _expire(run)
    with pytest.raises(RunPending):  # not at the exchange, but it might still arrive: wait
        kill_switch_execute(run_id=run.pk, worker="second")
    assert kill_switch_watchdog() == [run.pk]  # the lease was given back: enqueued again (no broker here)

    _expire(run, step)
    assert kill_switch_execute(run_id=run.pk, worker="third") == "completed"
    step.refresh_from_db()
    orders = list(
        Order.objects.filter(created_by__isnull=True).order_by("id").values_list("status", flat=True)
    )
    assert orders == ["REJECTED", "FILLED"]  # the lost one is recorded as never placed, the second closed
    assert [p for p in gateway.positions() if p.amount != 0] == []
