"""Prometheus /metrics access and the Redis-backed rolling windows (issue #9).

/metrics access, in order:
- TRADER_METRICS_TOKEN set: every scrape must send `Authorization: Bearer <token>` (401 otherwise).
- TRADER_METRICS_LOCAL_ONLY (default: on when no token is set, off when one is): only scrapes whose
  REMOTE_ADDR is a loopback address are served (403 otherwise). With both a token and LOCAL_ONLY on, both
  are required. Behind a reverse proxy REMOTE_ADDR is the proxy's: set a token instead.
- Neither: /metrics is open (only sensible on a private network), set LOCAL_ONLY=false to mean it.

Multi-process metrics: set PROMETHEUS_MULTIPROC_DIR (a directory shared by web, worker, beat and streams,
emptied before they start; scripts/devrun.py and docker-compose.yml do it). Unset, each process reports
only its own samples.
"""

from __future__ import annotations

from trader.settings.env import env
from trader.settings.exchange import TRADER_METRICS_TOKEN

__all__ = [
    "TRADER_METRICS_LOCAL_ONLY",
    "TRADER_ROLLING_REDIS_PREFIX",
    "TRADER_ROLLING_RETENTION_S",
]

TRADER_METRICS_LOCAL_ONLY = env.bool("TRADER_METRICS_LOCAL_ONLY", default=not TRADER_METRICS_TOKEN)

# Rolling windows read by alert rules (error rate, p95): buckets live this long in Redis, so no rule
# may look further back than this.
TRADER_ROLLING_RETENTION_S = env.int("TRADER_ROLLING_RETENTION_S", default=3600)
TRADER_ROLLING_REDIS_PREFIX = env.str("TRADER_ROLLING_REDIS_PREFIX", default="trader:rolling")
