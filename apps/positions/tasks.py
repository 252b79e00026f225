"""Celery tasks of the positions app: thin wrappers around one service each.

No retries: each runs on a beat schedule (migration 0002), so the next run is the retry, and every service
is idempotent. Exchange errors are logged and the run reports them instead of failing the worker.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import shared_task

from apps.exchange.domain.errors import ExchangeError

logger = logging.getLogger(__name__)


@shared_task(name="positions.equity_snapshot", acks_late=True, ignore_result=True)
def equity_snapshot() -> list[str]:
    """Beat, every minute: value both markets and store the snapshot."""
    from apps.orders.api.fields import plain_decimal
    from apps.positions.services import equity_snapshot_take

    return [f"{row.market} {plain_decimal(row.equity)}" for row in equity_snapshot_take()]


@shared_task(name="positions.reconcile", acks_late=True, ignore_result=True)
def reconcile() -> dict[str, Any]:
    """Beat, every 60 s (and after a user-stream reconnect): balances of both markets, then positions.

    One market failing does not stop the others; its error is in the result and the log.
    """
    from apps.positions.services import balances_reconcile, positions_reconcile

    out: dict[str, Any] = {}
    steps = (
        ("SPOT", lambda: balances_reconcile(market="SPOT").as_dict()),
        ("USDM", lambda: balances_reconcile(market="USDM").as_dict()),
        ("positions", lambda: positions_reconcile().as_dict()),
    )
    for name, step in steps:
        try:
            out[name] = step()
        except ExchangeError as error:
            logger.warning("positions.reconcile %s: %s", name, error)
            out[name] = {"error": str(error)}
    return out


@shared_task(name="positions.history_import", acks_late=True, ignore_result=True)
def history_import_task(markets: list[str] | None = None, since: str | None = None) -> list[dict[str, Any]]:
    """Beat, every 15 minutes, and on demand (API, `manage.py import_history --enqueue`): both markets, or
    `markets`, since `since` (ISO 8601; default: where the cursors are, else 30 days back)."""
    from apps.positions.services import history_import

    start = datetime.fromisoformat(since) if since else None
    out: list[dict[str, Any]] = []
    for market in markets or ["SPOT", "USDM"]:
        try:
            out.append(history_import(market=market, since=start).as_dict())
        except ExchangeError as error:
            logger.warning("positions.history_import %s: %s", market, error)
            out.append({"market": market, "error": str(error)})
    return out
