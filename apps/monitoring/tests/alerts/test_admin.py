"""The back office: rules edited through the same validation and audit as the API, alerts filtered and
acted on in bulk, their history inline."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.monitoring.alerts.services import alert_raise
from apps.monitoring.models import Alert, AlertRule, AuditEvent


@pytest.fixture
def root(db: None) -> Client:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    return client


def _form(rule: AlertRule, **changes: Any) -> dict[str, Any]:
    data = {
        "name": rule.name,
        "rule_type": rule.rule_type,
        "params": json.dumps(rule.params),
        "severity": rule.severity,
        "for_duration_s": rule.for_duration_s,
        "cooldown_s": rule.cooldown_s,
        "enabled": "on" if rule.enabled else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_rule_change_form_validates_params_and_audits(root: Client) -> None:
    rule = AlertRule.objects.get(rule_type="rate_budget")
    url = f"/admin/monitoring/alertrule/{rule.pk}/change/"
    assert root.get(url).status_code == 200
    refused = root.post(url, _form(rule, params=json.dumps({"threshold_pct": "150"})))
    assert refused.status_code == 200
    assert "threshold_pct: Must be at most 100." in refused.content.decode()
    accepted = root.post(url, _form(rule, params=json.dumps({"threshold_pct": "90"})))
    assert accepted.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"threshold_pct": "90"}
    audit = AuditEvent.objects.get(action="monitoring.alert_rule.update", target_id=str(rule.pk))
    assert (audit.actor_label, audit.after["params"]) == ("root", {"threshold_pct": "90"})


def test_rule_add_form_fills_defaults(root: Client) -> None:
    response = root.post(
        "/admin/monitoring/alertrule/add/",
        {
            "name": "Spot errors",
            "rule_type": "error_rate",
            "params": '{"market": "spot"}',
            "severity": "warning",
            "for_duration_s": 0,
            "cooldown_s": 60,
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get(name="Spot errors")
    assert rule.params["market"] == "spot" and rule.params["threshold_pct"] == "5"
    assert AuditEvent.objects.filter(action="monitoring.alert_rule.create", target_id=str(rule.pk)).exists()


def test_alert_list_filters_actions_and_history(root: Client, notified: Any) -> None:
    first = alert_raise(key="adhoc:1", title="First", message="m", severity="critical")
    second = alert_raise(key="adhoc:2", title="Second", message="m", severity="info")
    listing = root.get("/admin/monitoring/alert/?state__exact=open&severity__exact=critical")
    assert listing.status_code == 200
    assert "First" in listing.content.decode() and "Second" not in listing.content.decode()
    assert root.get("/admin/monitoring/alert/?rule_type=error_rate").status_code == 200
    root.post(
        "/admin/monitoring/alert/",
        {"action": "acknowledge", "_selected_action": [first.pk, second.pk]},
    )
    assert set(Alert.objects.values_list("state", flat=True)) == {"acknowledged"}
    root.post("/admin/monitoring/alert/", {"action": "resolve", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.state == "resolved" and first.resolved_by.username == "root"
    page = root.get(f"/admin/monitoring/alert/{first.pk}/change/").content.decode()
    assert "acknowledged" in page and "from the admin" in page
