"""Session login for the SPA, tokens for scripts, and refusal of anonymous callers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from apps.monitoring.models import AuditEvent
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    response = client.get("/api/auth/session/")
    assert response.status_code == 200
    return client, response.cookies["csrftoken"].value


def test_the_three_roles_exist_after_migrating() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {"viewer", "trader", "admin"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/schema/"), ("get", "/api/docs/"), ("post", "/api/auth/logout/")],
)
def test_anonymous_requests_to_the_api_are_refused(api_client: APIClient, method: str, path: str) -> None:
    response = getattr(api_client, method)(path)
    assert response.status_code == 403
    if response["Content-Type"].startswith(("application/json", "application/vnd.oai")):
        assert b"Authentication credentials were not provided." in response.content


def test_session_reports_anonymous_and_sets_the_csrf_cookie() -> None:
    response = Client().get("/api/auth/session/")
    assert response.json() == {"authenticated": False, "user": None}
    assert "csrftoken" in response.cookies


def test_login_without_the_csrf_token_is_refused(trader_user) -> None:
    client, _ = _csrf_client()
    response = client.post(
        "/api/auth/login/", {"username": "tom-trader", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403


def test_login_with_csrf_starts_a_session_and_reports_roles(trader_user) -> None:
    client, token = _csrf_client()
    response = client.post(
        "/api/auth/login/",
        {"username": "tom-trader", "password": PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert response.json() == {
        "authenticated": True,
        "user": {
            "id": trader_user.pk,
            "username": "tom-trader",
            "roles": ["viewer", "trader"],
            "is_superuser": False,
        },
    }
    assert client.get("/api/auth/session/").json()["authenticated"] is True
    assert AuditEvent.objects.filter(action="auth.login", actor=trader_user).count() == 1


def test_a_wrong_password_gets_a_clear_400_and_is_audited(trader_user) -> None:
    client, token = _csrf_client()
    response = client.post(
        "/api/auth/login/",
        {"username": "tom-trader", "password": "nope"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid username or password."}
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.target_id == "tom-trader"
    assert "nope" not in str(failed.chain_content())


def test_missing_fields_get_field_level_errors(api_client: APIClient) -> None:
    response = api_client.post("/api/auth/login/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_logout_ends_the_session(trader_user) -> None:
    client, token = _csrf_client()
    client.post(
        "/api/auth/login/",
        {"username": "tom-trader", "password": PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    token = client.cookies["csrftoken"].value
    assert client.post("/api/auth/logout/", headers={"X-CSRFToken": token}).status_code == 204
    assert client.get("/api/auth/session/").json()["authenticated"] is False


def test_a_token_is_issued_for_valid_credentials_and_opens_the_api(
    api_client: APIClient, viewer_user
) -> None:
    response = api_client.post(
        "/api/auth/token/", {"username": "vera-viewer", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    again = api_client.post(
        "/api/auth/token/", {"username": "vera-viewer", "password": PASSWORD}, format="json"
    )
    assert again.json()["token"] == token
    assert AuditEvent.objects.filter(action="auth.token_issued").count() == 1
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert script.get("/api/schema/").status_code == 200


def test_no_token_for_wrong_credentials(api_client: APIClient, viewer_user) -> None:
    response = api_client.post(
        "/api/auth/token/", {"username": "vera-viewer", "password": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_invalid_token_is_refused(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/schema/").status_code in (401, 403)


def test_login_attempts_are_throttled(api_client: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from rest_framework.throttling import ScopedRateThrottle

    # DRF copies the rates onto the class at import time, so the override goes there.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    codes = [
        api_client.post("/api/auth/token/", {"username": "x", "password": "y"}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
