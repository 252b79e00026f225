from __future__ import annotations

from django.urls import path

from apps.risk.api.views import KillSwitchApi

urlpatterns = [path("", KillSwitchApi.as_view(), name="kill-switch")]
