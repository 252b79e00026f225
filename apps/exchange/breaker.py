"""Circuit breaker shared by every process, per market and endpoint group, with its state in Redis.

closed → (N consecutive failures) → open → (cooldown) → half-open: one probe call goes through; its success
closes the breaker, its failure opens it again. Only failures that say the exchange is unwell count
(temporary, unknown outcome, operational); a rejected order or a bad key says nothing about its health.

A healthy (closed, no failures) state is remembered in the process for `local_ttl_s`, so the common call
needs no Redis round trip; a breaker another process opened is therefore seen at most that much later.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from apps.exchange.domain.errors import CircuitOpenError
from apps.exchange.lua import BREAKER_BEFORE, BREAKER_RECORD

if TYPE_CHECKING:
    from collections.abc import Callable

    import redis

State = Literal["closed", "open", "half_open"]


@dataclass(frozen=True)
class Admission:
    state: State
    failures: int


@dataclass(frozen=True)
class BreakerState:
    market: str
    group: str
    state: State
    failures: int
    changed_at_ms: int | None
    open_until_ms: int | None


class CircuitBreaker:
    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str,
        clock_ms: Callable[[], int],
        failure_threshold: int = 5,
        cooldown_s: float = 30.0,
        probe_timeout_s: float = 15.0,
        local_ttl_s: float = 0.25,
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.clock_ms = clock_ms
        self.failure_threshold = failure_threshold
        self.cooldown_ms = int(cooldown_s * 1000)
        self.probe_ms = int(probe_timeout_s * 1000)
        self.local_ttl_s = local_ttl_s
        self._healthy_until: dict[str, float] = {}
        self._before = client.register_script(BREAKER_BEFORE)
        self._record = client.register_script(BREAKER_RECORD)

    def key(self, market: str, group: str) -> str:
        return f"{self.prefix}:breaker:{market}:{group}"

    def before_call(self, market: str, group: str) -> Admission:
        """Admit the call or raise CircuitOpenError at once (no network, no waiting)."""
        key = self.key(market, group)
        if self._healthy_until.get(key, 0.0) > time.monotonic():
            return Admission(state="closed", failures=0)
        allowed, state, failures, retry_ms = self._before(keys=[key], args=[self.clock_ms(), self.probe_ms])
        state_s: State = state.decode() if isinstance(state, bytes) else state
        if not int(allowed):
            raise CircuitOpenError(
                f"Circuit breaker {state_s} for {market} {group}: failing fast after repeated errors",
                explanation=f"next probe in {int(retry_ms) / 1000:.1f}s",
            )
        if state_s == "closed" and int(failures) == 0:
            self._healthy_until[key] = time.monotonic() + self.local_ttl_s
        return Admission(state=state_s, failures=int(failures))

    def record(self, market: str, group: str, *, ok: bool, admission: Admission | None = None) -> None:
        # The common case (closed, no failures, success) needs no write.
        if ok and admission is not None and admission.state == "closed" and admission.failures == 0:
            return
        self._healthy_until.pop(self.key(market, group), None)
        self._record(
            keys=[self.key(market, group)],
            args=[self.clock_ms(), "1" if ok else "0", self.failure_threshold, self.cooldown_ms],
        )

    def state(self, market: str, group: str) -> BreakerState:
        raw = self.redis.hgetall(self.key(market, group))
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        state: State = fields.get("state", "closed")  # type: ignore[assignment]
        return BreakerState(
            market=market,
            group=group,
            state=state,
            failures=int(fields.get("failures", 0)),
            changed_at_ms=int(fields["changed_at"]) if "changed_at" in fields else None,
            open_until_ms=int(fields["open_until"]) if state == "open" and "open_until" in fields else None,
        )

    def reset(self, market: str, group: str) -> None:
        self._healthy_until.pop(self.key(market, group), None)
        self.redis.delete(self.key(market, group))
