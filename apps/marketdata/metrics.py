"""Prometheus metrics of market-data ingestion (per process; PROMETHEUS_MULTIPROC_DIR aggregates them)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_IN = Counter("trader_marketdata_messages_in", "Stream messages received", ["market", "kind"])
PUBLISHED = Counter("trader_marketdata_published", "Normalized messages published", ["market", "kind"])
DROPPED = Counter(
    "trader_marketdata_dropped", "Messages dropped (bad, duplicate, out of order, ...)", ["kind", "reason"]
)
RECONNECTS = Counter(
    "trader_marketdata_reconnects", "Market stream connections reopened", ["market", "cause"]
)
RESYNCS = Counter("trader_marketdata_book_resyncs", "Local order book resyncs", ["market", "cause"])
STALE = Gauge("trader_marketdata_stale_streams", "Streams currently stale", multiprocess_mode="livesum")
LAG = Histogram(
    "trader_marketdata_lag_seconds",
    "Exchange event time to publish",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
