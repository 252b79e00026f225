"""Every exchange call passes here: breaker → limiter → credential → send → classify → feedback → retry.

Sync (`call`) for workers and web, async (`acall`) for the streams process; both share the admission and
settlement steps, so the rules cannot diverge. Reads and cancels are retried with backoff and jitter within
the deadline; order placement is never retried, except after -1021, which proves nothing was executed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connections

from apps.exchange import metrics
from apps.exchange.calllog import CallRecord, now_utc
from apps.exchange.domain.backoff import BackoffPolicy, next_delay
from apps.exchange.domain.errors import (
    CircuitOpenError,
    ExchangeError,
    RateBudgetExhaustedError,
    RateLimitedError,
    TemporaryError,
    UnknownOutcomeError,
    classify,
    classify_transport,
)
from apps.exchange.domain.ratelimits import retry_after_seconds, usage_from_headers
from apps.exchange.domain.weights import Endpoint, Priority, endpoint
from apps.exchange.gateway.transport import HttpFailure, RawResponse, TransportFailure

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from apps.exchange.breaker import Admission, CircuitBreaker
    from apps.exchange.calllog import CallLogBuffer
    from apps.exchange.domain.ratelimits import Pool
    from apps.exchange.domain.weights import Market
    from apps.exchange.gateway.credentials import ActiveCredential, CredentialCache
    from apps.exchange.gateway.transport import AsyncBinanceTransport, BinanceTransport
    from apps.exchange.limiter import RateLimiter
    from apps.exchange.timesync import TimeSync

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Failures that say the exchange itself is unwell; only these move the breaker.
_UNHEALTHY = frozenset({"temporary", "unknown", "operational"})
ACCOUNT = "main"  # order counts are per Binance account; one account per environment and market
DEFAULT_BAN_S = 60.0
# Set by kill_switch_calls(): every call made inside runs as a kill-switch call.
_KILL_SWITCH_SCOPE: ContextVar[bool] = ContextVar("exchange_kill_switch_scope", default=False)


@contextmanager
def kill_switch_calls() -> Iterator[None]:
    """Every exchange call made inside (reads and orders too, not only cancels) runs as a kill-switch call:
    top priority in the limiter and past an open breaker. For the kill switch's own work (apps.risk)."""
    token = _KILL_SWITCH_SCOPE.set(True)
    try:
        yield
    finally:
        _KILL_SWITCH_SCOPE.reset(token)


def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking work (Redis, ORM) for the event loop in a worker thread, then give back any database
    connection that thread opened: worker threads are reused by unrelated calls and never end requests."""
    try:
        return fn(*args)
    finally:
        connections.close_all()


@dataclass
class _Attempt:
    endpoint: Endpoint
    params: dict[str, str]
    deadline: float
    priority: Priority
    kill_switch: bool
    credential_override: ActiveCredential | None = None
    number: int = 0
    resynced: bool = False
    admission: Admission | None = None
    credential: ActiveCredential | None = None
    admitted_ms: int = 0


class Pipeline:
    def __init__(
        self,
        *,
        limiter: RateLimiter,
        breaker: CircuitBreaker,
        timesync: TimeSync,
        credentials: CredentialCache,
        calllog: CallLogBuffer,
        transport: BinanceTransport,
        async_transport: AsyncBinanceTransport | None = None,
        default_timeout_s: float = 10.0,
        backoff: BackoffPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limiter = limiter
        self.breaker = breaker
        self.timesync = timesync
        self.credentials = credentials
        self.calllog = calllog
        self.transport = transport
        self.async_transport = async_transport
        self.default_timeout_s = default_timeout_s
        self.backoff = backoff or BackoffPolicy()
        self.sleep = sleep

    # ------------------------------------------------------------------ sync
    def call(
        self,
        name: str,
        params: Mapping[str, str] | None = None,
        *,
        timeout_s: float | None = None,
        priority: Priority | None = None,
        kill_switch: bool = False,
        credential: ActiveCredential | None = None,
    ) -> Any:
        """Send one call. `credential` overrides the active one (used to verify a new version)."""
        attempt = self._start(name, params, timeout_s, priority, kill_switch=kill_switch)
        attempt.credential_override = credential
        while True:
            self._admit(attempt)
            started = time.perf_counter()
            try:
                raw: RawResponse | None = self.transport.send(
                    attempt.endpoint,
                    attempt.params,
                    credential=attempt.credential,
                    timeout_s=self._remaining(attempt),
                    offset_ms=self.timesync.offset_ms,
                )
                failure: Exception | None = None
            except (HttpFailure, TransportFailure) as exc:
                raw, failure = None, exc
            error = self._settle(attempt, raw, failure, time.perf_counter() - started)
            if error is None:
                assert raw is not None
                return raw.data
            delay = self._retry_delay(attempt, error)
            if delay is None:
                raise error
            if error.code == -1021:
                self.timesync.sync(self.server_time_ms_fn(attempt.endpoint.market))
            self.sleep(delay)

    def server_time_ms_fn(self, market: Market) -> Callable[[], int]:
        def fetch() -> int:
            return int(self.call(f"{market}.time", timeout_s=5.0)["serverTime"])

        return fetch

    # ------------------------------------------------------------------ async (streams process)
    async def acall(
        self,
        name: str,
        params: Mapping[str, str] | None = None,
        *,
        timeout_s: float | None = None,
        priority: Priority | None = None,
    ) -> Any:
        if self.async_transport is None:
            raise RuntimeError("this pipeline has no async transport")
        attempt = self._start(name, params, timeout_s, priority, kill_switch=False)
        while True:
            # Redis and the ORM are blocking; run admission and settlement off the event loop.
            await asyncio.to_thread(off_loop, self._admit, attempt)
            started = time.perf_counter()
            try:
                raw: RawResponse | None = await self.async_transport.send(
                    attempt.endpoint,
                    attempt.params,
                    credential=attempt.credential,
                    timeout_s=self._remaining(attempt),
                    offset_ms=self.timesync.offset_ms,
                )
                failure: Exception | None = None
            except (HttpFailure, TransportFailure) as exc:
                raw, failure = None, exc
            error = await asyncio.to_thread(
                off_loop, self._settle, attempt, raw, failure, time.perf_counter() - started
            )
            if error is None:
                assert raw is not None
                return raw.data
            delay = self._retry_delay(attempt, error)
            if delay is None:
                raise error
            if error.code == -1021:
                await asyncio.to_thread(
                    off_loop, self.timesync.sync, self.server_time_ms_fn(attempt.endpoint.market)
                )
            await asyncio.sleep(delay)

    # ------------------------------------------------------------------ shared steps
    def _start(
        self,
        name: str,
        params: Mapping[str, str] | None,
        timeout_s: float | None,
        priority: Priority | None,
        *,
        kill_switch: bool,
    ) -> _Attempt:
        ep = endpoint(name)
        kill_switch = kill_switch or _KILL_SWITCH_SCOPE.get()
        chosen = Priority.URGENT if kill_switch else priority if priority is not None else ep.priority
        deadline = time.monotonic() + (timeout_s if timeout_s is not None else self.default_timeout_s)
        return _Attempt(ep, dict(params or {}), deadline, chosen, kill_switch)

    def _remaining(self, attempt: _Attempt) -> float:
        return max(0.05, attempt.deadline - time.monotonic())

    def _admit(self, attempt: _Attempt) -> None:
        ep = attempt.endpoint
        attempt.number += 1
        pools = self._pools(ep.market, attempt.deadline)
        # The kill switch must get through even while the breaker is open: it is the way out.
        attempt.admission = None if attempt.kill_switch else self._breaker_admit(ep)
        ticket = self.limiter.acquire(
            market=ep.market,
            account=ACCOUNT,
            weight=ep.weight_for(attempt.params),
            orders=ep.counts_orders,
            priority=attempt.priority,
            deadline=attempt.deadline,
            pools=pools,
        )
        attempt.admitted_ms = ticket.admitted_ms
        if ticket.waited_s:
            metrics.LIMITER_WAIT.labels(ep.market).observe(ticket.waited_s)
        needs_key = ep.signed or ep.group == "user_stream"
        if attempt.credential_override is not None:
            attempt.credential = attempt.credential_override
        elif needs_key:
            attempt.credential = self.credentials.get(ep.market, ticket.credential_generation)
        else:
            attempt.credential = None
        if ep.signed and ep.name != f"{ep.market}.time":
            self.timesync.ensure(self.server_time_ms_fn(ep.market))

    def _breaker_admit(self, ep: Endpoint) -> Admission:
        try:
            return self.breaker.before_call(ep.market, ep.group)
        except CircuitOpenError as exc:
            exc.endpoint = ep.name
            metrics.REQUESTS.labels(ep.name, ep.market, "circuit_open", "0").inc()
            raise

    def _pools(self, market: Market, deadline: float) -> list[Pool]:
        pools = self.limiter.pools(market)
        if pools is not None:
            return pools
        # First call of this market anywhere: read the limits from exchangeInfo (unmetered, but still
        # subject to a Retry-After block) and share them with every process.
        from apps.exchange.domain import parse

        blocked = self.limiter.blocked_for_s(market)
        if blocked > 0:
            raise RateBudgetExhaustedError(
                f"Rate budget exhausted: {market} is blocked for {blocked:.1f}s by a Retry-After",
                retry_after_s=blocked,
            )
        # One process reads exchangeInfo; the others wait briefly for it instead of all reading it unmetered.
        if not self.limiter.claim_limits_refresh(market):
            wait_until = min(deadline, time.monotonic() + 3.0)
            while time.monotonic() < wait_until:
                self.sleep(0.05)
                pools = self.limiter.pools(market)
                if pools is not None:
                    return pools
        ep = endpoint(f"{market}.exchange_info")
        try:
            raw = self.transport.send(
                ep, {}, credential=None, timeout_s=max(0.5, deadline - time.monotonic()), offset_ms=0
            )
        except HttpFailure as exc:
            self._block_if_limited(market, exc.status, exc.headers, ep.name)
            raise classify(
                http_status=exc.status,
                code=exc.code,
                message=exc.message,
                is_write=False,
                endpoint=ep.name,
                retry_after_s=retry_after_seconds(exc.headers),
            ) from None
        except TransportFailure as exc:
            raise classify_transport(
                sent=exc.sent, is_write=False, endpoint=ep.name, detail=exc.detail
            ) from None
        info = parse.exchange_info(market, raw.data)
        self.limiter.limits_store(market, info.pools)
        return list(info.pools)

    def _settle(
        self, attempt: _Attempt, raw: RawResponse | None, failure: Exception | None, seconds: float
    ) -> ExchangeError | None:
        ep = attempt.endpoint
        headers: Mapping[str, str] = raw.headers if raw is not None else {}
        error: ExchangeError | None = None
        status: int | None = raw.status if raw is not None else None
        if isinstance(failure, HttpFailure):
            headers, status = failure.headers, failure.status
            error = classify(
                http_status=failure.status,
                code=failure.code,
                message=failure.message,
                is_write=ep.is_write,
                endpoint=ep.name,
                retry_after_s=retry_after_seconds(failure.headers),
            )
        elif isinstance(failure, TransportFailure):
            error = classify_transport(
                sent=failure.sent, is_write=ep.is_write, endpoint=ep.name, detail=failure.detail
            )
        if headers:
            self.limiter.observe(
                market=ep.market,
                account=ACCOUNT,
                usage=usage_from_headers(headers),
                sent_ms=attempt.admitted_ms,
            )
        self._block_if_limited(ep.market, status, headers, ep.name)
        outcome = error.outcome if error is not None else "ok"
        if attempt.admission is not None:
            self.breaker.record(
                ep.market, ep.group, ok=outcome not in _UNHEALTHY, admission=attempt.admission
            )
        self._observe(attempt, outcome, status, seconds, error)
        return error

    def _block_if_limited(
        self, market: Market, status: int | None, headers: Mapping[str, str], name: str
    ) -> None:
        if status in (418, 429):
            wait = retry_after_seconds(headers)
            self.limiter.block(market=market, seconds=wait if wait is not None else DEFAULT_BAN_S)
            logger.warning("exchange answered %s on %s; every process pauses %ss", status, name, wait)

    def _observe(
        self, attempt: _Attempt, outcome: str, status: int | None, seconds: float, error: ExchangeError | None
    ) -> None:
        ep = attempt.endpoint
        weight = ep.weight_for(attempt.params)
        metrics.observe_call(
            endpoint=ep.name, market=ep.market, outcome=outcome, status=status, seconds=seconds, weight=weight
        )
        if self.calllog.wants(outcome):
            self.calllog.add(
                CallRecord(
                    endpoint=ep.name,
                    market=ep.market,
                    method=ep.method.upper(),
                    weight=weight,
                    latency_ms=Decimal(int(seconds * 100_000)) / 100,
                    http_status=status,
                    binance_code=error.code if error is not None else None,
                    outcome=outcome,
                    message=error.message[:300] if error is not None else "",
                    attempts=attempt.number,
                    credential_version=attempt.credential.version if attempt.credential else None,
                    at=now_utc(),
                )
            )
        if error is not None:
            logger.info("exchange call %s failed (%s): %s", ep.name, outcome, error)

    def _retry_delay(self, attempt: _Attempt, error: ExchangeError) -> float | None:
        remaining = attempt.deadline - time.monotonic()
        if error.code == -1021 and not attempt.resynced:
            # The exchange refused the timestamp before doing anything: safe to resend, even an order.
            attempt.resynced = True
            return 0.0
        if not attempt.endpoint.retryable or isinstance(error, CircuitOpenError | RateBudgetExhaustedError):
            return None
        retry_after = error.retry_after_s if isinstance(error, RateLimitedError) else None
        if isinstance(error, TemporaryError | RateLimitedError) or (
            # Cancels are idempotent: a repeated cancel of a canceled order is merely rejected.
            isinstance(error, UnknownOutcomeError) and attempt.endpoint.group == "orders"
        ):
            return next_delay(
                self.backoff, attempt=attempt.number, remaining_s=remaining, retry_after_s=retry_after
            )
        return None
