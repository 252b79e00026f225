"""Celery tasks of the config app: thin wrappers around one service each.

No retries: the task runs on a beat schedule (migration 0003), so the next run is the retry; a symbol the
exchange refuses is skipped and named in the result.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="config.klines_refresh", acks_late=True, ignore_result=True)
def klines_refresh() -> dict[str, Any]:
    """Beat, every 5 minutes: klines of the tracked symbols, then the correlation matrix."""
    from apps.config.correlations import klines_refresh as refresh

    return refresh()
