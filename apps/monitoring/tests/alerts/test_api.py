"""`/api/alerts/` and `/api/alert-rules/`: the shapes the dashboard codes against, roles, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.monitoring.alerts.services import open_alert
from apps.monitoring.models import Alert, AlertRule, AuditEvent


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def viewer(viewer_user: Any) -> APIClient:
    return _client(viewer_user)


@pytest.fixture
def trader(trader_user: Any) -> APIClient:
    return _client(trader_user)


@pytest.fixture
def admin(admin_user: Any) -> APIClient:
    return _client(admin_user)


@pytest.fixture
def alerts(db: None, notified: Any) -> dict[str, Alert]:
    rule = AlertRule.objects.get(rule_type="error_rate")
    now = timezone.now()
    made = {
        "critical": open_alert(
            key="error_rate:x",
            title="Exchange error rate",
            message="12 %",
            severity="critical",
            now=now,
            rule=rule,
            value={"error_rate_pct": "12"},
            labels={"rule_type": "error_rate", "subjects": []},
        ),
        "warning": open_alert(
            key="adhoc:w", title="W", message="w", severity="warning", now=now - timedelta(minutes=1)
        ),
        "acked": open_alert(
            key="adhoc:a", title="A", message="a", severity="warning", now=now - timedelta(minutes=2)
        ),
        "resolved": open_alert(
            key="adhoc:r", title="R", message="r", severity="info", now=now - timedelta(minutes=3)
        ),
    }
    Alert.objects.filter(pk=made["acked"].pk).update(state="acknowledged", acknowledged_at=now)
    Alert.objects.filter(pk=made["resolved"].pk).update(state="resolved", resolved_at=now)
    return made


ALERT_KEYS = {
    "id",
    "rule",
    "rule_name",
    "rule_type",
    "key",
    "title",
    "message",
    "severity",
    "state",
    "opened_at",
    "acknowledged_at",
    "acknowledged_by",
    "resolved_at",
    "last_value",
    "labels",
}


def test_list_shape_and_filters(viewer: APIClient, alerts: dict[str, Alert]) -> None:
    body = viewer.get("/api/alerts/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    first = body["results"][0]
    assert set(first) == ALERT_KEYS
    assert first["id"] == alerts["critical"].pk
    assert first["rule_name"] == "Exchange error rate" and first["rule_type"] == "error_rate"
    assert first["last_value"] == {"error_rate_pct": "12"}
    assert first["opened_at"].endswith("Z") and first["acknowledged_by"] is None

    def ids(query: str) -> set[int]:
        response = viewer.get(f"/api/alerts/?{query}")
        assert response.status_code == 200, response.json()
        return {a["id"] for a in response.json()["results"]}

    assert ids("state=open") == {alerts["critical"].pk, alerts["warning"].pk}
    assert ids("state=active") == {alerts["critical"].pk, alerts["warning"].pk, alerts["acked"].pk}
    assert ids("state=resolved") == {alerts["resolved"].pk}
    assert ids("severity=warning") == {alerts["warning"].pk, alerts["acked"].pk}
    assert ids("state=active&severity=critical") == {alerts["critical"].pk}
    assert ids("rule_type=error_rate") == {alerts["critical"].pk}
    assert len(viewer.get("/api/alerts/?page_size=1&page=2").json()["results"]) == 1


def test_list_rejects_bad_filters(viewer: APIClient, alerts: Any) -> None:
    response = viewer.get("/api/alerts/?state=closed&severity=fatal")
    assert response.status_code == 400
    assert set(response.json()) == {"state", "severity"}


def test_summary(viewer: APIClient, alerts: Any) -> None:
    assert viewer.get("/api/alerts/summary/").json() == {
        "open": 2,
        "acknowledged": 1,
        "by_severity": {"critical": 1, "warning": 2, "info": 0},
    }


def test_detail_has_history(viewer: APIClient, alerts: dict[str, Alert]) -> None:
    body = viewer.get(f"/api/alerts/{alerts['critical'].pk}/").json()
    assert set(body) == ALERT_KEYS | {"history"}
    assert body["history"] == [
        {"at": body["history"][0]["at"], "event": "opened", "actor": None, "note": "12 %"}
    ]
    assert viewer.get("/api/alerts/999999/").status_code == 404


def test_acknowledge_and_resolve(
    trader: APIClient, alerts: dict[str, Alert], notified: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pk = alerts["critical"].pk
    notified.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = trader.post(f"/api/alerts/{pk}/acknowledge/", {"note": "on it"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == ALERT_KEYS
    assert body["state"] == "acknowledged" and body["acknowledged_by"] == "tom-trader"
    assert body["acknowledged_at"] is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = trader.post(f"/api/alerts/{pk}/resolve/", format="json")  # body optional
    assert response.status_code == 200
    assert response.json()["state"] == "resolved" and response.json()["resolved_at"] is not None
    assert notified == [(pk, "acknowledged"), (pk, "resolved")]
    history = trader.get(f"/api/alerts/{pk}/").json()["history"]
    assert [(h["event"], h["actor"], h["note"]) for h in history] == [
        ("opened", None, "12 %"),
        ("acknowledged", "tom-trader", "on it"),
        ("resolved", "tom-trader", ""),
    ]
    assert AuditEvent.objects.filter(target_type="alert", target_id=str(pk)).count() == 2


def test_viewer_cannot_act(viewer: APIClient, api_client: APIClient, alerts: dict[str, Alert]) -> None:
    pk = alerts["critical"].pk
    assert viewer.post(f"/api/alerts/{pk}/acknowledge/").status_code == 403
    assert viewer.post(f"/api/alerts/{pk}/resolve/").status_code == 403
    assert api_client.get("/api/alerts/").status_code in (401, 403)
    assert Alert.objects.get(pk=pk).state == "open"


def test_bad_input_and_wrong_state_are_400(trader: APIClient, alerts: dict[str, Alert]) -> None:
    pk = alerts["critical"].pk
    too_long = trader.post(f"/api/alerts/{pk}/acknowledge/", {"note": "x" * 1001}, format="json")
    assert too_long.status_code == 400 and "note" in too_long.json()
    not_text = trader.post(f"/api/alerts/{pk}/acknowledge/", {"note": {"a": 1}}, format="json")
    assert not_text.status_code == 400 and "note" in not_text.json()
    not_object = trader.post(f"/api/alerts/{pk}/resolve/", [1, 2], format="json")
    assert not_object.status_code == 400
    acked = trader.post(f"/api/alerts/{alerts['acked'].pk}/acknowledge/", format="json")
    assert acked.status_code == 400 and "state" in acked.json()
    resolved = trader.post(f"/api/alerts/{alerts['resolved'].pk}/resolve/", format="json")
    assert resolved.status_code == 400 and "state" in resolved.json()
    assert trader.post("/api/alerts/999999/resolve/", format="json").status_code == 404
    assert Alert.objects.get(pk=pk).state == "open"


# ---------------------------------------------------------------- rules


RULE_KEYS = {
    "id",
    "name",
    "rule_type",
    "params",
    "severity",
    "for_duration_s",
    "cooldown_s",
    "enabled",
    "created_at",
    "updated_at",
    "pending_since",
    "last_evaluated_at",
    "last_value",
    "last_error",
}


def test_rules_readable_by_any_role(viewer: APIClient, db: None) -> None:
    rules = viewer.get("/api/alert-rules/").json()
    assert len(rules) == 15 and set(rules[0]) == RULE_KEYS
    one = viewer.get(f"/api/alert-rules/{rules[0]['id']}/").json()
    assert one == rules[0]
    assert viewer.get("/api/alert-rules/999999/").status_code == 404


def test_rule_crud_by_admin_is_audited(
    admin: APIClient, notified: Any, django_capture_on_commit_callbacks: Any
) -> None:
    created = admin.post(
        "/api/alert-rules/",
        {
            "name": "Futures errors",
            "rule_type": "error_rate",
            "params": {"market": "futures", "threshold_pct": "2.5"},
            "severity": "critical",
            "for_duration_s": 30,
            "cooldown_s": 600,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    rule = created.json()
    assert rule["params"] == {"market": "futures", "threshold_pct": "2.5", "window_s": 300, "min_count": 20}
    assert rule["enabled"] is True
    changed = admin.patch(
        f"/api/alert-rules/{rule['id']}/", {"params": {"threshold_pct": "3"}}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["params"]["threshold_pct"] == "3" and changed.json()["name"] == "Futures errors"
    replaced = admin.put(
        f"/api/alert-rules/{rule['id']}/",
        {"name": "Futures errors 2", "rule_type": "p95_latency"},
        format="json",
    )
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["params"]["series"] == "exchange"
    assert admin.delete(f"/api/alert-rules/{rule['id']}/").status_code == 204
    assert not AlertRule.objects.filter(pk=rule["id"]).exists()
    actions = list(
        AuditEvent.objects.filter(target_type="alert_rule", target_id=str(rule["id"])).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "monitoring.alert_rule.create",
        "monitoring.alert_rule.update",
        "monitoring.alert_rule.update",
        "monitoring.alert_rule.delete",
    ]
    update = AuditEvent.objects.filter(action="monitoring.alert_rule.update").first()
    assert (
        update.before["params"]["threshold_pct"] == "2.5" and update.after["params"]["threshold_pct"] == "3"
    )


def test_rule_bad_input_is_400_field_level(admin: APIClient, db: None) -> None:
    bad_params = admin.post(
        "/api/alert-rules/",
        {"name": "x", "rule_type": "rate_budget", "params": {"threshold_pct": "120", "oops": 1}},
        format="json",
    )
    assert bad_params.status_code == 400
    assert set(bad_params.json()["params"]) == {"threshold_pct", "oops"}
    bad_fields = admin.post(
        "/api/alert-rules/",
        {"name": "", "rule_type": "nope", "severity": "fatal", "cooldown_s": -1},
        format="json",
    )
    assert bad_fields.status_code == 400
    assert set(bad_fields.json()) >= {"name", "rule_type", "severity", "cooldown_s"}
    duplicate = admin.post(
        "/api/alert-rules/", {"name": "Exchange error rate", "rule_type": "error_rate"}, format="json"
    )
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    first = AlertRule.objects.first()
    bad_patch = admin.patch(f"/api/alert-rules/{first.pk}/", {"params": "80"}, format="json")
    assert bad_patch.status_code == 400 and "params" in bad_patch.json()


def test_rule_changes_need_admin(trader: APIClient, viewer: APIClient, db: None) -> None:
    rule = AlertRule.objects.first()
    for client in (trader, viewer):
        assert (
            client.post(
                "/api/alert-rules/", {"name": "x", "rule_type": "disk_space"}, format="json"
            ).status_code
            == 403
        )
        assert (
            client.patch(f"/api/alert-rules/{rule.pk}/", {"enabled": False}, format="json").status_code == 403
        )
        assert client.delete(f"/api/alert-rules/{rule.pk}/").status_code == 403
        assert client.post("/api/alert-rules/evaluate/", format="json").status_code == 403
    assert AlertRule.objects.get(pk=rule.pk).enabled


def test_evaluate_now(admin: APIClient, db: None, notified: Any, monkeypatch: Any) -> None:
    from apps.risk.models import TradingState

    TradingState.objects.create(state="HALTED", reason="api test")
    rule = AlertRule.objects.get(rule_type="kill_switch_engaged")
    response = admin.post("/api/alert-rules/evaluate/", {"rule_ids": [rule.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"results": [{"rule": rule.pk, "action": "open", "error": ""}]}
    assert Alert.objects.filter(rule=rule, state="open").exists()
    assert admin.post("/api/alert-rules/evaluate/", {"rule_ids": ["x"]}, format="json").status_code == 400


def test_the_openapi_schema_documents_the_endpoints(viewer: APIClient) -> None:
    response = viewer.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/alerts/",
        "/api/alerts/summary/",
        "/api/alerts/{alert_id}/",
        "/api/alerts/{alert_id}/acknowledge/",
        "/api/alerts/{alert_id}/resolve/",
        "/api/alert-rules/",
        "/api/alert-rules/{rule_id}/",
        "/api/alert-rules/evaluate/",
    ):
        assert path in paths
