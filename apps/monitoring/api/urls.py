"""Monitoring REST API under /api/: one include line per concern (alerts, channels, status, ...)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
