"""The ApiCallLog writer: every failure and a sample of successes, buffered and written in batches.

Rows are buffered in the process and flushed by whichever call fills the batch or finds it old, so the
median call pays nothing for the log. The table is capped: the oldest rows go when it grows past the cap.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import DatabaseError

from apps.common.logging import log_request_id

if TYPE_CHECKING:
    from decimal import Decimal

logger = logging.getLogger(__name__)


def _request_id_for_log() -> str:
    # The web request or task behind the call; a long-running process's role ("streams") outside both.
    request_id = log_request_id()
    return "" if request_id == "-" else request_id[:64]


@dataclass(frozen=True)
class CallRecord:
    endpoint: str
    market: str
    method: str
    weight: int
    latency_ms: Decimal
    http_status: int | None
    binance_code: int | None
    outcome: str
    message: str
    attempts: int
    credential_version: int | None
    at: datetime
    # Captured when the record is built, in the caller's context (asyncio.to_thread copies it), because the
    # buffer may be flushed later by another caller.
    request_id: str = field(default_factory=_request_id_for_log)


class CallLogBuffer:
    BATCH = 50
    MAX_AGE_S = 2.0

    def __init__(
        self, *, sample: float, cap: int, rng: random.Random | None = None, enabled: bool = True
    ) -> None:
        # Disabled for processes without a database (benchmarks, forked load generators).
        self.enabled = enabled
        self.sample = sample
        self.cap = cap
        self.rng = rng or random.Random()
        self._rows: list[CallRecord] = []
        self._oldest = 0.0
        self._lock = threading.Lock()
        self._writes = 0

    def wants(self, outcome: str) -> bool:
        """Decide before building the record, so sampled-out calls cost nothing."""
        return self.enabled and (outcome != "ok" or self.rng.random() < self.sample)

    def add(self, record: CallRecord) -> None:
        """Buffer a record the caller decided to keep (see `wants`)."""
        with self._lock:
            if not self._rows:
                self._oldest = time.monotonic()
            self._rows.append(record)
            due = len(self._rows) >= self.BATCH or time.monotonic() - self._oldest >= self.MAX_AGE_S
        if due:
            self.flush()

    def flush(self) -> int:
        from apps.exchange.models import ApiCallLog

        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            ApiCallLog.objects.bulk_create(
                ApiCallLog(
                    created_at=r.at,
                    endpoint=r.endpoint,
                    market=r.market,
                    method=r.method,
                    weight=r.weight,
                    latency_ms=r.latency_ms,
                    http_status=r.http_status,
                    binance_code=r.binance_code,
                    outcome=r.outcome,
                    message=r.message[:300],
                    attempts=r.attempts,
                    credential_version=r.credential_version,
                    request_id=r.request_id,
                )
                for r in rows
            )
            self._writes += 1
            if self._writes % 20 == 0:
                self.prune()
        except DatabaseError:
            # The log is observability, not state: losing a batch must never fail a trade.
            logger.warning("could not write %d exchange call log rows", len(rows), exc_info=True)
        return len(rows)

    def prune(self) -> None:
        from apps.exchange.models import ApiCallLog

        cutoff = ApiCallLog.objects.order_by("-id").values_list("id", flat=True)[self.cap : self.cap + 1]
        ids = list(cutoff)
        if ids:
            ApiCallLog.objects.filter(id__lte=ids[0]).delete()


def now_utc() -> datetime:
    return datetime.now(tz=UTC)
