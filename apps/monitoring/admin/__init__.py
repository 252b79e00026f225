"""Back-office registrations, one module per concern."""

from apps.monitoring.admin import alerts, audit, channels, taskruns  # noqa: F401
