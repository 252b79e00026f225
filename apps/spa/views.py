"""Serve the built React app's index.html for `/` and every client-side route."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

NOT_BUILT = (
    "<!doctype html><title>Trader</title><h1>The dashboard has not been built</h1>"
    "<p>Run <code>make run</code> (it builds <code>frontend/dist</code>), or <code>cd frontend && npm ci && "
    "npm run build</code>. The API, admin and health endpoints work without it.</p>"
)


@require_GET
@ensure_csrf_cookie
def spa_index(request: HttpRequest, route: str = "") -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    try:
        html = index.read_text(encoding="utf-8")
    except FileNotFoundError:
        return HttpResponse(NOT_BUILT, status=503)
    response = HttpResponse(html)
    # index.html names the hashed assets of the current build, so it must never be cached.
    response["Cache-Control"] = "no-cache"
    return response
