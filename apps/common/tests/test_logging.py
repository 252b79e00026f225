"""Log format, context and request-id plumbing: roles, JSON/plain choice, Celery headers, ApiCallLog rows."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from apps.common import celery_context
from apps.common import logging as log_module
from apps.common.logging import (
    PlainFormatter,
    RedactingFilter,
    RequestIdFilter,
    TaskContext,
    log_request_id,
    task_context_var,
)
from apps.common.request_context import current_request_id, request_id_var
from apps.exchange.calllog import CallLogBuffer, CallRecord
from apps.exchange.models import ApiCallLog

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def role() -> Iterator[Any]:
    before = log_module._role

    def use(name: str) -> None:
        log_module.set_process_role(name)

    yield use
    log_module._role = before


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/venv/bin/daphne", "-b", "0.0.0.0", "trader.asgi:application"], "web"),
        (["/venv/bin/celery", "-A", "trader", "worker", "-l", "info"], "worker"),
        (["/venv/lib/python3.11/site-packages/celery/__main__.py", "-A", "trader", "worker"], "worker"),
        (["/venv/bin/celery", "-A", "trader", "beat"], "beat"),
        (["manage.py", "run_streams"], "streams"),
        (["manage.py", "runserver"], "web"),
        (["manage.py", "migrate", "--noinput"], "migrate"),
        (["/venv/bin/pytest", "-q"], "pytest"),
    ],
)
def test_the_process_role_is_read_from_the_command_line(argv: list[str], expected: str) -> None:
    assert log_module._detect_role(argv) == expected


def test_background_processes_tag_lines_outside_requests_with_their_role(role: Any) -> None:
    role("streams")
    assert log_request_id() == "streams"
    token = request_id_var.set("abc123")
    try:
        assert log_request_id() == "abc123"
    finally:
        request_id_var.reset(token)
    role("web")
    assert log_request_id() == "-"


def test_plain_lines_name_role_request_and_task(role: Any) -> None:
    role("worker")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(PlainFormatter())
    logger = logging.getLogger("test.plain")
    logger.handlers[:] = [handler]
    logger.propagate = False
    rid = request_id_var.set("abc123")
    task = task_context_var.set(TaskContext(task_id="1a2b3c4d-5e6f", task_name="orders.submit_order"))
    try:
        logger.warning("order %s submitted", 42)
    finally:
        task_context_var.reset(task)
        request_id_var.reset(rid)
    logger.warning("idle")
    first, second = out.getvalue().splitlines()
    assert first.endswith(
        "WARNING test.plain [worker abc123 orders.submit_order:1a2b3c4d] order 42 submitted"
    )
    assert second.endswith("WARNING test.plain [worker worker] idle")


def _probe(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "REDIS_URL"}}
    script = (
        "import logging, json; from django.conf import settings; "
        "print(json.dumps({'format': settings.TRADER_LOG_FORMAT}), flush=True); "
        "logging.getLogger('apps.probe').warning('probe %s api_key=%s', 'BTCUSDT', 'zz' * 32)"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**keep, "DJANGO_SETTINGS_MODULE": "trader.settings", "TRADER_RUN_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_development_logs_plain_lines_and_production_json(tmp_path: Path) -> None:
    dev = _probe(tmp_path)
    assert dev.returncode == 0, dev.stderr
    assert json.loads(dev.stdout.strip().splitlines()[-1]) == {"format": "plain"}
    assert "WARNING apps.probe [shell -] probe BTCUSDT api_key=***" in dev.stderr

    production = _probe(
        tmp_path,
        TRADER_MODE="production",
        SECRET_KEY="x" * 60,
        TRADER_MASTER_KEY="Y2hhbmdlLW1lLXRvLTMyLWJ5dGVzLWtleS0xMjM0NTY=",
        DATABASE_URL="postgres://trader@db.invalid:5432/trader",
        ALLOWED_HOSTS="trader.example.com",
    )
    assert production.returncode == 0, production.stderr
    assert json.loads(production.stdout.strip().splitlines()[-1]) == {"format": "json"}
    (line,) = [ln for ln in production.stderr.splitlines() if "apps.probe" in ln]
    entry = json.loads(line)
    assert entry["message"] == "probe BTCUSDT api_key=***"
    assert entry["process"] == "shell"
    assert entry["level"] == "WARNING"

    forced = _probe(tmp_path, TRADER_LOG_FORMAT="json")
    assert json.loads(forced.stdout.strip().splitlines()[-1]) == {"format": "json"}
    refused = _probe(tmp_path, TRADER_LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "TRADER_LOG_FORMAT='xml' is not one of: json, plain" in refused.stderr


# ---------------------------------------------------------------- Celery headers
def test_publishing_inside_a_request_carries_its_id_and_the_publish_time() -> None:
    headers: dict[str, Any] = {}
    token = request_id_var.set("abc123")
    try:
        celery_context.on_before_task_publish(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers[celery_context.REQUEST_ID_HEADER] == "abc123"
    assert isinstance(headers[celery_context.PUBLISHED_AT_HEADER], float)

    outside: dict[str, Any] = {}
    celery_context.on_before_task_publish(headers=outside)
    assert celery_context.REQUEST_ID_HEADER not in outside
    assert celery_context.PUBLISHED_AT_HEADER in outside


def test_a_task_runs_under_its_header_id_or_a_fresh_one() -> None:
    assert celery_context.task_request_id(SimpleNamespace(trader_request_id="abc123")) == "abc123"
    fresh = celery_context.task_request_id(SimpleNamespace())
    assert len(fresh) == 32 and fresh != celery_context.task_request_id(SimpleNamespace())
    # A header that could inject into log lines is not trusted.
    injected = celery_context.task_request_id(SimpleNamespace(trader_request_id="a\nFAKE LINE"))
    assert "\n" not in injected and len(injected) == 32


def test_prerun_sets_and_postrun_restores_the_context() -> None:
    task = SimpleNamespace(name="orders.submit_order", request=SimpleNamespace(trader_request_id="abc123"))
    celery_context.on_task_prerun(task_id="t-1", task=task)
    assert current_request_id() == "abc123"
    assert task_context_var.get() == TaskContext(task_id="t-1", task_name="orders.submit_order")
    celery_context.on_task_postrun(task_id="t-1")
    assert current_request_id() == "-"
    assert task_context_var.get() is None


# ---------------------------------------------------------------- ApiCallLog.request_id
def _call(**fields: Any) -> CallRecord:
    return CallRecord(
        endpoint="order.place",
        market="spot",
        method="POST",
        weight=1,
        latency_ms=Decimal("12.50"),
        http_status=200,
        binance_code=None,
        outcome="ok",
        message="",
        attempts=1,
        credential_version=1,
        at=datetime.now(tz=UTC),
        **fields,
    )


def test_call_log_rows_carry_the_request_id_current_when_the_call_was_made(db: None, role: Any) -> None:
    role("worker")
    log = CallLogBuffer(sample=1.0, cap=100)
    token = request_id_var.set("abc123")
    try:
        log.add(_call())
    finally:
        request_id_var.reset(token)
    role("streams")
    log.add(_call())  # buffered in another context: its own id, not the flushing caller's
    role("web")
    log.add(_call())
    log.flush()
    assert sorted(ApiCallLog.objects.values_list("request_id", flat=True)) == ["", "abc123", "streams"]
