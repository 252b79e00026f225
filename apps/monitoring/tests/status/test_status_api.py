"""GET /api/status/ and /api/status/exchange-errors/: the shapes the dashboard codes against, any role."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.exchange.models import ApiCallLog
from apps.monitoring import health
from apps.monitoring.status import components
from apps.monitoring.status.base import Probe

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.exchange.runtime import Runtime


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def fake_probes(monkeypatch: pytest.MonkeyPatch, status_runtime: Runtime) -> None:
    monkeypatch.setattr(
        components,
        "PROBES",
        {
            "worker": lambda: Probe(
                "ok", "2 workers answered", {"workers": [{"name": "w1", "queues": ["celery"]}]}
            ),
            "exchange_spot": lambda: Probe(
                "degraded", "answered in 1500.0 ms (slow)", {"latency_ms": "1500.0"}
            ),
        },
    )
    monkeypatch.setattr(health, "_CHECKS", {})


def test_a_viewer_reads_every_component_with_its_last_change(viewer_user: User, fake_probes: None) -> None:
    response = _client(viewer_user).get("/api/status/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"generated_at", "overall", "environment", "components"}
    assert body["overall"] == "degraded"
    assert body["environment"] == "sim"
    assert body["generated_at"].endswith("Z")
    worker, spot = body["components"]
    assert worker == {
        "name": "worker",
        "state": "ok",
        "message": "2 workers answered",
        "detail": {"workers": [{"name": "w1", "queues": ["celery"]}]},
        "since": worker["since"],
    }
    assert worker["since"].endswith("Z")
    datetime.fromisoformat(worker["since"])
    assert (spot["name"], spot["state"], spot["detail"]["latency_ms"]) == (
        "exchange_spot",
        "degraded",
        "1500.0",
    )


def test_without_a_role_the_status_is_refused(outsider_user: User, fake_probes: None) -> None:
    assert _client(outsider_user).get("/api/status/").status_code == 403
    assert _client(None).get("/api/status/").status_code in (401, 403)


@pytest.mark.django_db(transaction=True)
def test_the_real_status_lists_every_component(status_runtime: Runtime) -> None:
    from django.contrib.auth.models import Group, User

    viewer = User.objects.create_user("vic")
    viewer.groups.add(Group.objects.get_or_create(name="viewer")[0])
    body = _client(viewer).get("/api/status/").json()
    names = [c["name"] for c in body["components"]]
    assert names[: len(components.PROBES)] == list(components.PROBES)
    by_name = {c["name"]: c for c in body["components"]}
    assert by_name["web"]["state"] == "ok"
    assert by_name["database"]["state"] == "ok"
    assert by_name["redis"]["state"] == "ok"
    assert by_name["trading_state"]["detail"]["state"] == "ACTIVE"
    assert {"pools", "blocked_for_s"} <= set(by_name["rate_budget"]["detail"])
    assert {"market", "group", "state", "failures"} == set(by_name["breakers"]["detail"]["breakers"][0])
    assert set(by_name["clock"]["detail"]["offset_ms"]) == {"spot", "futures"}
    assert {"latency_ms", "clock_offset_ms"} <= set(by_name["exchange_futures"]["detail"])
    assert all(c["state"] in ("ok", "degraded", "down") for c in body["components"])


def _call(outcome: str, endpoint: str, **extra: object) -> ApiCallLog:
    return ApiCallLog.objects.create(
        created_at=timezone.now(),
        endpoint=endpoint,
        market="spot",
        method="GET",
        latency_ms=Decimal("12.50"),
        outcome=outcome,
        **extra,
    )


def test_exchange_errors_lists_failed_calls_newest_first(viewer_user: User) -> None:
    _call("ok", "spot.ping")
    _call("temporary", "spot.time", http_status=503, message="Service Unavailable")
    _call("rejected", "spot.order", http_status=400, binance_code=-2010, message="insufficient balance")
    response = _client(viewer_user).get("/api/status/exchange-errors/?limit=5")
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "created_at": response.json()["results"][0]["created_at"],
                "endpoint": "spot.order",
                "market": "spot",
                "http_status": 400,
                "binance_code": -2010,
                "outcome": "rejected",
                "message": "insufficient balance",
                "latency_ms": "12.50",
            },
            {
                "created_at": response.json()["results"][1]["created_at"],
                "endpoint": "spot.time",
                "market": "spot",
                "http_status": 503,
                "binance_code": None,
                "outcome": "temporary",
                "message": "Service Unavailable",
                "latency_ms": "12.50",
            },
        ]
    }
    assert len(_client(viewer_user).get("/api/status/exchange-errors/?limit=1").json()["results"]) == 1


@pytest.mark.parametrize("limit", ["0", "501", "many"])
def test_exchange_errors_rejects_a_bad_limit(viewer_user: User, limit: str) -> None:
    response = _client(viewer_user).get(f"/api/status/exchange-errors/?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.json()
