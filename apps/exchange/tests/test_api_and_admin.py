"""API and admin: secrets are write-only, roles are enforced, status and metrics are visible."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.exchange.models import ApiCredential

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
BODY = {"environment": "testnet", "market": "spot", "key_type": "HMAC", "api_key": API_KEY, "secret": SECRET}


@pytest.fixture
def admin_client(admin_user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.fixture
def installed_runtime(runtime_for: Any) -> Any:
    return runtime_for("http://127.0.0.1:9")


def test_an_admin_adds_a_key_and_gets_back_only_its_hint(admin_client) -> None:
    response = admin_client.post("/api/exchange/credentials/", BODY, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["api_key_hint"] == "…Eh8A"
    listed = admin_client.get("/api/exchange/credentials/")
    for body in (response.content, listed.content):
        assert SECRET.encode() not in body and API_KEY.encode() not in body


def test_an_invalid_key_is_a_400_that_does_not_echo_it(admin_client) -> None:
    response = admin_client.post(
        "/api/exchange/credentials/", BODY | {"secret": "oops not valid"}, format="json"
    )
    assert response.status_code == 400
    assert b"oops not valid" not in response.content


@pytest.mark.parametrize("persona", ["viewer_user", "trader_user"])
def test_only_admins_see_or_change_credentials(persona: str, request) -> None:
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(persona))
    assert client.get("/api/exchange/credentials/").status_code == 403
    assert client.post("/api/exchange/credentials/", BODY, format="json").status_code == 403


def test_anonymous_requests_are_refused(api_client) -> None:
    assert api_client.get("/api/exchange/status/").status_code in (401, 403)


def test_activating_an_unverified_key_through_the_api_is_refused(admin_client) -> None:
    pk = admin_client.post("/api/exchange/credentials/", BODY, format="json").json()["id"]
    response = admin_client.post(f"/api/exchange/credentials/{pk}/activate/")
    assert response.status_code == 400 and "verified" in response.json()["detail"]


def test_viewers_see_breaker_and_limiter_state(viewer_user, installed_runtime) -> None:
    client = APIClient()
    client.force_authenticate(viewer_user)
    body = client.get("/api/exchange/status/").json()
    assert body["environment"] == "sim"
    assert {"market": "spot", "group": "orders"}.items() <= body["breakers"][0].items() or body["breakers"]
    assert all(b["state"] == "closed" for b in body["breakers"])


def test_metrics_expose_call_counts_and_breaker_state(client, installed_runtime, settings) -> None:
    settings.TRADER_METRICS_TOKEN = None
    from apps.exchange import metrics

    metrics.observe_call(
        endpoint="spot.ping", market="spot", outcome="ok", status=200, seconds=0.01, weight=1
    )
    text = client.get("/metrics").content.decode()
    assert "trader_exchange_requests_total" in text
    assert "trader_exchange_request_seconds_bucket" in text
    assert 'trader_exchange_breaker_state{group="orders",market="spot"} 0.0' in text


def test_metrics_can_require_a_bearer_token(client, installed_runtime, settings) -> None:
    settings.TRADER_METRICS_TOKEN = "t0ken"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken").status_code == 200


def test_the_admin_add_form_stores_the_key_encrypted_and_never_renders_it(client, admin_user) -> None:
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    form = client.get("/admin/exchange/apicredential/add/")
    assert form.status_code == 200
    response = client.post(
        "/admin/exchange/apicredential/add/",
        {
            "environment": "testnet",
            "market": "spot",
            "key_type": "HMAC",
            "label": "x",
            "api_key": API_KEY,
            "secret": SECRET,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    c = ApiCredential.objects.get()
    page = client.get(f"/admin/exchange/apicredential/{c.pk}/change/").content.decode()
    assert "…Eh8A" in page and SECRET not in page and API_KEY not in page
    bad = client.post(
        "/admin/exchange/apicredential/add/",
        {
            "environment": "testnet",
            "market": "spot",
            "key_type": "HMAC",
            "label": "x",
            "api_key": API_KEY,
            "secret": "not valid secret",
        },
    )
    assert bad.status_code == 200 and "not valid secret" not in bad.content.decode()


def test_the_call_log_page_shows_limiter_and_breaker_state(client, admin_user, installed_runtime) -> None:
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get("/admin/exchange/apicalllog/").content.decode()
    assert "Breaker" in page and "Exchange: sim" in page
