"""Who receives an alert event, and what happens after each attempt (pure).

Retries: connection errors, timeouts, 408, 429 and 5XX are temporary; the next attempt waits an
exponentially growing step with "equal jitter" (half fixed, half random), so many deliveries failing
together do not retry in lockstep, yet none retries at once. A `Retry-After` from the receiver is honoured
when it asks for longer (capped). Any other answer (3XX, other 4XX) is final: retrying cannot fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    import random
    from collections.abc import Collection
    from datetime import datetime

SEVERITY_RANK: Final = {"info": 0, "warning": 1, "critical": 2}

Outcome = Literal["sent", "retry", "fail"]
Status = Literal["sent", "retrying", "failed"]


def severity_meets(severity: str, minimum: str) -> bool:
    """True when an alert of `severity` is at least the channel's `minimum` (unknown: never)."""
    if severity not in SEVERITY_RANK or minimum not in SEVERITY_RANK:
        return False
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum]


def channel_wants(
    *, enabled: bool, min_severity: str, events: Collection[str], severity: str, event: str
) -> bool:
    return enabled and event in events and severity_meets(severity, min_severity)


def classify_http(status: int) -> Outcome:
    if 200 <= status < 300:
        return "sent"
    if status in (408, 425, 429) or 500 <= status < 600:
        return "retry"
    return "fail"


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date); None if absent/garbled."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_s: float = 5.0
    max_delay_s: float = 900.0
    retry_after_cap_s: float = 3600.0

    def step(self, attempt: int) -> float:
        """The un-jittered wait after failed attempt number `attempt` (1-based)."""
        return min(self.max_delay_s, self.base_s * 2 ** (attempt - 1))

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        step = self.step(attempt)
        wait = step / 2 + rng.uniform(0, step / 2)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.retry_after_cap_s))
        return wait

    def after(self, *, attempt: int, outcome: Outcome) -> Status:
        """The delivery's status once attempt number `attempt` ended with `outcome`."""
        if outcome == "sent":
            return "sent"
        if outcome == "retry" and attempt < self.max_attempts:
            return "retrying"
        return "failed"
