"""Probes of the exchange: reachability and latency per market (one server-time call, shared through
Redis for a few seconds so scrapes never hammer the exchange), clock offset, rate budget and breakers."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from apps.exchange.domain.errors import ExchangeError, TemporaryError
from apps.monitoring.status.base import ComponentDown, Probe, State, by_threshold, worst
from apps.monitoring.status.conf import status_config

if TYPE_CHECKING:
    from apps.exchange.domain.weights import Market
    from apps.exchange.runtime import Runtime

MARKETS: Final[tuple[Market, ...]] = ("spot", "futures")
PING_TIMEOUT_S: Final = 2.0
_locks: Final = {market: threading.Lock() for market in MARKETS}


@dataclass(frozen=True)
class ExchangeProbe:
    market: str
    state: State
    message: str
    latency_ms: str | None  # decimal string
    clock_offset_ms: int | None
    checked_at_ms: int


def _rt() -> Runtime:
    from apps.exchange.runtime import runtime

    return runtime()


def _key(rt: Runtime, market: str) -> str:
    return f"{rt.prefix}:status:exchange:{market}"


def _measure(rt: Runtime, market: Market) -> ExchangeProbe:
    config = status_config()
    sent = time.time() * 1000
    try:
        answer = rt.pipeline.call(f"{market}.time", timeout_s=PING_TIMEOUT_S)
    except ExchangeError as exc:
        # Connection errors, 5XX and an open breaker say "unreachable"; anything else (429 included)
        # came from an exchange that is there.
        state: State = "down" if isinstance(exc, TemporaryError) else "degraded"
        return ExchangeProbe(market, state, str(exc)[:300], None, None, int(time.time() * 1000))
    received = time.time() * 1000
    latency = Decimal(str(round(received - sent, 1)))
    offset = int(int(answer["serverTime"]) - (sent + received) / 2)
    state = by_threshold(float(latency), degraded_over=config.exchange_slow_ms)
    message = f"answered in {latency} ms" + (" (slow)" if state != "ok" else "")
    return ExchangeProbe(market, state, message, str(latency), offset, int(received))


def exchange_probe(market: Market, *, fresh: bool = False) -> ExchangeProbe:
    """The latest probe of `market`: reused from Redis while younger than TRADER_STATUS_EXCHANGE_CACHE_S;
    one thread per process measures while the others wait for its answer."""
    rt = _rt()
    key = _key(rt, market)
    with _locks[market]:
        raw = None if fresh else rt.redis.get(key)
        if raw is not None:
            return ExchangeProbe(**json.loads(raw))
        probe = _measure(rt, market)
        ttl_ms = max(1, int(status_config().exchange_cache_s * 1000))
        rt.redis.set(key, json.dumps(asdict(probe)), px=ttl_ms)
        return probe


def probe_exchange(market: Market) -> Probe:
    probe = exchange_probe(market)
    rt = _rt()
    detail = {
        "environment": rt.environment,
        "url": rt.urls.api if market == "spot" else rt.urls.futures,
        "latency_ms": probe.latency_ms,
        "clock_offset_ms": probe.clock_offset_ms,
        "checked_at": _iso(probe.checked_at_ms),
    }
    return Probe(probe.state, probe.message, detail)


def probe_clock() -> Probe:
    """Our clock against the exchange's, per market (from the reachability probes) and as the signing
    offset time sync shares; requests signed outside recvWindow are refused (-1021)."""
    config = status_config()
    rt = _rt()
    offsets: dict[str, int | None] = {m: exchange_probe(m).clock_offset_ms for m in MARKETS}
    measured = [abs(v) for v in offsets.values() if v is not None]
    detail: dict[str, Any] = {
        "offset_ms": offsets,
        "signing_offset_ms": rt.timesync.offset_ms,
        "degraded_over_ms": config.clock_degraded_ms,
        "recv_window_ms": config.recv_window_ms,
    }
    if not measured:
        return Probe("degraded", "not measured: the exchange did not answer", detail)
    largest = max(measured)
    state = by_threshold(largest, degraded_over=config.clock_degraded_ms, down_over=config.recv_window_ms)
    if state == "down":
        message = f"clock off by {largest} ms, beyond recvWindow {config.recv_window_ms} ms"
        raise ComponentDown(message, detail)
    return Probe(state, f"offset {largest} ms", detail)


def probe_rate_budget() -> Probe:
    from apps.exchange.selectors import limiter_usage

    config = status_config()
    rt = _rt()
    pools = []
    for usage in limiter_usage(rt=rt):
        pct = Decimal(usage.used) * 100 / usage.limit if usage.limit else Decimal(0)
        pools.append((pct.quantize(Decimal("0.1")), usage))
    blocked = {m: round(rt.limiter.blocked_for_s(m), 1) for m in MARKETS}
    detail: dict[str, Any] = {
        "pools": [
            {"market": u.market, "scope": u.scope, "pool": u.pool}
            | {"used": u.used, "limit": u.limit, "used_pct": str(p)}
            for p, u in pools
        ],
        "blocked_for_s": blocked,
        "degraded_over_pct": str(config.rate_budget_pct),
    }
    banned = [m for m, s in blocked.items() if s > 0]
    if banned:
        raise ComponentDown(f"the exchange refuses us (429/418) on {', '.join(banned)}", detail)
    hot = [f"{u.market} {u.pool} {p} %" for p, u in pools if p > config.rate_budget_pct]
    if hot:
        return Probe("degraded", "over budget: " + ", ".join(hot), detail)
    top = max((p for p, _ in pools), default=Decimal(0))
    return Probe("ok", f"highest pool at {top} %", detail)


def probe_breakers() -> Probe:
    from apps.exchange.selectors import breaker_states

    states = breaker_states(rt=_rt())
    detail = {
        "breakers": [
            {"market": b.market, "group": b.group, "state": b.state, "failures": b.failures} for b in states
        ]
    }
    opened = [f"{b.market} {b.group}" for b in states if b.state == "open"]
    probing = [f"{b.market} {b.group}" for b in states if b.state == "half_open"]
    state: State = worst(["down" if opened else "ok", "degraded" if probing else "ok"])
    if state == "down":
        raise ComponentDown("open: " + ", ".join(opened), detail)
    if state == "degraded":
        return Probe("degraded", "half-open (probing): " + ", ".join(probing), detail)
    return Probe("ok", f"{len(states)} closed", detail)


def _iso(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat()
