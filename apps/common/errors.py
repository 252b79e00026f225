"""Error pages: JSON for API clients, a plain page for people; never a stack trace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

if TYPE_CHECKING:
    from django.http import HttpRequest


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": f"No API route matches {request.path}."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", "")
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Internal error; it has been logged.", "request_id": request_id}, status=500
        )
    return render(request, "500.html", {"request_id": request_id}, status=500)
