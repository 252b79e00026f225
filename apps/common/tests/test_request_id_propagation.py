"""A request id follows an order from the REST call into the Celery task and the exchange call it causes.

Real processes (tests/integration/platform_procs.py): daphne and a Celery worker on a SQLite file of their
own, trading on the local exchange. `POST /api/orders/` with `X-Request-ID: abc123` must leave:
- the answer's X-Request-ID header: abc123;
- the worker's JSON log lines of the submit task tagged request_id abc123 (and the task's name and id);
- the TaskRun row of that task with request_id abc123;
- the ApiCallLog row of the spot `order.place` call with request_id abc123.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.platform_procs import Platform

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.fixtures.local_exchange import LocalExchange

pytestmark = pytest.mark.integration

IN_FLIGHT = ("PENDING_NEW", "PENDING_CANCEL", "UNKNOWN")


@pytest.fixture(scope="module")
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, local_exchange: LocalExchange
) -> Iterator[Platform]:
    local_exchange.reset()
    account = local_exchange.create_account(balances={"USDT": "10000", "BTC": "1"})
    built = Platform(tmp_path_factory.mktemp("rid-platform"), local_exchange.url, account)
    # Every call logged (not a 5 % sample) and JSON lines, as in production.
    built.env.update(TRADER_EXCHANGE_CALL_LOG_SAMPLE="1", TRADER_LOG_FORMAT="json")
    failed_before = request.session.testsfailed
    try:
        built.prepare()
        built.start()
        yield built
    finally:
        built.stop()
        if request.session.testsfailed != failed_before:
            print(built.logs())
        local_exchange.reset()


def _place(platform: Platform, request_id: str) -> dict[str, Any]:
    body = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quote_quantity": "60"}
    response = platform.api.post(
        f"{platform.url}/api/orders/",
        json=body,
        headers={"X-Request-ID": request_id, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert response.status_code == 202, f"{response.status_code} {response.text}\n{platform.logs()}"
    assert response.headers["X-Request-ID"] == request_id
    return dict(response.json())


def _settle(platform: Platform, order_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        order = platform.api.get(f"{platform.url}/api/orders/{order_id}/", timeout=10).json()
        if order["status"] not in IN_FLIGHT:
            return dict(order)
        assert time.monotonic() < deadline, f"order {order_id} did not settle: {order}\n{platform.logs()}"
        time.sleep(0.1)


def _rows(platform: Platform, sql: str, *params: Any) -> list[dict[str, Any]]:
    with sqlite3.connect(platform.db, timeout=20) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _wait_rows(platform: Platform, sql: str, *params: Any) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    while not (rows := _rows(platform, sql, *params)):
        assert time.monotonic() < deadline, f"nothing for {sql} {params}\n{platform.logs()}"
        time.sleep(0.2)
    return rows


def _worker_lines(platform: Platform) -> list[dict[str, Any]]:
    lines = []
    for line in platform.log_paths["worker"].read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_the_request_id_reaches_the_task_its_log_lines_and_the_exchange_call(platform: Platform) -> None:
    order = _settle(platform, _place(platform, "abc123")["id"])
    assert order["status"] == "FILLED", order

    runs = _wait_rows(
        platform,
        "SELECT * FROM monitoring_taskrun WHERE name = 'orders.submit_order' AND request_id = 'abc123'",
    )
    assert runs[0]["state"] == "SUCCESS"
    task_id = runs[0]["task_id"]

    submit_lines = [e for e in _worker_lines(platform) if e.get("task_id") == task_id]
    assert submit_lines, platform.logs()
    assert {e["request_id"] for e in submit_lines} == {"abc123"}
    assert {e["task_name"] for e in submit_lines} == {"orders.submit_order"}
    assert {e["process"] for e in submit_lines} == {"worker"}

    # The call log buffers rows and writes them when a later call finds the batch old (2 s): a second
    # order after that flushes the first one's rows.
    time.sleep(2.2)
    _settle(platform, _place(platform, "def456")["id"])
    calls = _wait_rows(
        platform,
        "SELECT * FROM exchange_apicalllog WHERE request_id = 'abc123' AND endpoint = 'spot.order.place'",
    )
    assert calls[0]["market"] == "spot"
    assert calls[0]["outcome"] == "ok"
    # Calls are never attributed to the wrong request.
    others = _rows(platform, "SELECT request_id FROM exchange_apicalllog WHERE endpoint = 'spot.order.place'")
    assert {r["request_id"] for r in others} <= {"abc123", "def456"}


def test_an_untrusted_request_id_is_replaced_and_still_followed(platform: Platform) -> None:
    placed = platform.api.post(
        f"{platform.url}/api/orders/",
        json={"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quote_quantity": "60"},
        headers={"X-Request-ID": "bad id <script>", "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert placed.status_code == 202, placed.text
    generated = placed.headers["X-Request-ID"]
    assert len(generated) == 32 and " " not in generated
    _settle(platform, placed.json()["id"])
    runs = _wait_rows(platform, "SELECT * FROM monitoring_taskrun WHERE request_id = ?", generated)
    assert {r["name"] for r in runs} >= {"orders.submit_order"}
