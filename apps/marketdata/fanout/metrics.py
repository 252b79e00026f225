"""Prometheus metrics of the `/ws/market/` fan-out (per process; summed across processes)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CLIENTS = Gauge("trader_marketdata_ws_clients", "Connected /ws/market/ clients", multiprocess_mode="livesum")
MESSAGES_OUT = Counter("trader_marketdata_ws_messages_out", "Frames sent to /ws/market/ clients", ["type"])
CONFLATED = Counter(
    "trader_marketdata_ws_conflated", "Updates replaced by a newer one before a slow client could take them"
)
SLOW_CLOSED = Counter("trader_marketdata_ws_slow_clients_closed", "Clients closed with 4408", ["reason"])
LAG = Histogram(
    "trader_marketdata_ws_lag_seconds",
    "Exchange event time (E) to hand-over to the client's socket",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
UPDATES_IN = Counter("trader_marketdata_ws_updates_in", "md.update messages received from the channel layer")

SENT_UPDATE = MESSAGES_OUT.labels("update")
SENT_SNAPSHOT = MESSAGES_OUT.labels("snapshot")
