"""Back office pages (read-only), beat schedules, thin tasks and the import_history command."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_celery_beat.models import PeriodicTask

from apps.exchange.domain.errors import TemporaryError
from apps.positions import tasks
from apps.positions.models import Balance, EquitySnapshot, ImportCursor, IncomeRecord, Position

pytestmark = pytest.mark.django_db

D = Decimal


def test_admin_lists_every_model_and_allows_no_change(usdm_btcusdt: Any) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    balance = Balance.objects.create(market="SPOT", asset="BTC", free=D(1))
    Position.objects.create(symbol=usdm_btcusdt, quantity=D("0.1"))
    EquitySnapshot.objects.create(time=datetime(2026, 1, 1, tzinfo=UTC), market="TOTAL", equity=D(1))
    IncomeRecord.objects.create(
        income_type="FUNDING_FEE",
        asset="USDT",
        amount=D(-1),
        time=datetime(2026, 1, 1, tzinfo=UTC),
        exchange_tran_id=1,
    )
    ImportCursor.objects.create(what="usdm_income")
    for name in ("balance", "position", "equitysnapshot", "incomerecord", "importcursor", "brackettable"):
        assert client.get(f"/admin/positions/{name}/").status_code == 200, name
        assert client.get(f"/admin/positions/{name}/add/").status_code == 403, name
    page = client.get(f"/admin/positions/balance/{balance.pk}/change/")
    assert page.status_code == 200 and b"Save" not in page.content


def test_beat_schedules_exist_after_migrations() -> None:
    schedules = {t.task: t for t in PeriodicTask.objects.filter(task__startswith="positions.")}
    assert set(schedules) == {"positions.equity_snapshot", "positions.reconcile", "positions.history_import"}
    assert (
        schedules["positions.equity_snapshot"].interval.every,
        schedules["positions.equity_snapshot"].interval.period,
    ) == (1, "minutes")
    assert (
        schedules["positions.reconcile"].interval.every,
        schedules["positions.reconcile"].interval.period,
    ) == (60, "seconds")
    assert (
        schedules["positions.history_import"].interval.every,
        schedules["positions.history_import"].interval.period,
    ) == (15, "minutes")
    assert all(t.enabled for t in schedules.values())


def test_the_reconcile_task_reports_a_market_it_could_not_read_and_goes_on(fake_gateway: Any) -> None:
    fake_gateway.fail_next("account", TemporaryError("timeout"))
    out = tasks.reconcile()
    assert out["SPOT"] == {"error": "timeout"}
    assert out["USDM"]["market"] == "USDM" and Balance.objects.filter(market="USDM", asset="USDT").exists()
    assert out["positions"] == {"market": "USDM", "fixed": [], "refreshed": 0}


def test_the_equity_task_stores_a_snapshot(fake_gateway: Any) -> None:
    Balance.objects.create(market="SPOT", asset="USDT", free=D(10))
    assert sorted(tasks.equity_snapshot()) == ["SPOT 10", "TOTAL 10010", "USDM 10000"]


def test_the_history_task_runs_each_market(fake_gateway: Any) -> None:
    out = tasks.history_import_task(markets=["USDM"], since="2026-01-01T00:00:00+00:00")
    assert out[0]["market"] == "USDM" and out[0]["since"] == "2026-01-01T00:00:00+00:00"


def test_import_history_runs_here_or_queues_for_the_worker(
    fake_gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = StringIO()
    call_command("import_history", "--market", "SPOT", "--since", "2026-11-01", stdout=out)
    assert '"market": "SPOT"' in out.getvalue() and '"since": "2026-11-01T00:00:00+00:00"' in out.getvalue()

    queued: list[dict[str, Any]] = []

    class _Result:
        id = "abc"

    monkeypatch.setattr(tasks.history_import_task, "delay", lambda **kw: queued.append(kw) or _Result())
    out = StringIO()
    call_command("import_history", "--enqueue", stdout=out)
    assert queued == [{"markets": ["SPOT", "USDM"], "since": None}] and "task abc" in out.getvalue()
    with pytest.raises(CommandError, match="--since"):
        call_command("import_history", "--since", "last tuesday")
