"""Order path benchmark: REST submit → NEW stored, next to a bare python-binance create_order.

Both paths place the same resting spot LIMIT BUY on the same local exchange (started here as a subprocess),
interleaved at `--rate` orders/s each, so they see the same exchange load and machine noise.

- Platform: POST /api/orders/ through Django's test Client in-process (the full middleware stack, token
  authentication, DRF, the placement service, the SQLite write), then the submit task. The task runs in
  Celery's eager mode: `transaction.on_commit` → `submit_order.delay()` executes the real task inline, so
  the clock stops when the order row reads NEW in the database. No ASGI server (daphne) and no broker hop:
  both are fixed costs outside our code and would measure the machine, not the order path; a worker adds
  the broker round trip (a Redis LPUSH/BRPOP, well under a millisecond locally) on top of these figures.
- Bare: python-binance `Client.create_order` to the same exchange, same key, same order shape.

Target: median ≤ 2x, p99 ≤ 4x the bare call. Run as `.venv/bin/python -m bench.orders_bench`
(`--orders`, `--rate`). Needs Redis at REDIS_URL (the rate limiter); the database is a throwaway SQLite
file in a temporary directory (TRADER_RUN_DIR / DATABASE_URL are set before Django starts).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

RUN_DIR = Path(tempfile.mkdtemp(prefix="trader-orders-bench-"))
os.environ["TRADER_RUN_DIR"] = str(RUN_DIR)
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trader.settings")
os.environ.setdefault("TRADER_EXCHANGE_CALL_LOG_SAMPLE", "0")

import django  # noqa: E402
import requests  # noqa: E402

django.setup()

from binance.client import Client  # noqa: E402
from binance.exceptions import BinanceAPIException  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client as DjangoClient  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.exchange.gateway.binance import BinanceGateway  # noqa: E402
from apps.exchange.runtime import Runtime, set_runtime  # noqa: E402
from apps.orders.models import Order  # noqa: E402
from apps.orders.reconcile import orders_reconcile  # noqa: E402
from apps.symbols.services import symbol_sync_apply  # noqa: E402
from bench.exchange_bench import make_runtime, start_exchange  # noqa: E402
from trader.celery import app as celery_app  # noqa: E402

SYMBOL = "BTCUSDT"
QUANTITY = Decimal("0.001")


def _control(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = requests.request(method, f"{url}/_sim/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def setup(url: str) -> tuple[dict[str, Any], Runtime, str]:
    # Room for both paths at the offered rate: Binance's 50 orders / 10 s would cap the run at 5/s.
    _control(url, "POST", "ratelimits", {"spot_orders_per_10s": 100_000, "spot_weight_per_min": 1_000_000})
    account = _control(url, "POST", "accounts", {"balances": {"USDT": "100000000", "BTC": "10"}})
    call_command("migrate", verbosity=0, interactive=False)
    raw = requests.get(f"{url}/api/v3/exchangeInfo", timeout=10).json()["symbols"]
    symbol_sync_apply(market="SPOT", raw_symbols=raw)
    rt = make_runtime(url, f"bench:orders:{uuid.uuid4().hex[:8]}", account)
    set_runtime(rt)
    user = User.objects.create_user(username="bench-trader", password=uuid.uuid4().hex)
    user.groups.add(Group.objects.get_or_create(name="trader")[0])
    token = Token.objects.create(user=user).key
    return account, rt, token


def _price(url: str) -> Decimal:
    bid = Decimal(
        requests.get(f"{url}/api/v3/ticker/bookTicker", params={"symbol": SYMBOL}, timeout=5).json()[
            "bidPrice"
        ]
    )
    return (bid * Decimal("0.8")).quantize(Decimal(1))  # rests on the book: the answer is NEW


def _cancel_all(bare: Client) -> None:
    try:
        bare._delete("openOrders", signed=True, data={"symbol": SYMBOL})
    except BinanceAPIException as error:
        if error.code != -2011:  # nothing open: fine
            raise


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _time_gateway_calls() -> list[float]:
    """Time the gateway's place_order inside the platform path, to show where the rest of the time goes."""
    samples: list[float] = []
    place = BinanceGateway.place_order

    def timed_place(self: BinanceGateway, market: Any, request: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return place(self, market, request)
        finally:
            samples.append(time.perf_counter() - t0)

    BinanceGateway.place_order = timed_place  # type: ignore[method-assign]
    return samples


def _paced(orders: int, rate: float, step: Any) -> int:
    """Call step(i) at `rate` per second; returns how many ticks started more than a period late."""
    period = 1 / rate
    next_tick = time.perf_counter()
    behind = 0
    for i in range(orders):
        now = time.perf_counter()
        if now < next_tick:
            time.sleep(next_tick - now)
        elif now - next_tick > period:
            behind += 1
        next_tick += period
        step(i)
    return behind


def run(url: str, account: dict[str, Any], rt: Runtime, token: str, orders: int, rate: float) -> list[str]:
    web = DjangoClient(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    bare = Client(account["api_key"], account["api_secret"], ping=False)
    bare.API_URL = rt.urls.api
    bare.timestamp_offset = rt.timesync.sync(lambda: int(bare.get_server_time()["serverTime"]))
    price = str(_price(url))
    body = {"market": "SPOT", "symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "quantity": str(QUANTITY)}
    gateway_t = _time_gateway_calls()

    def platform() -> float:
        t0 = time.perf_counter()
        response = web.post("/api/orders/", {**body, "price": price}, content_type="application/json")
        elapsed = time.perf_counter() - t0
        if response.status_code != 202:
            raise SystemExit(f"platform refused an order: {response.status_code} {response.content!r}")
        order_id = response.json()["id"]
        # Eager task: NEW is already stored when the request returns. Check it, so a lost submit fails loudly.
        status = Order.objects.values_list("status", flat=True).get(pk=order_id)
        if status != "NEW":
            raise SystemExit(f"order {order_id} is {status}, not NEW")
        return elapsed

    def bare_call() -> float:
        t0 = time.perf_counter()
        answer = bare.create_order(
            symbol=SYMBOL,
            side="BUY",
            type="LIMIT",
            timeInForce="GTC",
            quantity=str(QUANTITY),
            price=price,
            newClientOrderId=f"bare-{uuid.uuid4().hex[:20]}",
        )
        elapsed = time.perf_counter() - t0
        if answer["status"] != "NEW":
            raise SystemExit(f"bare order is {answer['status']}")
        return elapsed

    for _ in range(10):  # warm connections, caches and the ORM
        platform()
        bare_call()
    platform_t: list[float] = []
    bare_t: list[float] = []
    gateway_t.clear()

    def step(i: int) -> None:
        if i % 50 == 0:
            # Untimed: stay under the symbol's MAX_NUM_ORDERS (200 open per account) and, by reconciling,
            # under the platform's own open-order limit, which counts what our database holds open.
            _cancel_all(bare)
            orders_reconcile(market="SPOT", symbol=SYMBOL)
        # Alternate which goes first: the exchange may still be busy with the previous answer.
        if i % 2 == 0:
            platform_t.append(platform())
            bare_t.append(bare_call())
        else:
            bare_t.append(bare_call())
            platform_t.append(platform())

    behind = _paced(orders, rate, step)
    return _table(platform_t, bare_t, gateway_t, rate, behind)


def _table(
    platform_t: list[float], bare_t: list[float], gateway_t: list[float], rate: float, behind: int
) -> list[str]:
    pm, bm = statistics.median(platform_t) * 1000, statistics.median(bare_t) * 1000
    p99, b99 = _pct(platform_t, 0.99), _pct(bare_t, 0.99)
    rows = [
        ("path", "orders", "median ms", "p99 ms"),
        ("bare python-binance create_order", str(len(bare_t)), f"{bm:.2f}", f"{b99:.2f}"),
        ("platform POST /api/orders/ → NEW stored", str(len(platform_t)), f"{pm:.2f}", f"{p99:.2f}"),
        (
            "  of which the gateway's place_order",
            str(len(gateway_t)),
            f"{statistics.median(gateway_t) * 1000:.2f}",
            f"{_pct(gateway_t, 0.99):.2f}",
        ),
        ("ratio (target median ≤ 2x, p99 ≤ 4x)", "", f"{pm / bm:.2f}x", f"{p99 / b99:.2f}x"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    verdict = "PASS" if pm / bm <= 2 and p99 / b99 <= 4 else "FAIL"
    lines.append(f"{verdict} at {rate:g} orders/s per path; ticks that started late: {behind}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=400, help="orders per path (default 400)")
    parser.add_argument("--rate", type=float, default=20.0, help="orders per second per path (default 20)")
    args = parser.parse_args()
    celery_app.conf.task_always_eager = True
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one INFO line per eager task
    process, url = start_exchange()
    try:
        account, rt, token = setup(url)
        for line in run(url, account, rt, token, args.orders, args.rate):
            print(line)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
