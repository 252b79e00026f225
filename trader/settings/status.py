"""System status (/api/status/): beat writes each schedule's last run time as soon as it sends a task.

Beat's database scheduler otherwise saves last_run_at only every few minutes, and the status page judges
beat alive by the 10 s heartbeat job's last_run_at. The other knobs (TRADER_STATUS_*) are read, with
their defaults, by apps/monitoring/status/conf.py.
"""

from __future__ import annotations

CELERY_BEAT_SYNC_EVERY = 1
