"""Monitoring REST API under /api/, one route list per concern."""

from __future__ import annotations

from typing import Any

from apps.monitoring.api.alerts import alert_urlpatterns  # alerts/..., alert-rules/...
from apps.monitoring.api.channels import channel_urlpatterns  # notification-channels/..., deliveries/...
from apps.monitoring.api.status import status_urlpatterns  # status/, status/exchange-errors/
from apps.monitoring.api.taskruns import urlpatterns as taskrun_urlpatterns  # task-runs/...

urlpatterns: list[Any] = [*status_urlpatterns, *alert_urlpatterns, *channel_urlpatterns, *taskrun_urlpatterns]
