"""A task travels through the real Redis broker to a real worker process and back."""

from __future__ import annotations

import pytest

from apps.monitoring.tasks import echo
from tests.conftest import WorkerProcess

pytestmark = pytest.mark.integration


def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker_process: WorkerProcess) -> None:
    result = echo.apply_async(args=["hello"], queue=celery_worker_process.queue)
    assert result.get(timeout=30) == {"value": "hello", "worker": celery_worker_process.name}


def test_task_messages_are_json_never_pickle() -> None:
    from trader.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
