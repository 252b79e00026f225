"""Simulator benchmarks: in-process matching, REST order round trips, market-stream fan-out.

Run as `.venv/bin/python -m bench.simulator_bench` or `.venv/bin/python bench/simulator_bench.py`
(`--seconds`, `--subscribers`, `--orders` shrink or grow the runs). Prints one table.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Running as a script: make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from aiohttp import web

from simulator.app import create_app
from simulator.config import Config, RateLimitConfig

BIG = RateLimitConfig(
    spot_weight_per_min=10**9,
    spot_orders_per_10s=10**9,
    spot_orders_per_day=10**9,
    spot_raw_per_5min=10**9,
    futures_weight_per_min=10**9,
    futures_orders_per_min=10**9,
    futures_orders_per_10s=10**9,
)


def bench_config(**overrides: Any) -> Config:
    values: dict[str, Any] = {
        "run_loop": False,
        "backfill_candles": 30,
        "book_levels": 50,
        "rate_limits": BIG,
    }
    values.update(overrides)
    return Config(**values)


def _funded(exchange: Any, name: str) -> Any:
    balances = {"USDT": "1000000000", "BTC": "100000"}
    account, _ = exchange.create_account({"account_id": name, "balances": balances})
    return account


def bench_matching(orders: int) -> tuple[str, str]:
    """Place LIMIT orders straight into the spot engine; every other order crosses the previous one."""
    app = create_app(bench_config())
    exchange = app["exchange"]
    ext = exchange.extensions.get("spot")
    engine = getattr(ext, "engine", None)
    if engine is None:
        return "n/a", "spot engine not available"
    from simulator.spot.domain.enums import OrderType, Side, TimeInForce
    from simulator.spot.domain.requests import NewOrder

    maker, taker = _funded(exchange, "bench-maker"), _funded(exchange, "bench-taker")
    feed = exchange.market.feed("spot", "BTCUSDT")
    base = feed.best_bid
    # Measure user-vs-user matching: without the synthetic book (the tick loop is off, so it stays empty)
    # each SELL crosses the BUY placed just before it.
    feed.synthetic.bids = {}
    feed.synthetic.asks = {}
    qty = Decimal("0.00100")
    started = time.perf_counter()
    for i in range(orders):
        price = base - Decimal(i % 50) * Decimal("0.01")
        if i % 2 == 0:
            engine.place(
                maker.account_id, NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, qty, price, TimeInForce.GTC)
            )
        else:
            engine.place(
                taker.account_id, NewOrder("BTCUSDT", Side.SELL, OrderType.LIMIT, qty, price, TimeInForce.GTC)
            )
    elapsed = time.perf_counter() - started
    return f"{orders / elapsed:,.0f} orders/s", f"{orders} LIMIT placements, half crossing, {elapsed:.2f} s"


class ServerThread:
    """The simulator on its own event loop in a background thread, on an ephemeral loopback port."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        runner = web.AppRunner(create_app(self.config))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def bench_rest_orders(seconds: float) -> tuple[str, str]:
    from binance import Client

    from simulator.config import DEV_API_KEY, DEV_API_SECRET

    with ServerThread(bench_config(run_loop=True)) as server:
        base = f"http://127.0.0.1:{server.port}"
        client_cls = type("SimClient", (Client,), {"API_URL": f"{base}/api", "FUTURES_URL": f"{base}/fapi"})
        client = client_cls(DEV_API_KEY, DEV_API_SECRET)
        price = Decimal(client.get_orderbook_ticker(symbol="BTCUSDT")["bidPrice"]) * Decimal("0.9")
        count = 0
        errors = 0
        first_error = ""
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            try:
                # IOC far below the market: a full placement round trip that leaves nothing resting.
                client.create_order(
                    symbol="BTCUSDT",
                    side="BUY",
                    type="LIMIT",
                    timeInForce="IOC",
                    quantity="0.00100",
                    price=f"{price:.2f}",
                )
            except Exception as exc:
                errors += 1
                first_error = first_error or str(exc)
            count += 1
        elapsed = time.perf_counter() - started
        client.close_connection()
    detail = f"{count} POST /api/v3/order (LIMIT IOC) via python-binance, {errors} errors"
    if first_error:
        detail += f" (first: {first_error[:60]})"
    return f"{count / elapsed:,.0f} req/s", detail


async def _stream_fanout(subscribers: int, seconds: float) -> tuple[float, int]:
    app = create_app(bench_config())
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    streams = "btcusdt@trade/btcusdt@aggTrade/btcusdt@depth@100ms/btcusdt@bookTicker/ethusdt@trade"
    received = 0
    stop = asyncio.Event()

    async def reader(session: aiohttp.ClientSession) -> None:
        nonlocal received
        async with session.ws_connect(f"http://127.0.0.1:{port}/stream?streams={streams}") as ws:
            while not stop.is_set():
                try:
                    msg = await asyncio.wait_for(ws.receive(), 0.5)
                except TimeoutError:
                    continue
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return
                received += 1

    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(reader(session)) for _ in range(subscribers)]
        await asyncio.sleep(0.5)
        exchange = app["exchange"]
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            exchange.market.tick()
            await asyncio.sleep(0.001)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    await runner.cleanup()
    return received / elapsed, received


def bench_streams(subscribers: int, seconds: float) -> tuple[str, str]:
    rate, total = asyncio.run(_stream_fanout(subscribers, seconds))
    return f"{rate:,.0f} msgs/s", f"{total} messages to {subscribers} combined-stream subscribers"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--subscribers", type=int, default=100)
    args = parser.parse_args(argv)
    rows = [
        ("in-process matching (spot engine)", *bench_matching(args.orders)),
        ("REST order round trips (python-binance, loopback)", *bench_rest_orders(args.seconds)),
        ("market-stream fan-out", *bench_streams(args.subscribers, args.seconds)),
    ]
    widths = [max(len(r[i]) for r in [("benchmark", "result", "detail"), *rows]) for i in range(3)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(line)
    for row in [("benchmark", "result", "detail"), *rows]:
        print(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if row[0] == "benchmark":
            print(line)
    print(line)


if __name__ == "__main__":
    main()
