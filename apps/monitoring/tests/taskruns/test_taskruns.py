"""TaskRun bookkeeping in-process: pruning, the beat job, caps, metrics, and errors that must not spread."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.db import DatabaseError
from django.utils import timezone
from prometheus_client import REGISTRY

from apps.monitoring.models import TaskRun, TaskState
from apps.monitoring.taskruns.services import ARGS_MAX_CHARS, RunRecord, capped_json, taskruns_prune
from apps.monitoring.taskruns.tasks import taskruns_prune as prune_task
from apps.monitoring.tests.taskruns.tasks_for_tests import boom, greet

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_django.fixtures import SettingsWrapper

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"


def _run(task_id: str, finished_days_ago: float, **fields: Any) -> TaskRun:
    return TaskRun.objects.create(
        task_id=task_id,
        name=fields.pop("name", "orders.submit_order"),
        state=fields.pop("state", TaskState.SUCCESS),
        finished_at=timezone.now() - timedelta(days=finished_days_ago),
        **fields,
    )


def test_pruning_removes_rows_past_the_retention_only(db: None, settings: SettingsWrapper) -> None:
    settings.TRADER_TASKRUN_RETENTION_DAYS = 14
    _run("old-1", 20)
    _run("old-2", 14.01, state=TaskState.FAILURE)
    _run("edge", 13.99)
    _run("new", 0)
    assert taskruns_prune() == 2
    assert set(TaskRun.objects.values_list("task_id", flat=True)) == {"edge", "new"}

    settings.TRADER_TASKRUN_RETENTION_DAYS = 1
    assert prune_task.apply().get() == 1
    assert list(TaskRun.objects.values_list("task_id", flat=True)) == ["new"]


def test_the_daily_prune_job_is_scheduled_for_the_registered_task(db: None) -> None:
    from django_celery_beat.models import PeriodicTask

    from trader.celery import app

    job = PeriodicTask.objects.get(name="monitoring: prune task runs")
    assert job.task == "monitoring.taskruns_prune"
    assert job.enabled
    assert job.crontab is not None and (job.crontab.hour, job.crontab.minute) == ("3", "37")
    assert "monitoring.taskruns_prune" in app.tasks


def test_args_are_redacted_and_capped() -> None:
    assert capped_json(["BTCUSDT", API_KEY, {"password": "x", "qty": "0.1"}]) == [
        "BTCUSDT",
        "***",
        {"password": "***", "qty": "0.1"},
    ]
    huge = capped_json(["x" * (ARGS_MAX_CHARS * 2)])
    assert huge["truncated"] is True
    assert len(huge["preview"]) == ARGS_MAX_CHARS


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_an_eager_run_inside_a_transaction_is_recorded_after_commit_with_metrics(
    db: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    runs_before = _sample("trader_celery_task_run_seconds_count", {"task": "taskruns_test.boom"})
    failures_before = _sample(
        "trader_celery_task_failures_total", {"task": "taskruns_test.boom", "exception": "ValueError"}
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = boom.apply(args=(7, "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"))
        assert result.failed()
        assert not TaskRun.objects.exists(), "written inside the caller's transaction"
    for callback in callbacks:
        callback()
    row = TaskRun.objects.get(task_id=result.id)
    assert row.state == TaskState.FAILURE
    assert row.error_type == "ValueError"
    assert row.args == [7, "***"]
    assert _sample("trader_celery_task_run_seconds_count", {"task": "taskruns_test.boom"}) == runs_before + 1
    assert (
        _sample(
            "trader_celery_task_failures_total", {"task": "taskruns_test.boom", "exception": "ValueError"}
        )
        == failures_before + 1
    )


def test_a_recording_error_never_reaches_the_task(
    db: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("database is gone")

    monkeypatch.setattr(TaskRun.objects, "bulk_create", broken)
    with (
        caplog.at_level(logging.WARNING, logger="apps.monitoring.taskruns.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = greet.apply(args=("BTCUSDT", "short"))
    assert result.successful() and result.get() == "hello BTCUSDT"
    assert "could not record task run" in caplog.text


def test_successes_of_skipped_tasks_are_not_recorded_but_their_failures_are(
    transactional_db: None, settings: SettingsWrapper
) -> None:
    settings.TRADER_TASKRUN_SKIP_SUCCESS = ["taskruns_test.greet", "taskruns_test.boom"]
    ok = greet.apply(args=("BTCUSDT", "short"))
    failed = boom.apply(args=(1, "x"))
    assert not TaskRun.objects.filter(task_id=ok.id).exists()
    assert TaskRun.objects.get(task_id=failed.id).state == TaskState.FAILURE


def test_one_row_per_task_id_each_attempt_overwrites(transactional_db: None) -> None:
    from apps.monitoring.taskruns.services import taskrun_record

    now = timezone.now()
    taskrun_record(RunRecord(task_id="t-1", name="x.y", state=TaskState.RETRY, finished_at=now, retries=1))
    taskrun_record(RunRecord(task_id="t-1", name="x.y", state=TaskState.SUCCESS, finished_at=now, retries=1))
    (row,) = TaskRun.objects.filter(task_id="t-1")
    assert row.state == TaskState.SUCCESS and row.retries == 1
