"""`/api/notification-channels/` and `/api/deliveries/`: roles, field 400s, write-only secrets, audit."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.exchange.crypto import keyring
from apps.exchange.domain.errors import ConfigurationError
from apps.monitoring.delivery.channels import channel_secrets_reencrypt
from apps.monitoring.delivery.domain.signing import verify
from apps.monitoring.delivery.services import delivery_attempt, delivery_fanout
from apps.monitoring.models import AuditEvent, NotificationChannel
from apps.monitoring.tests.delivery.conftest import BOT_TOKEN, WEBHOOK_SECRET
from apps.monitoring.tests.delivery.receivers import Receiver, Step

pytestmark = pytest.mark.usefixtures("no_channels")

URL = "/api/notification-channels/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin(admin_user: Any) -> APIClient:
    return client_for(admin_user)


def webhook_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Ops hook",
        "kind": "webhook",
        "min_severity": "warning",
        "events": ["opened", "resolved"],
        "config": {"url": "https://hooks.example.com/trader", "headers": {"X-Team": "ops"}},
        "secret": WEBHOOK_SECRET,
    }
    body.update(overrides)
    return body


def test_an_admin_creates_a_channel_whose_secret_is_encrypted_and_never_shown(
    admin: APIClient, admin_user: Any, viewer_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = admin.post(URL, webhook_body(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert "secret" not in created and WEBHOOK_SECRET not in response.content.decode()
    assert created["has_secret"] is True and created["secret_hint"] == f"…{WEBHOOK_SECRET[-4:]}"
    assert created["config"] == {"url": "https://hooks.example.com/trader", "headers": {"X-Team": "ops"}}
    assert created["events"] == ["opened", "resolved"]

    row = NotificationChannel.objects.get(pk=created["id"])
    assert WEBHOOK_SECRET not in row.secret_encrypted and row.secret_encrypted.startswith("v1$")
    assert keyring().decrypt(row.secret_encrypted, aad=row.aad()).reveal() == WEBHOOK_SECRET
    other = NotificationChannel.objects.create(name="other", kind="inapp")
    with pytest.raises(ConfigurationError):  # bound to its row: useless when copied onto another
        keyring().decrypt(row.secret_encrypted, aad=other.aad())

    listed = client_for(viewer_user).get(URL)
    assert listed.status_code == 200 and WEBHOOK_SECRET not in listed.content.decode()
    assert {c["name"] for c in listed.json()} == {"Ops hook", "other"}

    [event] = AuditEvent.objects.filter(action="monitoring.channel.create")
    assert event.actor == admin_user and event.after["has_secret"] is True
    assert WEBHOOK_SECRET not in json.dumps(event.after) and WEBHOOK_SECRET[-4:] not in json.dumps(
        event.after
    )
    assert WEBHOOK_SECRET not in caplog.text


def test_changing_a_channel_keeps_replaces_or_drops_its_secret(admin: APIClient) -> None:
    created = admin.post(URL, webhook_body(), format="json").json()
    detail = f"{URL}{created['id']}/"
    renamed = admin.patch(detail, {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["has_secret"] is True
    row = NotificationChannel.objects.get(pk=created["id"])
    sealed = row.secret_encrypted

    replaced = admin.patch(detail, {"secret": "another-signing-secret-0001"}, format="json")
    assert replaced.status_code == 200 and replaced.json()["secret_hint"] == "…0001"
    row.refresh_from_db()
    assert row.secret_encrypted != sealed
    update = AuditEvent.objects.filter(action="monitoring.channel.update").order_by("-id").first()
    assert update is not None and update.after["secret_replaced"] is True
    assert "another-signing-secret-0001" not in json.dumps([update.before, update.after])

    assert admin.patch(detail, {"secret": ""}, format="json").json() == {
        "secret": ["A webhook channel needs its signing secret."]
    }
    as_email = admin.patch(
        detail, {"kind": "email", "config": {"recipients": ["a@example.com"]}}, format="json"
    )
    assert as_email.status_code == 200 and as_email.json()["has_secret"] is False
    row.refresh_from_db()
    assert row.secret_encrypted == "" and row.secret_hint == ""


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (webhook_body(config={"url": "htp:/nope"}), {"config": {"url": ["Enter a valid http(s) URL."]}}),
        (webhook_body(min_severity="loud"), {"min_severity": ['"loud" is not a valid choice.']}),
        (webhook_body(secret="short"), {"secret": ["The signing secret must be 16 to 256 characters."]}),
        (
            {k: v for k, v in webhook_body().items() if k != "secret"},
            {"secret": ["A webhook channel needs its signing secret."]},
        ),
        (
            {"name": "tg", "kind": "telegram", "config": {}, "secret": BOT_TOKEN},
            {"config": {"chat_id": ["Enter the chat id (a number, negative for groups) or @channelname."]}},
        ),
        (
            {"name": "mail", "kind": "email", "config": {"recipients": ["nobody"]}},
            {"config": {"recipients": ["Not an email address: 'nobody'."]}},
        ),
        (
            {"name": "x", "kind": "inapp", "events": ["opened", "exploded"]},
            {"events": ["Unknown events: exploded; choose from opened, acknowledged, resolved, reminder."]},
        ),
        ({"name": "x", "kind": "pager"}, {"kind": ['"pager" is not a valid choice.']}),
    ],
)
def test_bad_input_is_a_400_with_field_messages(admin: APIClient, body: dict[str, Any], errors: Any) -> None:
    response = admin.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not NotificationChannel.objects.exists()


def test_names_are_unique(admin: APIClient) -> None:
    assert admin.post(URL, {"name": "Dash", "kind": "inapp"}, format="json").status_code == 201
    again = admin.post(URL, {"name": "Dash", "kind": "inapp"}, format="json")
    assert again.status_code == 400 and again.json() == {"name": ["Another channel already has this name."]}


def test_only_admins_change_channels_and_any_role_reads(
    admin: APIClient, viewer_user: Any, trader_user: Any, outsider_user: Any
) -> None:
    channel = admin.post(URL, {"name": "Dash", "kind": "inapp"}, format="json").json()
    detail = f"{URL}{channel['id']}/"
    for user in (viewer_user, trader_user):
        client = client_for(user)
        assert client.get(URL).status_code == 200 and client.get(detail).status_code == 200
        assert client.post(URL, {"name": "Mine", "kind": "inapp"}, format="json").status_code == 403
        assert client.patch(detail, {"enabled": False}, format="json").status_code == 403
        assert client.delete(detail).status_code == 403
        assert client.post(f"{detail}test/").status_code == 403
        assert client.get("/api/deliveries/").status_code == 200
    assert client_for(outsider_user).get(URL).status_code == 403
    assert APIClient().get(URL).status_code in (401, 403)
    assert admin.delete(detail).status_code == 204
    assert AuditEvent.objects.filter(
        action="monitoring.channel.delete", target_id=str(channel["id"])
    ).exists()
    assert admin.get(detail).status_code == 404


def test_the_test_action_sends_a_signed_message_and_returns_the_delivery(admin: APIClient) -> None:
    with Receiver([Step.answer(200)]) as receiver:
        created = admin.post(URL, webhook_body(config={"url": receiver.url}), format="json").json()
        response = admin.post(f"{URL}{created['id']}/test/")
        [request] = receiver.requests
    assert response.status_code == 200, response.content
    delivery = response.json()
    assert (delivery["event"], delivery["status"], delivery["attempts"], delivery["alert"]) == (
        "test",
        "sent",
        1,
        None,
    )
    assert delivery["channel"] == created["id"] and delivery["channel_name"] == "Ops hook"
    timestamp = int(request.headers["X-Trader-Signature"].split(",")[0][2:])
    assert verify(WEBHOOK_SECRET, request.headers["X-Trader-Signature"], request.body, now=timestamp)
    assert (
        request.json()["event"] == "test"
        and request.json()["alert"]["title"] == "Test notification from Trader"
    )


def test_a_failing_test_is_reported_not_retried(admin: APIClient) -> None:
    with Receiver([Step.answer(500, {"error": "down"})]) as receiver:
        created = admin.post(URL, webhook_body(config={"url": receiver.url}), format="json").json()
        delivery = admin.post(f"{URL}{created['id']}/test/").json()
    assert (delivery["status"], delivery["attempts"], delivery["response_code"]) == ("failed", 1, 500)
    assert delivery["last_error"] == 'HTTP 500: {"error": "down"}' and delivery["next_attempt_at"] is None


def test_deliveries_are_listed_and_filtered(
    admin: APIClient, viewer_user: Any, make_alert: Any, make_channel: Any
) -> None:
    inapp = make_channel("inapp", name="dash")
    mail = make_channel("email", name="mail", config={"recipients": ["a@example.com"]})
    first, second = make_alert(), make_alert()
    for alert in (first, second):
        for delivery_id in delivery_fanout(
            alert_id=alert.pk, event="opened", alert=None, occurrence=str(uuid.uuid4())
        ):
            if alert == first:
                delivery_attempt(delivery_id=delivery_id)
    viewer = client_for(viewer_user)
    page = viewer.get("/api/deliveries/").json()
    assert page["count"] == 4 and set(page) == {"count", "next", "previous", "results"}
    assert {(r["alert"], r["channel_kind"], r["status"]) for r in page["results"]} == {
        (first.pk, "inapp", "sent"),
        (first.pk, "email", "sent"),
        (second.pk, "inapp", "pending"),
        (second.pk, "email", "pending"),
    }
    only = viewer.get("/api/deliveries/", {"alert": first.pk, "channel": mail.pk}).json()["results"]
    assert [(r["alert"], r["channel"], r["channel_name"]) for r in only] == [(first.pk, mail.pk, "mail")]
    pending = viewer.get("/api/deliveries/", {"status": "pending", "channel": inapp.pk}).json()["results"]
    assert [r["alert"] for r in pending] == [second.pk]
    assert pending[0]["payload"]["alert"]["id"] == second.pk and pending[0]["payload"]["event"] == "opened"
    bad = viewer.get("/api/deliveries/", {"status": "lost", "alert": "x"})
    assert bad.status_code == 400 and set(bad.json()) == {"status", "alert"}
    one = viewer.get(f"/api/deliveries/{pending[0]['id']}/")
    assert one.status_code == 200 and one.json()["id"] == pending[0]["id"]


def test_secrets_are_resealed_after_a_master_key_rotation(make_channel: Any, settings: Any) -> None:
    channel = make_channel("telegram", config={"chat_id": 1}, secret=BOT_TOKEN)
    old_key = keyring().current
    from apps.exchange.crypto import generate_key_text

    previous = settings.TRADER_MASTER_KEY or (settings.RUN_DIR / "master_key").read_text().strip()
    settings.TRADER_MASTER_KEY = generate_key_text()
    settings.TRADER_MASTER_KEY_PREVIOUS = [previous]
    assert channel_secrets_reencrypt() == 1
    channel.refresh_from_db()
    assert channel.master_key_id == keyring().current.key_id != old_key.key_id
    settings.TRADER_MASTER_KEY_PREVIOUS = []
    assert keyring().decrypt(channel.secret_encrypted, aad=channel.aad()).reveal() == BOT_TOKEN
