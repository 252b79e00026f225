"""Monitoring REST API under /api/: one include line per concern (alerts, channels, status, ...)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
