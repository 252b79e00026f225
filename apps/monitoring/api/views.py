"""Liveness and readiness endpoints for probes, load balancers and the dashboard's health indicator."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.monitoring.health import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving; deliberately checks no dependency."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Every dependency the platform needs to trade; 503 when any of them fails."""
    results = run_checks()
    ok = all(r.ok for r in results)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {r.name: {"ok": r.ok, "latency_ms": str(r.latency_ms), "error": r.error} for r in results},
    }
    return JsonResponse(body, status=200 if ok else 503)
