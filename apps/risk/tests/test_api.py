"""The risk API: who may read and change the trading state, engage and release the kill switch."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.monitoring.models import AuditEvent
from apps.risk.models import KillSwitchRun, TradingState


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def viewer(viewer_user: Any) -> APIClient:
    return client_for(viewer_user)


@pytest.fixture
def trader(trader_user: Any) -> APIClient:
    return client_for(trader_user)


@pytest.fixture
def admin(admin_user: Any) -> APIClient:
    return client_for(admin_user)


def test_a_viewer_reads_the_state_and_an_outsider_cannot(viewer: APIClient, outsider_user: Any) -> None:
    body = viewer.get("/api/risk/state/").json()
    assert body["global"] == "ACTIVE"
    assert body["effective"] == {"SPOT": "ACTIVE", "USDM": "ACTIVE"}
    assert client_for(outsider_user).get("/api/risk/state/").status_code == 403


def test_a_trader_may_tighten_but_not_loosen_and_an_admin_may_do_both(
    viewer: APIClient, trader: APIClient, admin: APIClient
) -> None:
    assert (
        viewer.post("/api/risk/state/", {"scope": "usdm", "state": "HALTED", "reason": "x"}).status_code
        == 403
    )
    response = trader.post("/api/risk/state/", {"scope": "usdm", "state": "REDUCE_ONLY", "reason": "news"})
    assert response.status_code == 201, response.json()
    assert response.json()["scope"] == "usdm" and response.json()["actor"] == "tom-trader"
    assert (
        trader.post("/api/risk/state/", {"scope": "usdm", "state": "HALTED", "reason": "worse"}).status_code
        == 201
    )
    refused = trader.post("/api/risk/state/", {"scope": "usdm", "state": "ACTIVE", "reason": "all good"})
    assert refused.status_code == 403 and "only an admin" in refused.json()["detail"]
    assert (
        admin.post("/api/risk/state/", {"scope": "usdm", "state": "ACTIVE"}).status_code == 400
    )  # no reason
    assert (
        admin.post("/api/risk/state/", {"scope": "usdm", "state": "ACTIVE", "reason": "ok"}).status_code
        == 201
    )
    assert (
        admin.post("/api/risk/state/", {"scope": "moon", "state": "ACTIVE", "reason": "?"}).status_code == 400
    )

    body = viewer.get("/api/risk/state/").json()
    assert [h["state"] for h in body["history"]] == ["ACTIVE", "HALTED", "REDUCE_ONLY"]
    audits = list(AuditEvent.objects.filter(action="risk.state.set").order_by("id"))
    assert [(a.before["state"], a.after["state"]) for a in audits] == [
        ("ACTIVE", "REDUCE_ONLY"),
        ("REDUCE_ONLY", "HALTED"),
        ("HALTED", "ACTIVE"),
    ]


def test_the_strictest_scope_shows_in_the_effective_state(trader: APIClient, viewer: APIClient) -> None:
    trader.post("/api/risk/state/", {"scope": "all", "state": "REDUCE_ONLY", "reason": "a"})
    trader.post("/api/risk/state/", {"scope": "SPOT:BTCUSDT", "state": "HALTED", "reason": "b"})
    body = viewer.get("/api/risk/state/").json()
    assert body["effective"] == {"SPOT": "REDUCE_ONLY", "USDM": "REDUCE_ONLY"}
    assert {s["scope"]: s["state"] for s in body["scopes"]} == {
        "all": "REDUCE_ONLY",
        "SPOT:BTCUSDT": "HALTED",
    }


def test_engaging_halts_at_once_and_engaging_again_returns_the_running_run(
    viewer: APIClient, trader: APIClient
) -> None:
    body = {"action": "engage", "scope": "all", "close_positions": True, "reason": "drill"}
    assert viewer.post("/api/kill-switch/", body, format="json").status_code == 403
    first = trader.post("/api/kill-switch/", body, format="json")
    assert first.status_code == 202, first.json()
    assert first.json()["status"] == "RUNNING" and first.json()["close_positions"] is True
    assert TradingState.objects.get().state == "HALTED"
    again = trader.post("/api/kill-switch/", body | {"scope": "spot"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert KillSwitchRun.objects.count() == 1
    assert trader.post("/api/kill-switch/", body | {"reason": ""}, format="json").status_code == 400
    assert AuditEvent.objects.filter(action="risk.kill_switch.engage").count() == 1
    assert viewer.get("/api/kill-switch/").json()[0]["id"] == first.json()["id"]


def test_only_an_admin_releases_and_only_with_a_reason(
    viewer: APIClient, trader: APIClient, admin: APIClient, fake_gateway: Any
) -> None:
    from apps.risk.killswitch.runner import kill_switch_execute

    run_id = trader.post(
        "/api/kill-switch/", {"action": "engage", "scope": "usdm", "reason": "drill"}, format="json"
    ).json()["id"]
    release = {"action": "release", "scope": "usdm", "reason": "over"}
    busy = admin.post("/api/kill-switch/", release, format="json")
    assert busy.status_code == 400 and "still working" in busy.json()["detail"]
    assert kill_switch_execute(run_id=run_id, worker="w") == "completed"

    assert viewer.post("/api/kill-switch/", release, format="json").status_code == 403
    assert trader.post("/api/kill-switch/", release, format="json").status_code == 403
    assert admin.post("/api/kill-switch/", release | {"reason": " "}, format="json").status_code == 400
    done = admin.post("/api/kill-switch/", release, format="json")
    assert done.status_code == 200 and done.json()["state"]["state"] == "ACTIVE"
    audit = AuditEvent.objects.get(action="risk.kill_switch.release")
    assert audit.before["state"] == "HALTED" and audit.after["state"] == "ACTIVE"
    assert audit.actor_label == "ada-admin"

    runs = viewer.get("/api/kill-switch/").json()
    assert runs[0]["status"] == "COMPLETED" and runs[0]["report"]["failed"] == []
    assert {s["key"] for s in runs[0]["steps"]} >= {"plan:cancel:1", "verify"}


def test_the_dead_man_status_is_readable_by_a_viewer(viewer: APIClient) -> None:
    body = viewer.get("/api/risk/deadman/").json()
    assert body["symbols"] == [] and "healthy" in body
    assert viewer.get("/api/risk/alerts/").json() == []
