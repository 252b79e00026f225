"""Django serves the built SPA at / and for every client-side route; API paths are never swallowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client


@pytest.fixture
def built(tmp_path: Path, settings) -> Path:
    (tmp_path / "index.html").write_text(
        '<!doctype html><div id="root"></div><script src="/static/assets/app.js">'
    )
    settings.FRONTEND_DIST = tmp_path
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/orders", "/markets/BTCUSDT", "/login"])
def test_client_routes_get_index_html(built: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert b'<div id="root">' in response.content
    assert response["Cache-Control"] == "no-cache"
    assert "csrftoken" in response.cookies


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/static/nothing.js"])
def test_api_and_static_paths_are_not_the_spa(built: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    assert b'<div id="root">' not in response.content


def test_a_missing_build_says_how_to_make_it(tmp_path: Path, settings) -> None:
    settings.FRONTEND_DIST = tmp_path / "absent"
    response = Client().get("/")
    assert response.status_code == 503
    assert b"npm run build" in response.content
