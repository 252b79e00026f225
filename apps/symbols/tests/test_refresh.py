"""Refreshing symbols from the real local exchange: the service, the beat task, its schedule, the command
and the admin action."""

from __future__ import annotations

import importlib
from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django_celery_beat.models import PeriodicTask

from apps.exchange.domain.errors import OperationalError, RateLimitedError, TemporaryError
from apps.monitoring.models import AuditEvent
from apps.symbols.admin import SymbolAdmin
from apps.symbols.domain.diff import StatusChange
from apps.symbols.models import Symbol, SymbolEvent
from apps.symbols.selectors import symbol_tradable_or_reason
from apps.symbols.services import symbol_refresh
from apps.symbols.tasks import refresh
from apps.symbols.tests.conftest import listed_on

if TYPE_CHECKING:
    from apps.symbols.tests.conftest import SetStatus
    from tests.fixtures.local_exchange import LocalExchange

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

schedule_migration = importlib.import_module("apps.symbols.migrations.0002_refresh_schedule")


def test_the_first_refresh_stores_every_symbol_the_exchange_lists_whole(exchange: LocalExchange) -> None:
    spot = symbol_refresh(market="SPOT")
    futures = symbol_refresh(market="USDM")

    assert spot.initial and spot.total == len(listed_on(exchange, "spot"))
    assert futures.initial and futures.total == len(listed_on(exchange, "futures"))
    assert set(Symbol.objects.filter(market="USDM").values_list("symbol", flat=True)) == set(
        listed_on(exchange, "futures")
    )
    btc = Symbol.objects.get(market="SPOT", symbol="BTCUSDT")
    # The whole symbol object is stored, not the gateway's typed subset of it.
    assert "baseAssetPrecision" in btc.raw and btc.allow_trailing_stop and btc.tick_size is not None
    assert Symbol.objects.get(market="USDM", symbol="BTCUSDT").contract_type == "PERPETUAL"
    assert SymbolEvent.objects.count() == 0
    assert spot.summary() == f"SPOT: {spot.total} symbols stored (first sync)"


def test_a_halt_on_the_exchange_is_an_event_an_audit_entry_and_blocks_new_orders(
    exchange: LocalExchange, set_status: SetStatus
) -> None:
    symbol_refresh(market="SPOT")
    set_status("spot", "BTCUSDT", "HALT")

    result = symbol_refresh(market="SPOT")

    assert result.diff.status_changed == (StatusChange("BTCUSDT", "TRADING", "HALT"),)
    assert result.summary().endswith("0 listed, 1 status changes, 0 delisted, 0 with new rules")
    event = SymbolEvent.objects.get()
    assert (event.kind, event.new_status, event.is_alert, event.notified_at) == (
        "STATUS_CHANGED",
        "HALT",
        True,
        None,
    )
    audit = AuditEvent.objects.get(action="symbols.status_changed")
    assert (audit.target_id, audit.actor_label) == ("SPOT:BTCUSDT", "symbols-sync")
    reason = symbol_tradable_or_reason(market="SPOT", symbol="BTCUSDT")
    assert reason is not None and "status is HALT" in reason
    assert symbol_tradable_or_reason(market="SPOT", symbol="ETHUSDT") is None


def test_a_futures_delisting_on_the_exchange_blocks_that_contract(
    exchange: LocalExchange, set_status: SetStatus
) -> None:
    symbol_refresh(market="USDM")
    set_status("futures", "ETHUSDT", "delist")

    symbol_refresh(market="USDM")

    # The exchange keeps a delisted contract in exchangeInfo while it settles.
    assert SymbolEvent.objects.get().new_status == "SETTLING"
    assert "status is SETTLING" in (symbol_tradable_or_reason(market="USDM", symbol="ETHUSDT") or "")


def test_the_task_called_as_a_function_refreshes_both_markets_or_one(exchange: LocalExchange) -> None:
    assert set(refresh()) == {"SPOT", "USDM"}
    assert refresh("USDM") == {
        "USDM": f"USDM: {len(listed_on(exchange, 'futures'))} symbols; 0 listed, "
        "0 status changes, 0 delisted, 0 with new rules"
    }


def test_the_task_still_refreshes_one_market_when_the_other_is_in_maintenance(
    exchange: LocalExchange,
) -> None:
    exchange.faults(maintenance=True, paths=["/fapi"])

    # Maintenance is not retried by the task: the next hourly run tries again.
    with pytest.raises(OperationalError):
        refresh()

    assert Symbol.objects.filter(market="SPOT").count() == len(listed_on(exchange, "spot"))
    assert not Symbol.objects.filter(market="USDM").exists()


def test_the_task_retries_only_errors_after_which_nothing_happened() -> None:
    assert set(refresh.autoretry_for) == {TemporaryError, RateLimitedError}
    assert refresh.retry_jitter and refresh.retry_backoff and refresh.max_retries == 5
    assert refresh.name == "symbols.refresh"


def test_the_task_raises_the_temporary_error_when_the_exchange_is_unreachable(unreachable: str) -> None:
    with pytest.raises(TemporaryError, match="Connection problem"):
        refresh()
    assert Symbol.objects.count() == 0


def test_a_migration_schedules_the_refresh_hourly_in_the_database() -> None:
    task = PeriodicTask.objects.get(name="symbols: refresh exchangeInfo")
    assert (task.task, task.enabled, task.args, task.kwargs) == ("symbols.refresh", True, "[]", "{}")
    assert (task.interval.every, task.interval.period) == (1, "hours")


def test_the_schedule_migration_is_idempotent_keeps_admin_edits_and_reverses() -> None:
    PeriodicTask.objects.filter(name="symbols: refresh exchangeInfo").update(enabled=False)
    schedule_migration.create_schedule(django_apps, None)
    assert not PeriodicTask.objects.get(name="symbols: refresh exchangeInfo").enabled

    schedule_migration.delete_schedule(django_apps, None)
    assert not PeriodicTask.objects.filter(task="symbols.refresh").exists()
    schedule_migration.create_schedule(django_apps, None)
    assert PeriodicTask.objects.filter(task="symbols.refresh").count() == 1


def test_the_command_prints_one_summary_line_per_market(exchange: LocalExchange) -> None:
    out = StringIO()
    call_command("sync_symbols", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Symbols synced. SPOT: {len(listed_on(exchange, 'spot'))} symbols stored (first sync)",
        f"Symbols synced. USDM: {len(listed_on(exchange, 'futures'))} symbols stored (first sync)",
    ]

    out = StringIO()
    call_command("sync_symbols", "--market", "USDM", stdout=out)
    assert out.getvalue().startswith("Symbols synced. USDM:") and "SPOT" not in out.getvalue()


def test_the_command_fails_with_a_one_line_reason_when_the_exchange_is_unreachable(unreachable: str) -> None:
    with pytest.raises(CommandError) as failure:
        call_command("sync_symbols", stdout=StringIO())
    message = str(failure.value)
    assert message.startswith(f"Could not sync symbols from the exchange at {unreachable}/api: SPOT: ")
    assert "; USDM: " in message and "\n" not in message


def test_an_admin_refreshes_the_selected_markets_from_the_back_office(exchange: LocalExchange) -> None:
    symbol_refresh(market="SPOT")
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    btc = Symbol.objects.get(market="SPOT", symbol="BTCUSDT")

    page = client.post(
        "/admin/symbols/symbol/",
        {"action": "refresh_from_exchange", "_selected_action": [btc.pk]},
        follow=True,
    )

    assert page.status_code == 200
    assert b"Refreshed from the exchange. SPOT:" in page.content
    assert not Symbol.objects.filter(market="USDM").exists()


def test_the_refresh_action_is_offered_to_admins_only(admin_user: User, trader_user: User) -> None:
    view = Permission.objects.get(codename="view_symbol")
    model_admin = SymbolAdmin(Symbol, site)
    offered = {}
    for user in (admin_user, trader_user):
        user.is_staff = True
        user.save()
        user.user_permissions.add(view)
        request = RequestFactory().get("/admin/symbols/symbol/")
        request.user = User.objects.get(pk=user.pk)
        offered[user.username] = "refresh_from_exchange" in model_admin.get_actions(request)
    assert offered == {"ada-admin": True, "tom-trader": False}
