"""The rate limiter shared by every process: Redis counters per Binance pool, updated atomically in Lua.

Pools are read from exchangeInfo (`limits_store`), never hard-coded. Request weight and raw requests are
counted per IP and market; order counts per account and market. Windows are aligned to the exchange's
clock (minute, 10 s, UTC day) as Binance aligns them, and a short tail guard stops admissions just before
a window rolls over so a request sent at 9.99 s cannot land in the next window and push it over.

Callers wait in priority order: a waiting caller leaves a short-lived "hold" on the pool it waits for,
and callers of lower priority yield to it. A 429/418 `Retry-After` blocks the whole market for everyone.

To keep the common call free of a Redis round trip, an admission may also lease a process a few units of a
large pool (request weight: 0.5 % of the limit, never out of its last 10 %), spent locally within the same
window for at most `lease_ttl_s`. Order pools are never leased, so every order is admitted by Redis itself.
Counter corrections from response headers are batched and written at most every `observe_every_s`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.exchange.domain.errors import RateBudgetExhaustedError
from apps.exchange.domain.ratelimits import Pool, UsageReport
from apps.exchange.lua import LIMITER_ACQUIRE, LIMITER_BLOCK, LIMITER_OBSERVE

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import redis

    from apps.exchange.domain.weights import Market, Priority


@dataclass(frozen=True)
class Ticket:
    """Admission to send one request: when it was admitted and the credential generation seen then."""

    admitted_ms: int
    waited_s: float
    credential_generation: int


@dataclass
class _Lease:
    window_start: int
    remaining: int
    expires: float  # monotonic


@dataclass(frozen=True)
class PoolUsage:
    market: Market
    scope: str
    pool: str
    used: int
    limit: int


class RateLimiter:
    LIMITS_TTL_S = 3600
    LOCAL_CACHE_S = 30.0

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str,
        clock_ms: Callable[[], int],
        guard_ms: int = 150,
        hold_ms: int = 25,
        lease_ttl_s: float = 0.25,
        observe_every_s: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.clock_ms = clock_ms
        self.guard_ms = guard_ms
        self.hold_ms = hold_ms
        self.sleep = sleep
        self.lease_ttl_s = lease_ttl_s
        self.observe_every_s = observe_every_s
        self._acquire = client.register_script(LIMITER_ACQUIRE)
        self._observe = client.register_script(LIMITER_OBSERVE)
        self._block = client.register_script(LIMITER_BLOCK)
        self._cache: dict[Market, tuple[float, list[Pool]]] = {}
        self._lock = threading.Lock()
        self._leases: dict[str, _Lease] = {}
        self._generation: dict[Market, int] = {}
        self._pending: dict[str, tuple[int, int, int]] = {}  # base → (window, start, count)
        self._flushed_at = 0.0
        self._bases: dict[tuple[str, int, str, str], str] = {}

    # ------------------------------------------------------------------ limits from exchangeInfo
    def _limits_key(self, market: Market) -> str:
        return f"{self.prefix}:limits:{market}"

    def limits_store(self, market: Market, pools: Sequence[Pool]) -> None:
        payload = json.dumps([{"kind": p.kind, "window_ms": p.window_ms, "limit": p.limit} for p in pools])
        self.redis.set(self._limits_key(market), payload, ex=self.LIMITS_TTL_S)
        with self._lock:
            self._cache[market] = (time.monotonic(), list(pools))

    def claim_limits_refresh(self, market: Market) -> bool:
        """True for the one process that should read exchangeInfo now (a 5-second claim)."""
        return bool(self.redis.set(f"{self._limits_key(market)}:claim", "1", nx=True, px=5000))

    def pools(self, market: Market) -> list[Pool] | None:
        """The pools of `market`, or None when exchangeInfo has not been read yet (or expired)."""
        with self._lock:
            cached = self._cache.get(market)
        if cached and time.monotonic() - cached[0] < self.LOCAL_CACHE_S:
            return cached[1]
        raw = self.redis.get(self._limits_key(market))
        if raw is None:
            return None
        pools = [
            Pool(kind=d["kind"], window_ms=int(d["window_ms"]), limit=int(d["limit"]))
            for d in json.loads(raw)
        ]
        with self._lock:
            self._cache[market] = (time.monotonic(), pools)
        return pools

    # ------------------------------------------------------------------ keys
    def _scope(self, pool: Pool, market: Market, account: str) -> str:
        return f"acct:{account}:{market}" if pool.kind == "orders" else f"ip:{market}"

    def _base(self, pool: Pool, market: Market, account: str) -> str:
        key = (pool.kind, pool.window_ms, market, account)
        base = self._bases.get(key)
        if base is None:
            base = self._bases[key] = f"{self.prefix}:c:{self._scope(pool, market, account)}:{pool.name}"
        return base

    def _block_key(self, market: Market) -> str:
        return f"{self.prefix}:block:{market}"

    def generation_key(self, market: Market) -> str:
        return f"{self.prefix}:credgen:{market}"

    # ------------------------------------------------------------------ admission
    def acquire(
        self,
        *,
        market: Market,
        account: str,
        weight: int,
        orders: int,
        priority: Priority,
        deadline: float,
        pools: Sequence[Pool] | None = None,
    ) -> Ticket:
        """Wait (in priority order) until the call fits every pool, then count it. `deadline` is monotonic.

        Raises RateBudgetExhaustedError without counting anything when the wait would pass the deadline.
        """
        pools = list(pools if pools is not None else self.pools(market) or [])
        started = time.monotonic()
        bases = [self._base(pool, market, account) for pool in pools]
        costs = [weight if p.kind == "weight" else orders if p.kind == "orders" else 1 for p in pools]
        now = self.clock_ms()
        if self._take_leased(pools, bases, costs, now, market):
            return Ticket(now, 0.0, self._generation[market])
        keys = [self._block_key(market), self.generation_key(market), *bases]
        args: list[int] = [0, self.guard_ms, int(priority), self.hold_ms, len(pools)]
        for pool, cost in zip(pools, costs, strict=True):
            want = pool.limit // 200 if pool.kind != "orders" and self.lease_ttl_s > 0 else 0
            args += [pool.limit, pool.window_ms, cost, want]
        while True:
            args[0] = self.clock_ms()
            wait_ms, reason, gen, *granted = self._acquire(keys=keys, args=args)
            if int(wait_ms) == 0:
                self._store_leases(pools, bases, [int(g) for g in granted], args[0], market, int(gen))
                return Ticket(int(args[0]), time.monotonic() - started, int(gen))
            wait_s = int(wait_ms) / 1000
            if time.monotonic() + wait_s > deadline:
                what = (
                    "a Retry-After from the exchange"
                    if reason == b"retry-after"
                    else "the shared rate budget"
                )
                raise RateBudgetExhaustedError(
                    f"Rate budget exhausted: {market} call would wait {wait_s:.2f}s for {what}, "
                    "beyond its deadline; not sent.",
                    retry_after_s=wait_s,
                )
            self.sleep(wait_s)

    def _take_leased(
        self, pools: list[Pool], bases: list[str], costs: list[int], now: int, market: Market
    ) -> bool:
        """Spend this process's leased units when every charged pool has enough for this window."""
        if not self._leases or market not in self._generation or not any(costs):
            return False
        mono = time.monotonic()
        with self._lock:
            leases: list[tuple[_Lease, int]] = []
            for pool, base, cost in zip(pools, bases, costs, strict=True):
                if not cost:
                    continue
                lease = self._leases.get(base)
                start = now - now % pool.window_ms
                tail = min(self.guard_ms, pool.window_ms // 20)
                if (
                    lease is None
                    or lease.window_start != start
                    or lease.expires < mono
                    or lease.remaining < cost
                    or start + pool.window_ms - now <= tail
                ):
                    return False
                leases.append((lease, cost))
            for lease, cost in leases:
                lease.remaining -= cost
        return True

    def _store_leases(
        self, pools: list[Pool], bases: list[str], granted: list[int], now: int, market: Market, gen: int
    ) -> None:
        expires = time.monotonic() + self.lease_ttl_s
        with self._lock:
            self._generation[market] = gen
            for pool, base, extra in zip(pools, bases, granted, strict=False):
                if extra > 0:
                    self._leases[base] = _Lease(now - now % pool.window_ms, extra, expires)

    def drop_leases(self) -> None:
        with self._lock:
            self._leases.clear()

    # ------------------------------------------------------------------ feedback from the exchange
    def observe(self, *, market: Market, account: str, usage: UsageReport, sent_ms: int) -> None:
        """Remember what the exchange counted; written to Redis at most every `observe_every_s`.

        Only counts for the window the request was sent in are kept: a response arriving after the window
        rolled over says nothing about the new one.
        """
        if not usage.counts:
            return
        now = self.clock_ms()
        pools = self.pools(market) or []
        with self._lock:
            for pool in pools:
                count = usage.counts.get(pool.name)
                start = now - now % pool.window_ms
                if count is None or sent_ms - sent_ms % pool.window_ms != start:
                    continue
                base = self._base(pool, market, account)
                previous = self._pending.get(base)
                if previous is None or previous[1] != start or previous[2] < count:
                    self._pending[base] = (pool.window_ms, start, count)
                if count >= pool.limit * 0.9:
                    self._leases.pop(base, None)  # the exchange sees more than we do: stop spending locally
            due = time.monotonic() - self._flushed_at >= self.observe_every_s
        if due:
            self.flush_observations()

    def flush_observations(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
            self._flushed_at = time.monotonic()
        if pending:
            args = [v for window, start, count in pending.values() for v in (window, start, count)]
            self._observe(keys=list(pending), args=args)

    def block(self, *, market: Market, seconds: float) -> None:
        """Honour a Retry-After for every process at once."""
        self.drop_leases()
        now = self.clock_ms()
        self._block(keys=[self._block_key(market)], args=[now + int(seconds * 1000), now])

    def blocked_for_s(self, market: Market) -> float:
        until = int(self.redis.get(self._block_key(market)) or 0)
        return max(0.0, (until - self.clock_ms()) / 1000)

    def usage(self, market: Market, account: str) -> list[PoolUsage]:
        now = self.clock_ms()
        out: list[PoolUsage] = []
        for pool in self.pools(market) or []:
            start = now - now % pool.window_ms
            used = int(self.redis.get(f"{self._base(pool, market, account)}:{start}") or 0)
            out.append(PoolUsage(market, self._scope(pool, market, account), pool.name, used, pool.limit))
        return out
