"""Load generators run in child processes by the multi-process tests.

Children are spawned, not forked: a fork copies whatever locks the test process's other threads hold
(a live server, a channel layer, the exchange runtime), and a child can hang on one. A spawned child
starts clean, sets Django up itself, reports ready, and starts only when the parent says go, so every
child offers load over the same interval.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

SPAWN = multiprocessing.get_context("spawn")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trader.settings.testing")
    import django

    django.setup()


def run_children(
    target: Callable[..., None], args: tuple[Any, ...], count: int, duration_s: float
) -> tuple[float, float, list[Any]]:
    """Start `count` children on `target(*args, duration_s, go, ready, results)`, release them together,
    and return (start time, end time, one result per child)."""
    ready, results, go = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Event()
    procs = [SPAWN.Process(target=target, args=(*args, duration_s, go, ready, results)) for _ in range(count)]
    for proc in procs:
        proc.start()
    try:
        for _ in procs:
            ready.get(timeout=120)
        started = time.time()
        go.set()
        collected = [results.get(timeout=duration_s + 60) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
    return started, started + duration_s, collected


def _start(go: Any, ready: Any) -> None:
    ready.put(os.getpid())
    go.wait(120)


def _credential(api_key: str, secret: str) -> Any:
    from apps.exchange.domain.secrets import Secret
    from apps.exchange.gateway.credentials import ActiveCredential

    return ActiveCredential(1, 1, "sim", "spot", "HMAC", Secret(api_key), Secret(secret))


def place_orders(
    url: str, prefix: str, api_key: str, secret: str, duration_s: float, go: Any, ready: Any, results: Any
) -> None:
    """Offer spot MARKET orders as fast as the limiter admits them; report times placed and outcomes."""
    _setup_django()
    from apps.exchange.domain.errors import ExchangeError, RateBudgetExhaustedError, RateLimitedError
    from apps.exchange.domain.types import OrderRequest
    from apps.exchange.gateway.binance import BinanceGateway
    from apps.exchange.runtime import build_runtime

    rt = build_runtime(sim_url=url, prefix=prefix, environment="sim", credential=_credential(api_key, secret))
    gateway = BinanceGateway(rt.pipeline)
    placed: list[int] = []
    outcomes: Counter[str] = Counter()
    _start(go, ready)
    until = time.time() + duration_s
    while time.time() < until:
        order = OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="MARKET",
            client_order_id=f"l-{uuid.uuid4().hex[:20]}",
            quantity=Decimal("0.001"),
        )
        try:
            report = gateway.place_order("spot", order)
            placed.append(int(report.update_time_ms or 0))
            outcomes["ok"] += 1
        except RateBudgetExhaustedError:
            outcomes["budget"] += 1
        except RateLimitedError:
            outcomes["429"] += 1
        except ExchangeError as exc:
            outcomes[type(exc).__name__] += 1
    results.put((placed, dict(outcomes)))


def read_tickers(
    url: str, prefix: str, api_key: str, secret: str, duration_s: float, go: Any, ready: Any, results: Any
) -> None:
    """Read a ticker until the minute's weight is spent (the limiter holds calls back) or time is up."""
    _setup_django()
    from apps.exchange.domain.errors import RateBudgetExhaustedError, RateLimitedError
    from apps.exchange.gateway.binance import BinanceGateway
    from apps.exchange.runtime import build_runtime

    rt = build_runtime(sim_url=url, prefix=prefix, environment="sim", credential=_credential(api_key, secret))
    rt.pipeline.default_timeout_s = 0.5  # give up at once when the minute is spent
    gateway = BinanceGateway(rt.pipeline)
    outcomes: Counter[str] = Counter()
    _start(go, ready)
    until = time.time() + duration_s
    while time.time() < until and outcomes["budget"] < 20:
        try:
            gateway.ticker_price("spot", "BTCUSDT")
            outcomes["ok"] += 1
        except RateBudgetExhaustedError:
            outcomes["budget"] += 1
        except RateLimitedError:
            outcomes["429"] += 1
    results.put(dict(outcomes))


def hammer_limiter(redis_url: str, prefix: str, duration_s: float, go: Any, ready: Any, results: Any) -> None:
    """Acquire one order from a 20-per-second pool as fast as possible; report admission times."""
    import redis

    from apps.exchange.domain.errors import RateBudgetExhaustedError
    from apps.exchange.domain.ratelimits import Pool
    from apps.exchange.domain.weights import Priority
    from apps.exchange.limiter import RateLimiter

    client = redis.Redis.from_url(redis_url)
    limiter = RateLimiter(client, prefix=prefix, clock_ms=lambda: int(time.time() * 1000), guard_ms=20)
    admitted: list[int] = []
    _start(go, ready)
    until = time.time() + duration_s
    while time.time() < until:
        try:
            ticket = limiter.acquire(
                market="spot",
                account="a",
                weight=1,
                orders=1,
                priority=Priority.ORDER,
                deadline=time.monotonic() + 2,
                pools=[Pool("orders", 1_000, 20)],
            )
            admitted.append(ticket.admitted_ms)
        except RateBudgetExhaustedError:
            pass
    results.put(admitted)
