"""Exponential backoff with full jitter, bounded by a deadline (pure: the caller sleeps)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class BackoffPolicy:
    base_s: float = 0.2
    factor: float = 2.0
    max_s: float = 5.0
    max_attempts: int = 5

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Sleep before retry number `attempt` (1-based): uniform in [0, min(max, base * factor^(n-1))].

        Full jitter spreads many processes that failed together so they do not retry together.
        """
        cap = min(self.max_s, self.base_s * self.factor ** max(0, attempt - 1))
        return (rng or random).uniform(0, cap)


def next_delay(
    policy: BackoffPolicy,
    *,
    attempt: int,
    remaining_s: float,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """How long to wait before the next attempt, or None when no further attempt fits.

    A server-given Retry-After wins over the computed delay; either must fit before the deadline.
    """
    if attempt >= policy.max_attempts:
        return None
    delay = retry_after_s if retry_after_s is not None else policy.delay(attempt, rng)
    if delay >= remaining_s:
        return None
    return delay
