"""Unknown routes and crashes answer in the caller's language, with the request id, never a trace."""

from __future__ import annotations

from django.test import Client

from apps.common.errors import server_error


def test_an_unknown_api_route_is_a_json_404() -> None:
    response = Client().get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No API route matches /api/no-such-thing/."}


def test_an_unknown_static_file_is_an_html_404() -> None:
    response = Client().get("/static/none.js")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_the_request_id_is_echoed_and_a_clean_one_is_kept() -> None:
    response = Client().get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"
    forged = Client().get("/healthz", headers={"X-Request-ID": "x\nInjected: yes"})
    assert forged["X-Request-ID"] != "x\nInjected: yes"
    assert len(forged["X-Request-ID"]) == 32


def test_a_server_error_names_the_request_id(rf) -> None:
    request = rf.get("/api/orders/")
    request.request_id = "req-9"
    response = server_error(request)
    assert response.status_code == 500
    assert b"req-9" in response.content
    assert b"Traceback" not in response.content
