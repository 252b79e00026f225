"""Monitoring REST API under /api/, one route list per concern."""

from __future__ import annotations

from typing import Any

from apps.monitoring.api.taskruns import urlpatterns as taskrun_urlpatterns  # task-runs/...

urlpatterns: list[Any] = [*taskrun_urlpatterns]
