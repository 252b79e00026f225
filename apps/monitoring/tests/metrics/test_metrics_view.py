"""GET /metrics: each access mode (token, localhost only, both, open) and what a scrape contains."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_django.fixtures import SettingsWrapper

pytestmark = pytest.mark.django_db

LOCAL = "127.0.0.1"
REMOTE = "10.1.2.3"


def _get(remote: str = LOCAL, auth: str | None = None) -> tuple[int, str]:
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    response = Client(REMOTE_ADDR=remote).get("/metrics", **headers)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("token", "local_only", "remote", "auth", "status"),
    [
        # token only
        ("t0ken", False, REMOTE, None, 401),
        ("t0ken", False, REMOTE, "Bearer wrong", 401),
        ("t0ken", False, REMOTE, "t0ken", 401),
        ("t0ken", False, REMOTE, "Bearer t0ken", 200),
        # localhost only
        (None, True, REMOTE, None, 403),
        (None, True, LOCAL, None, 200),
        (None, True, "::1", None, 200),
        (None, True, "not-an-ip", None, 403),
        # both: the token does not open it to other hosts
        ("t0ken", True, REMOTE, "Bearer t0ken", 403),
        ("t0ken", True, LOCAL, None, 401),
        ("t0ken", True, LOCAL, "Bearer t0ken", 200),
        # neither: open
        (None, False, REMOTE, None, 200),
    ],
)
def test_access_modes(
    settings: SettingsWrapper, token: str | None, local_only: bool, remote: str, auth: str | None, status: int
) -> None:
    settings.TRADER_METRICS_TOKEN = token
    settings.TRADER_METRICS_LOCAL_ONLY = local_only
    code, body = _get(remote, auth)
    assert code == status
    if status == 401:
        assert body == "metrics need a bearer token\n"
    if status == 403:
        assert "localhost only" in body


@pytest.fixture
def reload_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield
    monkeypatch.undo()
    _reload()


def _reload() -> object:
    import trader.settings.exchange
    import trader.settings.metrics

    importlib.reload(trader.settings.exchange)
    return importlib.reload(trader.settings.metrics)


@pytest.mark.parametrize(
    ("env", "local_only"),
    [
        ({}, True),
        ({"TRADER_METRICS_TOKEN": "s3cret"}, False),
        ({"TRADER_METRICS_TOKEN": "s3cret", "TRADER_METRICS_LOCAL_ONLY": "true"}, True),
        ({"TRADER_METRICS_LOCAL_ONLY": "false"}, False),
    ],
)
def test_localhost_only_defaults_on_without_a_token(
    monkeypatch: pytest.MonkeyPatch, reload_settings: None, env: dict[str, str], local_only: bool
) -> None:
    for name in ("TRADER_METRICS_TOKEN", "TRADER_METRICS_TOKEN_FILE", "TRADER_METRICS_LOCAL_ONLY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = _reload()
    assert module.TRADER_METRICS_LOCAL_ONLY is local_only  # type: ignore[attr-defined]


def test_a_post_is_refused(settings: SettingsWrapper) -> None:
    settings.TRADER_METRICS_TOKEN = None
    assert Client().post("/metrics").status_code == 405


def test_a_scrape_shows_every_family_with_help_text(settings: SettingsWrapper) -> None:
    settings.TRADER_METRICS_TOKEN = None
    settings.TRADER_METRICS_LOCAL_ONLY = True
    code, body = _get()
    assert code == 200
    for family in (
        "trader_exchange_requests",
        "trader_exchange_request_seconds",
        "trader_order_submit_ack_seconds",
        "trader_order_ack_first_fill_seconds",
        "trader_order_ack_filled_seconds",
        "trader_order_rejects",
        "trader_user_stream_messages",
        "trader_user_stream_lag_seconds",
        "trader_user_stream_reconnects",
        "trader_ws_clients",
        "trader_reconcile_fixes",
        "trader_reconcile_last_run_differences",
        "trader_marketdata_messages_in",
        "trader_marketdata_ws_clients",
        "trader_celery_queue_length",
        "trader_trading_state",
        "trader_kill_switch_engaged",
        "trader_user_streams_process_up",
        "trader_metrics_collector_up",
    ):
        # Counters are exposed with their _total suffix.
        assert re.search(rf"^# HELP {family}(_total)? \S", body, re.MULTILINE), family
    assert 'trader_trading_state{scope="all"} 0.0' in body
    assert f'trader_celery_queue_length{{queue="{settings.CELERY_TASK_DEFAULT_QUEUE}"}}' in body
    assert 'trader_metrics_collector_up{collector="celery"} 1.0' in body
