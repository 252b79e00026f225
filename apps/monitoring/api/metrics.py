"""GET /metrics: Prometheus text exposition of the whole platform (trader/settings/metrics.py: access)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _refusal(request: HttpRequest) -> HttpResponse | None:
    token = settings.TRADER_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return HttpResponse("metrics need a bearer token\n", status=401, content_type="text/plain")
    if settings.TRADER_METRICS_LOCAL_ONLY and not _is_loopback(request.META.get("REMOTE_ADDR", "")):
        return HttpResponse(
            "metrics are served to localhost only (TRADER_METRICS_LOCAL_ONLY)\n",
            status=403,
            content_type="text/plain",
        )
    return None


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition: every process's samples plus state read at scrape time."""
    refused = _refusal(request)
    if refused is not None:
        return refused
    from apps.monitoring.metrics.registry import render_metrics

    # Text format 0.0.4: every Prometheus version parses it, and our names need nothing newer.
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
