"""Risk pre-trade check benchmark: the registered check on a big account, next to the order path.

The account: 550 USD-M symbols, 500 open positions, 50 of the symbols correlated with one another (a common
factor in their returns; the others independent), 200 open orders, 20 priced spot balances, a week of
minute equity snapshots, and the correlation matrix of all 550 symbols stored as the kline job stores it.

Timed per order (LIMIT buys on the correlated symbols, mostly passing, some refused):
- the full registered check, `apps.config.pretrade.risk_limits_check(intent)`: effective limits, the
  snapshot built from the database, the pure checks, violations shaped for the API;
- the pure checks alone, `apps.config.domain.checks.check_order(ask, snapshot, limits)`.

Both are printed next to the order path's median (POST /api/orders/ → NEW stored, from bench.orders_bench
run for 100 orders, or `--order-path-ms`); the target is ≤ 5 % of it. Run as
`.venv/bin/python -m bench.risk_bench` (`--orders`, `--order-path-ms`). The database is a throwaway SQLite
file in a temporary directory; Redis at REDIS_URL is used for the config version key only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

RUN_DIR = Path(tempfile.mkdtemp(prefix="trader-risk-bench-"))
_PARENT_ENV = dict(os.environ)
os.environ["TRADER_RUN_DIR"] = str(RUN_DIR)
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trader.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.config.domain.checks import check_order  # noqa: E402
from apps.config.exposure import risk_snapshot  # noqa: E402
from apps.config.models import KlineCache  # noqa: E402
from apps.config.pretrade import risk_limits_check  # noqa: E402
from apps.config.selectors import limits_for  # noqa: E402
from apps.config.services import risk_limits_activate  # noqa: E402
from apps.orders.domain.intent import PlacementIntent  # noqa: E402
from apps.orders.models import Order  # noqa: E402
from apps.positions.models import Balance, EquitySnapshot, Position  # noqa: E402
from apps.symbols.models import Symbol  # noqa: E402
from apps.symbols.services import symbol_sync_apply  # noqa: E402
from apps.symbols.tests.payloads import futures_btcusdt  # noqa: E402

SYMBOLS = 550
POSITIONS = 500
CORRELATED = 50
OPEN_ORDERS = 200
WINDOW = 168
TARGET_PCT = 5.0


def _name(i: int) -> str:
    return f"S{i:03d}USDT"


def seed() -> list[str]:
    """The account described in the module docstring; returns the correlated symbols' names."""
    call_command("migrate", verbosity=0, interactive=False)
    raw = futures_btcusdt()
    symbol_sync_apply(
        market="USDM",
        raw_symbols=[
            {**raw, "symbol": _name(i), "pair": _name(i), "baseAsset": f"S{i:03d}"} for i in range(SYMBOLS)
        ],
    )
    rows = {s.symbol: s for s in Symbol.objects.filter(market="USDM")}
    now = timezone.now()
    Position.objects.bulk_create(
        Position(
            symbol=rows[_name(i)],
            quantity=Decimal(10) if i % 3 else Decimal(-10),
            mark_price=Decimal(100 + i),
            notional=Decimal(10 * (100 + i)) * (1 if i % 3 else -1),
            leverage=5,
            updated_at=now,
        )
        for i in range(POSITIONS)
    )
    Order.objects.bulk_create(
        Order(
            client_order_id=f"bench-{i}",
            symbol=rows[_name(i % SYMBOLS)],
            market="USDM",
            side="BUY",
            order_type="LIMIT",
            requested_quantity=Decimal(1),
            requested_price=Decimal(90),
            status="NEW",
            created_at=now - timedelta(minutes=5),
        )
        for i in range(OPEN_ORDERS)
    )
    Balance.objects.bulk_create(
        Balance(market="SPOT", asset=f"S{i:03d}", free=Decimal(3), usdt_price=Decimal(100 + i), priced_at=now)
        for i in range(20)
    )
    minutes = 7 * 24 * 60
    EquitySnapshot.objects.bulk_create(
        EquitySnapshot(
            time=now - timedelta(minutes=minutes - m), market="TOTAL", equity=Decimal(1_000_000 + m % 977)
        )
        for m in range(minutes)
    )
    # Returns: a common factor for the first CORRELATED symbols (r ~ 0.9), independent noise for the rest.
    rng = np.random.default_rng(7)
    common = rng.normal(0, 0.01, WINDOW + 1)
    start = int((now - timedelta(hours=WINDOW + 2)).timestamp() * 1000)
    cache = []
    for i in range(SYMBOLS):
        noise = rng.normal(0, 0.01, WINDOW + 1)
        returns = common + 0.3 * noise if i < CORRELATED else noise
        closes = 100 * np.exp(np.cumsum(returns))
        cache.append(
            KlineCache(
                market="USDM",
                symbol=_name(i),
                interval="1h",
                closes=[[start + k * 3_600_000, f"{c:.4f}"] for k, c in enumerate(closes)],
                last_close=Decimal(f"{closes[-1]:.4f}"),
                last_close_at=now - timedelta(hours=2),
                fetched_at=now,
            )
        )
    KlineCache.objects.bulk_create(cache)
    from apps.config.correlations import correlation_store

    risk_limits_activate(
        actor=None,
        changes={
            "correlation_interval": "1h",
            "correlation_window": WINDOW,
            "max_correlated_exposure": Decimal(60_000),
        },
    )
    stored = correlation_store(interval="1h", window=WINDOW)
    assert len(stored.keys) == SYMBOLS, stored.keys[:3]
    return [_name(i) for i in range(CORRELATED)]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def measure(names: list[str], orders: int) -> tuple[list[float], list[float], int]:
    intents = [
        PlacementIntent(
            market="USDM",
            symbol=names[i % len(names)],
            side="BUY",
            type="LIMIT",
            quantity=Decimal(1 + i % 40),
            price=Decimal(100 + i % len(names)),
            time_in_force="GTC",
        )
        for i in range(orders)
    ]
    for intent in intents[:20]:  # warm the process caches (symbols, prices, P&L, correlation groups)
        risk_limits_check(intent)
    full: list[float] = []
    refused = 0
    for intent in intents:
        t0 = time.perf_counter()
        found = risk_limits_check(intent)
        full.append(time.perf_counter() - t0)
        refused += bool(found)
    pure: list[float] = []
    for intent in intents:
        limits = limits_for(intent.market, intent.symbol)
        built = risk_snapshot(intent, limits)
        assert built is not None
        ask, snap = built
        t0 = time.perf_counter()
        check_order(ask, snap, limits)
        pure.append(time.perf_counter() - t0)
    return full, pure, refused


def order_path_median(given: float | None) -> tuple[float | None, str]:
    if given is not None:
        return given, "--order-path-ms"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.orders_bench", "--orders", "100"],
            cwd=ROOT,
            env=_PARENT_ENV,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "bench.orders_bench timed out"
    found = re.search(
        r"^platform POST /api/orders/.*?\s+\d+\s+([0-9.]+)\s+[0-9.]+", done.stdout, re.MULTILINE
    )
    if found is None:
        return None, f"bench.orders_bench gave no figure (exit {done.returncode})"
    return float(found.group(1)), "bench.orders_bench, 100 orders"


def table(
    full: list[float], pure: list[float], refused: int, path_ms: float | None, source: str
) -> list[str]:
    fm, pm = statistics.median(full) * 1000, statistics.median(pure) * 1000
    rows = [
        ("what", "orders", "median ms", "p99 ms", "% of order path"),
        (
            "full registered check (snapshot + checks)",
            str(len(full)),
            f"{fm:.3f}",
            f"{_pct(full, 0.99):.3f}",
            f"{fm / path_ms * 100:.1f} %" if path_ms else "-",
        ),
        (
            "pure checks alone",
            str(len(pure)),
            f"{pm:.4f}",
            f"{_pct(pure, 0.99):.4f}",
            f"{pm / path_ms * 100:.2f} %" if path_ms else "-",
        ),
        ("order path median (POST → NEW)", "", f"{path_ms:.2f}" if path_ms else "-", "", source),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(
        f"account: {POSITIONS} positions on {SYMBOLS} symbols, {CORRELATED} correlated, "
        f"{OPEN_ORDERS} open orders; {refused} of {len(full)} orders refused (correlated exposure)"
    )
    if path_ms:
        verdict = "PASS" if fm / path_ms * 100 <= TARGET_PCT else "FAIL"
        lines.append(f"{verdict}: target full check median ≤ {TARGET_PCT:g} % of the order path median")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=1000, help="orders to check (default 1000)")
    parser.add_argument(
        "--order-path-ms", type=float, default=None, help="order path median; default: measure"
    )
    args = parser.parse_args()
    try:
        names = seed()
        full, pure, refused = measure(names, args.orders)
        path_ms, source = order_path_median(args.order_path_ms)
        for line in table(full, pure, refused, path_ms, source):
            print(line)
    finally:
        shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
