"""The audit trail's admin: filters, per-object history with diffs, CSV export, verification surfaced."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.monitoring.models import AuditEvent, AuditVerification
from apps.monitoring.services import audit_record
from apps.monitoring.tests.audit_review.conftest import tamper

if TYPE_CHECKING:
    from django.test import Client

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/monitoring/auditevent/"


@pytest.fixture
def trail() -> list[AuditEvent]:
    from django.contrib.auth.models import User

    ada = User.objects.create_user("ada")
    return [
        audit_record(actor=ada, action="config.update", target_type="RiskConfig", target_id="7",
                     before={"max_leverage": 5, "note": "a"}, after={"max_leverage": 10, "note": "a"}),
        audit_record(actor=None, action="auth.login", target_type="User", target_id="3"),
        audit_record(actor=ada, action="config.update", target_type="RiskConfig", target_id="7",
                     before={"max_leverage": 10}, after={"max_leverage": 3, "daily_loss": "250.00"}),
        audit_record(actor=None, action="order.place", target_type="Order", target_id="=cmd|' /C calc'!A0",
                     after={"qty": "0.001"}),
    ]  # fmt: skip


def _ids(response: object) -> list[int]:
    return sorted(e.pk for e in response.context["cl"].result_list)  # type: ignore[attr-defined]


def test_the_list_filters_by_actor_action_object_type_and_time(
    admin_client: Client, trail: list[AuditEvent]
) -> None:
    assert _ids(admin_client.get(CHANGELIST)) == [e.pk for e in trail]
    assert _ids(admin_client.get(CHANGELIST, {"actor_label": "ada"})) == [trail[0].pk, trail[2].pk]
    assert _ids(admin_client.get(CHANGELIST, {"action": "auth.login"})) == [trail[1].pk]
    assert _ids(admin_client.get(CHANGELIST, {"target_type": "Order"})) == [trail[3].pk]
    today = timezone.localdate().isoformat()
    assert len(_ids(admin_client.get(CHANGELIST, {"created_at__from": today, "created_at__to": today}))) == 4
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _ids(admin_client.get(CHANGELIST, {"created_at__from": tomorrow})) == []
    later = (trail[1].created_at + timedelta(microseconds=1)).isoformat()
    assert _ids(admin_client.get(CHANGELIST, {"created_at__from": later})) == [trail[2].pk, trail[3].pk]
    day = timezone.localdate()
    hierarchy = {"created_at__year": day.year, "created_at__month": day.month, "created_at__day": day.day}
    assert len(_ids(admin_client.get(CHANGELIST, hierarchy))) == 4


def test_a_bad_date_is_refused_not_a_server_error(admin_client: Client, trail: list[AuditEvent]) -> None:
    response = admin_client.get(CHANGELIST, {"created_at__from": "yesterday"})
    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_search_finds_an_object_id_and_a_request_id(admin_client: Client, trail: list[AuditEvent]) -> None:
    assert _ids(admin_client.get(CHANGELIST, {"q": "7"})) == [trail[0].pk, trail[2].pk]
    with_request = AuditEvent.objects.create(
        actor_label="system", action="x", request_id="req-abc123", prev_hash="p", hash="h" * 64
    )
    assert _ids(admin_client.get(CHANGELIST, {"q": "req-abc123"})) == [with_request.pk]


def test_each_row_links_to_its_objects_history(admin_client: Client, trail: list[AuditEvent]) -> None:
    history = reverse("admin:monitoring_auditevent_object_events", args=["RiskConfig", "7"])
    assert history == "/admin/monitoring/auditevent/history/RiskConfig/7/"
    assert admin_client.get(CHANGELIST).content.decode().count(f'href="{history}"') == 4  # 2 rows x 2 links


def test_the_history_of_an_object_lists_its_events_in_order_with_diffs(
    admin_client: Client, trail: list[AuditEvent]
) -> None:
    response = admin_client.get("/admin/monitoring/auditevent/history/RiskConfig/7/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["event"].pk for r in rows] == [trail[0].pk, trail[2].pk]
    first = [(c.field, c.before, c.after, c.kind) for c in rows[0]["changes"]]
    assert first == [("max_leverage", "5", "10", "changed")]  # "note" did not change
    second = [(c.field, c.before, c.after, c.kind) for c in rows[1]["changes"]]
    assert second == [("daily_loss", "", '"250.00"', "added"), ("max_leverage", "10", "3", "changed")]
    html = response.content.decode()
    assert "History of RiskConfig 7" in html
    assert html.index(f">{trail[0].pk}</a>") < html.index(f">{trail[2].pk}</a>")


def test_the_history_of_an_unknown_object_is_empty(admin_client: Client, trail: list[AuditEvent]) -> None:
    response = admin_client.get("/admin/monitoring/auditevent/history/Nothing/1/")
    assert response.status_code == 200
    assert "No event names this object." in response.content.decode()


def test_the_history_needs_an_admin_login(client: Client, trail: list[AuditEvent]) -> None:
    response = client.get("/admin/monitoring/auditevent/history/RiskConfig/7/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _csv(response: object) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(body)))


def test_the_export_button_streams_the_whole_filtered_list(
    admin_client: Client, trail: list[AuditEvent]
) -> None:
    response = admin_client.get("/admin/monitoring/auditevent/export/", {"action": "config.update"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = _csv(response)
    assert [int(r["id"]) for r in rows] == [trail[0].pk, trail[2].pk]
    assert json.loads(rows[1]["before"]) == {"max_leverage": 10}
    assert json.loads(rows[1]["after"]) == {"daily_loss": "250.00", "max_leverage": 3}
    assert rows[0]["actor_label"] == "ada"
    assert rows[0]["hash"] == trail[0].hash


def test_the_list_offers_the_export_with_its_current_filters(
    admin_client: Client, trail: list[AuditEvent]
) -> None:
    html = admin_client.get(CHANGELIST, {"action": "auth.login"}).content.decode()
    assert 'href="/admin/monitoring/auditevent/export/?action=auth.login"' in html


def test_the_export_action_exports_the_selected_events(admin_client: Client, trail: list[AuditEvent]) -> None:
    response = admin_client.post(
        CHANGELIST, {"action": "export_selected_csv", "_selected_action": [trail[1].pk, trail[3].pk]}
    )
    rows = _csv(response)
    assert [int(r["id"]) for r in rows] == [trail[1].pk, trail[3].pk]
    assert rows[0]["before"] == "" and rows[0]["after"] == ""
    # A cell a spreadsheet would run as a formula is defused.
    assert rows[1]["target_id"] == "'=cmd|' /C calc'!A0"


def test_the_trail_stays_read_only(admin_client: Client, trail: list[AuditEvent]) -> None:
    assert admin_client.get("/admin/monitoring/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/monitoring/auditevent/{trail[0].pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/monitoring/auditevent/{trail[0].pk}/change/").status_code == 200
    assert AuditEvent.objects.count() == 4


def test_the_list_shows_that_the_chain_was_never_verified(
    admin_client: Client, trail: list[AuditEvent]
) -> None:
    html = admin_client.get(CHANGELIST).content.decode()
    assert "The chain has never been verified." in html
    assert 'value="Verify now"' in html


def test_verify_now_records_a_verification_and_the_list_shows_it(
    admin_client: Client, trail: list[AuditEvent]
) -> None:
    response = admin_client.post("/admin/monitoring/auditevent/verify/")
    assert response.status_code == 302
    verification = AuditVerification.objects.get()
    assert (verification.ok, verification.events, verification.triggered_by) == (True, 4, "admin")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "intact" in html
    assert "4 events checked" in html
    assert verification.verified_at.strftime("%Y-%m-%d %H:%M:%S") in html


def test_verify_now_needs_a_post(admin_client: Client) -> None:
    assert admin_client.get("/admin/monitoring/auditevent/verify/").status_code == 405


def test_a_broken_chain_is_shown_in_red_on_the_list(admin_client: Client, trail: list[AuditEvent]) -> None:
    tamper("UPDATE monitoring_auditevent SET action = %s WHERE id = %s", ["auth.forged", trail[2].pk])
    admin_client.post("/admin/monitoring/auditevent/verify/")
    html = admin_client.get(CHANGELIST).content.decode()
    assert f"BROKEN at event #{trail[2].pk}" in html
    assert "content does not match its hash" in html


def test_verifications_have_their_own_read_only_list(admin_client: Client) -> None:
    AuditVerification.objects.create(ok=True, events=3, triggered_by="beat")
    assert admin_client.get("/admin/monitoring/auditverification/").status_code == 200
    assert admin_client.get("/admin/monitoring/auditverification/add/").status_code == 403
