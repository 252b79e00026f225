"""GET /api/task-runs/ (any role, filtered, paged) and the read-only admin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.monitoring.models import TaskRun, TaskState

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@pytest.fixture
def runs(db: None) -> list[TaskRun]:
    now = timezone.now()
    rows = [
        ("t-1", "orders.submit_order", TaskState.SUCCESS, 3),
        ("t-2", "orders.submit_order", TaskState.FAILURE, 2),
        ("t-3", "orders.reconcile_order", TaskState.RETRY, 1),
        ("t-4", "orders.reconcile_order", TaskState.SUCCESS, 0),
    ]
    return [
        TaskRun.objects.create(
            task_id=task_id,
            name=name,
            state=state,
            args=[42],
            finished_at=now - timedelta(hours=hours),
            duration_ms=Decimal("12.34"),
            request_id=f"req-{task_id}",
            error_type="ValueError" if state == TaskState.FAILURE else "",
            traceback="Traceback ..." if state == TaskState.FAILURE else "",
        )
        for task_id, name, state, hours in rows
    ]


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_any_role_lists_runs_newest_first_with_decimal_strings(
    viewer_user: User, runs: list[TaskRun]
) -> None:
    response = _client(viewer_user).get("/api/task-runs/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [r["task_id"] for r in body["results"]] == ["t-4", "t-3", "t-2", "t-1"]
    first = body["results"][0]
    assert first["duration_ms"] == "12.34"
    assert first["args"] == [42]
    assert first["request_id"] == "req-t-4"
    assert "traceback" not in first
    assert first["finished_at"].endswith("Z")


def test_filters_by_name_state_and_since(viewer_user: User, runs: list[TaskRun]) -> None:
    client = _client(viewer_user)
    by_name = client.get("/api/task-runs/", {"name": "orders.reconcile_order"}).json()
    assert [r["task_id"] for r in by_name["results"]] == ["t-4", "t-3"]
    failed = client.get("/api/task-runs/", {"state": "FAILURE"}).json()
    assert [r["task_id"] for r in failed["results"]] == ["t-2"]
    since = (timezone.now() - timedelta(hours=1, minutes=30)).isoformat()
    recent = client.get("/api/task-runs/", {"since": since}).json()
    assert [r["task_id"] for r in recent["results"]] == ["t-4", "t-3"]
    paged = client.get("/api/task-runs/", {"page_size": 3, "page": 2}).json()
    assert [r["task_id"] for r in paged["results"]] == ["t-1"]


def test_bad_filters_are_field_level_400s(viewer_user: User, runs: list[TaskRun]) -> None:
    response = _client(viewer_user).get("/api/task-runs/", {"state": "DONE", "since": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()) == {"state", "since"}


def test_the_detail_has_the_traceback(viewer_user: User, runs: list[TaskRun]) -> None:
    client = _client(viewer_user)
    detail = client.get("/api/task-runs/t-2/").json()
    assert detail["traceback"] == "Traceback ..."
    assert detail["error_type"] == "ValueError"
    assert client.get("/api/task-runs/nope/").status_code == 404


def test_people_without_a_role_cannot_read(outsider_user: User, runs: list[TaskRun]) -> None:
    assert _client(outsider_user).get("/api/task-runs/").status_code == 403
    assert APIClient().get("/api/task-runs/").status_code in (401, 403)
    assert _client(outsider_user).post("/api/task-runs/", {}).status_code == 403


def test_viewers_cannot_change_anything(viewer_user: User, runs: list[TaskRun]) -> None:
    client = _client(viewer_user)
    assert client.post("/api/task-runs/", {}).status_code == 405
    assert client.delete("/api/task-runs/t-1/").status_code == 405


def test_the_admin_lists_and_searches_but_never_edits(db: None, runs: list[TaskRun]) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    admin = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/monitoring/taskrun/", {"q": "req-t-2"})
    assert listing.status_code == 200
    assert [r.task_id for r in listing.context["cl"].result_list] == ["t-2"]
    by_task = client.get("/admin/monitoring/taskrun/", {"q": "t-3"})
    assert [r.task_id for r in by_task.context["cl"].result_list] == ["t-3"]
    filtered = client.get("/admin/monitoring/taskrun/", {"state__exact": "SUCCESS"})
    assert [r.task_id for r in filtered.context["cl"].result_list] == ["t-4", "t-1"], "newest first"
    assert client.get("/admin/monitoring/taskrun/add/").status_code == 403
    row = runs[1]
    change = client.post(f"/admin/monitoring/taskrun/{row.pk}/change/", {"state": "SUCCESS"})
    assert change.status_code == 403
    row.refresh_from_db()
    assert row.state == TaskState.FAILURE
    assert client.post(f"/admin/monitoring/taskrun/{row.pk}/delete/", {"post": "yes"}).status_code == 403
