"""The back office: channels are created through the audited services, secrets never rendered."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from apps.monitoring.delivery.services import delivery_fanout
from apps.monitoring.models import AuditEvent, NotificationChannel
from apps.monitoring.tests.delivery.conftest import BOT_TOKEN

pytestmark = pytest.mark.usefixtures("no_channels")

ADD = "/admin/monitoring/notificationchannel/add/"


def form(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Telegram ops",
        "kind": "telegram",
        "enabled": "on",
        "min_severity": "critical",
        "events": json.dumps(["opened", "resolved"]),
        "config": json.dumps({"chat_id": "-100200300"}),
        "secret": BOT_TOKEN,
    }
    values.update(overrides)
    return values


@pytest.fixture
def staff(client: Any, admin_user: Any) -> Any:
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_the_admin_adds_a_channel_encrypted_and_audited_and_never_renders_the_secret(staff: Any) -> None:
    assert staff.get(ADD).status_code == 200
    response = staff.post(ADD, form())
    assert response.status_code == 302, response.content.decode()[:3000]
    channel = NotificationChannel.objects.get()
    assert channel.config == {"chat_id": -100200300, "api_base": "https://api.telegram.org"}
    assert channel.has_secret and BOT_TOKEN not in channel.secret_encrypted
    assert AuditEvent.objects.filter(action="monitoring.channel.create", target_id=str(channel.pk)).exists()
    page = staff.get(f"/admin/monitoring/notificationchannel/{channel.pk}/change/").content.decode()
    assert f"…{BOT_TOKEN[-4:]}" in page and BOT_TOKEN not in page

    # Saving the change form without typing the secret keeps it.
    kept = staff.post(
        f"/admin/monitoring/notificationchannel/{channel.pk}/change/", form(secret="", name="Renamed")
    )
    assert kept.status_code == 302
    channel.refresh_from_db()
    assert channel.name == "Renamed" and channel.has_secret


def test_the_admin_form_shows_field_errors_without_echoing_the_secret(staff: Any) -> None:
    bad = staff.post(ADD, form(secret="not-a-bot-token-at-all", config=json.dumps({})))
    page = bad.content.decode()
    assert bad.status_code == 200 and "not-a-bot-token-at-all" not in page
    assert (
        page.count("A Telegram bot token looks like") == 1 and page.count("chat_id: Enter the chat id") == 1
    )
    assert not NotificationChannel.objects.exists()


def test_deliveries_are_read_only_and_filterable(staff: Any, make_alert: Any, make_channel: Any) -> None:
    make_channel("inapp", name="dash")
    alert = make_alert()
    [delivery_id] = delivery_fanout(
        alert_id=alert.pk, event="opened", alert=None, occurrence=str(uuid.uuid4())
    )
    listing = staff.get("/admin/monitoring/delivery/", {"status__exact": "pending"})
    assert (
        listing.status_code == 200
        and f"/admin/monitoring/delivery/{delivery_id}/change/" in listing.content.decode()
    )
    detail = staff.get(f"/admin/monitoring/delivery/{delivery_id}/change/")
    assert detail.status_code == 200 and 'type="submit" value="Save"' not in detail.content.decode()
    assert staff.get("/admin/monitoring/delivery/add/").status_code == 403
