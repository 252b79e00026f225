"""TaskRun rows written by a real worker from Celery signals: success, failure, retry; redacted args; ids.

One worker for the module (worker_harness.py): its own SQLite file, queue and JSON log file. Tasks are sent
through the real Redis broker from this process, so `before_task_publish` runs here and the worker's
`task_prerun` / `task_postrun` / `task_failure` / `task_retry` there.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from apps.common.request_context import request_id_var
from apps.monitoring.tests.taskruns.worker_harness import IsolatedWorker

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
LISTEN_KEY = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IsolatedWorker]:
    built = IsolatedWorker(tmp_path_factory.mktemp("taskruns-worker"))
    try:
        built.start()
        yield built
    finally:
        built.stop()


def _send_in_request(
    worker: IsolatedWorker, request_id: str, name: str, *args: object, **kwargs: object
) -> str:
    token = request_id_var.set(request_id)
    try:
        return worker.send(name, *args, **kwargs)
    finally:
        request_id_var.reset(token)


def test_a_successful_task_is_recorded_with_redacted_args_and_timings(worker: IsolatedWorker) -> None:
    task_id = _send_in_request(
        worker, "abc123", "taskruns_test.greet", "BTCUSDT", API_KEY, password="hunter2!"
    )
    row = worker.taskrun(task_id)
    assert row["state"] == "SUCCESS"
    assert row["name"] == "taskruns_test.greet"
    assert row["args"] == ["BTCUSDT", "***"]
    assert row["kwargs"] == {"password": "***"}
    assert row["worker"] == worker.name
    assert row["request_id"] == "abc123"
    assert row["retries"] == 0
    assert row["error_type"] == row["error_message"] == row["traceback"] == ""
    assert Decimal(str(row["duration_ms"])) >= 0
    assert Decimal(str(row["queue_wait_ms"])) >= 0
    assert row["queued_at"] <= row["started_at"] <= row["finished_at"]
    # The task's own log line carries the request id and the task, as JSON, with the key masked.
    (line,) = [e for e in worker.json_lines() if e.get("task_id") == task_id and "greeting" in e["message"]]
    assert line["request_id"] == "abc123"
    assert line["task_name"] == "taskruns_test.greet"
    assert line["process"] == "worker"
    assert line["message"] == "greeting BTCUSDT with api_key=***"
    assert API_KEY not in worker.log_text()


def test_a_task_that_raises_is_recorded_as_failed_with_its_error_redacted(worker: IsolatedWorker) -> None:
    task_id = _send_in_request(worker, "req-fail-1", "taskruns_test.boom", 42, LISTEN_KEY)
    row = worker.taskrun(task_id)
    assert row["state"] == "FAILURE"
    assert row["error_type"] == "ValueError"
    assert row["error_message"] == "order 42 failed; listenKey=***"
    assert "Traceback" in row["traceback"] and "ValueError: order 42 failed" in row["traceback"]
    assert row["args"] == [42, "***"]
    assert row["request_id"] == "req-fail-1"
    assert LISTEN_KEY not in str(row)
    assert LISTEN_KEY not in worker.log_text()


def test_a_retried_task_is_recorded_retrying_then_succeeded(worker: IsolatedWorker) -> None:
    task_id = _send_in_request(worker, "req-retry-1", "taskruns_test.flaky", 1, countdown=3)
    retrying = worker.taskrun(task_id, state="RETRY")
    assert retrying["error_type"] == "ConnectionError"
    assert "exchange unreachable" in retrying["error_message"]
    assert retrying["retries"] == 1
    done = worker.taskrun(task_id, state="SUCCESS", timeout=30)
    assert done["retries"] == 1
    assert done["error_type"] == ""
    assert done["request_id"] == "req-retry-1", "the retry's message carried the id on"
    # One row per task id: the retry's attempt overwrote it.
    assert len(worker.rows("SELECT id FROM monitoring_taskrun WHERE task_id = ?", task_id)) == 1


def test_a_task_sent_outside_any_request_runs_under_a_fresh_id(worker: IsolatedWorker) -> None:
    first = worker.taskrun(worker.send("taskruns_test.greet", "ETHUSDT", "short"))
    second = worker.taskrun(worker.send("taskruns_test.greet", "BNBUSDT", "short"))
    assert re.fullmatch(r"[0-9a-f]{32}", first["request_id"])
    assert first["request_id"] != second["request_id"]
    lines = [e for e in worker.json_lines() if e.get("task_id") == first["task_id"]]
    assert lines and {e["request_id"] for e in lines} == {first["request_id"]}
