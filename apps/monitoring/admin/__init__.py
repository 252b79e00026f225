"""Back-office registrations, one module per concern."""

from apps.monitoring.admin import audit, taskruns  # noqa: F401
