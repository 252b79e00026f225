"""Metrics recorded where things happen: order path, user streams, WebSocket clients, reconciliation.

Every process records into its own registry; with PROMETHEUS_MULTIPROC_DIR set, prometheus_client writes
the samples to per-process files that web's /metrics merges. Gauges therefore name how processes combine:
`livesum` (sum over live processes: client counts), `mostrecent` (last write wins: last reconcile run).

Labels are bounded by construction: markets, stream names, event classes and reasons all come from fixed
tables in code, never from request input (`reason_label` squeezes the one free-ish text).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from collections.abc import Mapping

# Order path: from the user's submit (the row's created_at) to the exchange's answer and on to fills.
_ORDER_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_FILL_BUCKETS: Final = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400)

ORDER_SUBMIT_ACK = Histogram(
    "trader_order_submit_ack_seconds",
    "Order saved (PENDING_NEW) to the exchange's first answer; outcome acked, rejected or unknown",
    ["market", "outcome"],
    buckets=_ORDER_BUCKETS,
)
ORDER_ACK_FIRST_FILL = Histogram(
    "trader_order_ack_first_fill_seconds",
    "Exchange ack to the order's first fill (0 for orders filled in the placement answer)",
    ["market", "type"],
    buckets=_FILL_BUCKETS,
)
ORDER_ACK_FILLED = Histogram(
    "trader_order_ack_filled_seconds",
    "Exchange ack to the order being completely filled",
    ["market", "type"],
    buckets=_FILL_BUCKETS,
)
ORDER_REJECTS = Counter(
    "trader_order_rejects",
    "Orders refused: source exchange (reason = Binance code, 'none' without one) or local (reason = rule)",
    ["market", "source", "reason"],
)

# User data streams (the run_streams process).
STREAM_MESSAGES = Counter(
    "trader_user_stream_messages",
    "User-stream events received, by stream and event class",
    ["stream", "event"],
)
STREAM_LAG = Histogram(
    "trader_user_stream_lag_seconds",
    "Exchange event time to the event being applied here (includes clock offset)",
    ["stream"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STREAM_RECONNECTS = Counter("trader_user_stream_reconnects", "User-stream connections that ended", ["stream"])
STREAM_APPLY_ERRORS = Counter(
    "trader_user_stream_apply_errors",
    "User-stream events whose handler failed (a resync follows)",
    ["stream"],
)

# WebSocket clients of the dashboard, per endpoint, summed over live web processes.
WS_CLIENTS = Gauge(
    "trader_ws_clients",
    "Connected WebSocket clients per endpoint",
    ["endpoint"],
    multiprocess_mode="livesum",
)

# Reconciliation: every difference fixed, and what the last run of each kind found.
RECONCILE_FIXES = Counter(
    "trader_reconcile_fixes",
    "Differences between our records and the exchange that reconciliation corrected, by kind",
    ["kind", "market"],
)
RECONCILE_LAST_DIFFERENCES = Gauge(
    "trader_reconcile_last_run_differences",
    "Differences the last reconciliation run of this kind corrected",
    ["kind", "market"],
    multiprocess_mode="mostrecent",
)


def observe_lag(stream: str, raw: Mapping[str, Any], now_ms: int) -> None:
    """Lag of one applied user-stream event from its exchange event time ("E", ms); skipped without one."""
    event_ms = raw.get("E")
    if isinstance(event_ms, int) and event_ms > 0:
        STREAM_LAG.labels(stream).observe(max(0, now_ms - event_ms) / 1000)


_REASON: Final = re.compile(r"[^A-Za-z0-9_.\-]+")
_REASON_MAX: Final = 40


def reason_label(value: object) -> str:
    """A label-safe, length-capped reason; None/empty become "none"."""
    if value is None:
        return "none"
    text = _REASON.sub("_", str(value)).strip("_")[:_REASON_MAX]
    return text or "none"


def observe_reconcile(*, market: str, fixed: dict[str, int]) -> None:
    """One reconciliation run in `market` fixed `fixed[kind]` differences of each kind (0 included)."""
    for kind, count in fixed.items():
        if count:
            RECONCILE_FIXES.labels(kind, market).inc(count)
        RECONCILE_LAST_DIFFERENCES.labels(kind, market).set(count)
