"""Exchange gateway benchmarks against the local exchange (started here as a subprocess).

1. Overhead: median latency of the gateway (limiter + breaker + metrics + parse) vs a bare python-binance
   call to the same endpoint of the same local exchange. Target: at most 10 % added median latency.
2. Limiter: 4 processes offer 10x Binance's spot order limit (50 per 10 s, read from exchangeInfo) for
   `--seconds`; achieved order rate must be >= 95 % of the limit, with zero 429 answers.

Run as `.venv/bin/python -m bench.exchange_bench` (`--calls`, `--seconds` to change the runs).
Needs Redis at REDIS_URL (default redis://127.0.0.1:6379/0); uses no database.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

import django  # noqa: E402
import requests  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trader.settings")
os.environ.setdefault("TRADER_EXCHANGE_CALL_LOG_SAMPLE", "0")
django.setup()

from binance.client import Client  # noqa: E402

from apps.exchange.domain.errors import (  # noqa: E402
    ExchangeError,
    RateBudgetExhaustedError,
    RateLimitedError,
)
from apps.exchange.domain.secrets import Secret  # noqa: E402
from apps.exchange.domain.types import OrderRequest  # noqa: E402
from apps.exchange.gateway.binance import BinanceGateway  # noqa: E402
from apps.exchange.gateway.credentials import ActiveCredential  # noqa: E402
from apps.exchange.runtime import Runtime, build_runtime  # noqa: E402

SPOT_ORDER_LIMIT = 50  # Binance's spot ORDERS per 10 s; the run reads the real value from exchangeInfo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_exchange() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "WARNING",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{url}/_sim/health", timeout=1).raise_for_status()
            return process, url
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the local exchange did not start") from None
            time.sleep(0.2)


def make_runtime(url: str, prefix: str, account: dict[str, Any]) -> Runtime:
    credential = ActiveCredential(
        1, 1, "sim", "spot", "HMAC", Secret(account["api_key"]), Secret(account["api_secret"])
    )
    return build_runtime(sim_url=url, prefix=prefix, environment="sim", credential=credential)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_overhead(url: str, account: dict[str, Any], calls: int) -> list[tuple[str, str, str, str]]:
    """Interleave bare and gateway calls so both see the same exchange load and machine noise."""
    rt = make_runtime(url, f"bench:exchange:{uuid.uuid4().hex[:8]}", account)
    gateway = BinanceGateway(rt.pipeline)
    bare = Client(account["api_key"], account["api_secret"], ping=False)
    bare.API_URL = rt.urls.api
    bare.timestamp_offset = rt.timesync.sync(lambda: int(bare.get_server_time()["serverTime"]))
    cases = {
        "ticker price (public)": (
            lambda: bare.get_symbol_ticker(symbol="BTCUSDT"),
            lambda: gateway.ticker_price("spot", "BTCUSDT"),
        ),
        "account (signed)": (lambda: bare.get_account(), lambda: gateway.account("spot")),
    }
    rows = []
    for name, (bare_call, gateway_call) in cases.items():
        for _ in range(20):  # warm connections and caches
            bare_call()
            gateway_call()
        bare_t: list[float] = []
        gw_t: list[float] = []
        for i in range(calls):
            # Alternate which goes first: the exchange may still be busy with the previous answer.
            first, second = (bare_call, gateway_call) if i % 2 == 0 else (gateway_call, bare_call)
            t0 = time.perf_counter()
            first()
            t1 = time.perf_counter()
            second()
            t2 = time.perf_counter()
            (bare_t if i % 2 == 0 else gw_t).append(t1 - t0)
            (gw_t if i % 2 == 0 else bare_t).append(t2 - t1)
        b, g = _median_ms(bare_t), _median_ms(gw_t)
        added = (g - b) / b * 100
        rows.append(
            (
                f"overhead: {name}",
                f"bare {b:.3f} ms / gateway {g:.3f} ms",
                f"{added:+.1f} % median",
                "PASS" if added <= 10 else "FAIL",
            )
        )
    return rows


def _offer_orders(
    url: str, prefix: str, account: dict[str, Any], start: float, until: float, period: float, queue: Any
) -> None:
    rt = make_runtime(url, prefix, account)
    # A short deadline: an offer that does not fit now is dropped, like a strategy skipping a tick.
    rt.pipeline.default_timeout_s = 0.05
    gateway = BinanceGateway(rt.pipeline)
    outcomes: Counter[str] = Counter()
    placed: list[int] = []
    next_offer = start
    while True:
        now = time.time()
        if now >= until:
            break
        if now < next_offer:
            time.sleep(next_offer - now)
        next_offer += period
        request = OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="MARKET",
            quantity=Decimal("0.001"),
            client_order_id=f"b-{uuid.uuid4().hex[:20]}",
        )
        try:
            report = gateway.place_order("spot", request)
            placed.append(int(report.update_time_ms or 0))
            outcomes["placed"] += 1
        except RateBudgetExhaustedError:
            outcomes["held back by limiter"] += 1
        except RateLimitedError:
            outcomes["429"] += 1
        except ExchangeError as exc:
            outcomes[type(exc).__name__] += 1
    queue.put((placed, dict(outcomes)))


def bench_limiter(url: str, account: dict[str, Any], seconds: float) -> list[tuple[str, str, str, str]]:
    prefix = f"bench:exchange:{uuid.uuid4().hex[:8]}"
    rt = make_runtime(url, prefix, account)
    info = BinanceGateway(rt.pipeline).exchange_info("spot")
    limit = next((p.limit for p in info.pools if p.name == "orders:10s"), SPOT_ORDER_LIMIT)
    processes = 4
    offered_per_s = 10 * limit / 10
    period = processes / offered_per_s
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    # Start on a window boundary and run whole windows, so "achieved" compares like with like.
    start = (time.time() // 10 + 1) * 10
    until = start + seconds
    procs = [
        ctx.Process(
            target=_offer_orders,
            args=(url, prefix, account, start + i * period / processes, until, period, queue),
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    outcomes: Counter[str] = Counter()
    per_window: Counter[int] = Counter()
    for placed, counts in results:
        outcomes.update(counts)
        per_window.update(ms // 10_000 for ms in placed)
    # Achieved rate over the whole windows of the run; an order offered just before the end may be admitted
    # in the next window, which is outside the run.
    run_windows = range(int(start) // 10, int(until) // 10)
    in_run = sum(per_window[w] for w in run_windows)
    windows = len(run_windows)
    achieved = in_run / (limit * windows) * 100
    over = [n for n in per_window.values() if n > limit]
    return [
        (
            "limiter: offered",
            f"{offered_per_s:.0f} orders/s from {processes} processes",
            f"10x limit {limit}/10s",
            "",
        ),
        (
            "limiter: achieved order rate",
            f"{in_run} orders in {windows} windows of 10 s (offers: {outcomes['placed']} placed)",
            f"{achieved:.1f} % of limit",
            "PASS" if achieved >= 95 else "FAIL",
        ),
        (
            "limiter: 429 answers",
            str(outcomes["429"]),
            f"windows over limit: {len(over)}",
            "PASS" if outcomes["429"] == 0 and not over else "FAIL",
        ),
        ("limiter: other outcomes", ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())), "", ""),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.exchange_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--calls", type=int, default=1000, help="calls per overhead case")
    parser.add_argument("--seconds", type=float, default=30.0, help="limiter run length (whole 10 s windows)")
    args = parser.parse_args(argv)
    process, url = start_exchange()
    try:
        account = requests.post(
            f"{url}/_sim/accounts", json={"balances": {"USDT": "10000000", "BTC": "10"}}, timeout=10
        ).json()
        # The overhead run polls far more than Binance's weight budget allows: lift it there, and run the
        # limiter benchmark against Binance's real limits.
        requests.post(f"{url}/_sim/ratelimits", json={"spot_weight_per_min": 10**9}, timeout=10)
        rows = bench_overhead(url, account, args.calls)
        requests.post(f"{url}/_sim/ratelimits", json={"spot_weight_per_min": 6000}, timeout=10)
        rows += bench_limiter(url, account, args.seconds)
    finally:
        process.terminate()
        process.wait(timeout=10)
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    print(
        "  ".join(
            h.ljust(w) for h, w in zip(("benchmark", "measured", "result", "verdict"), width, strict=True)
        )
    )
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, width, strict=True)))
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
