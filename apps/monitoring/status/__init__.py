"""System status: every component the platform depends on, its state and when that state last changed.

`system_status()` is what `GET /api/status/` shows and what alert rules read; `/readyz` fails on the
components needed to trade (see components.readiness_check).
"""

from apps.monitoring.status.service import Component, SystemStatus, component, system_status

__all__ = ["Component", "SystemStatus", "component", "system_status"]
