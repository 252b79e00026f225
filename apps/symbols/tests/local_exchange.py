"""The local Binance exchange in a thread of this process, called over a real socket with signed requests.

It runs on its own event loop so synchronous tests (hypothesis drives them) can call it with urllib. The
market loop is off: prices move only when a test says so, so the reference prices the test reads
in-process are the ones the exchange checks against.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import web

from simulator.app import create_app
from simulator.config import DEV_API_KEY, DEV_API_SECRET, Config, RateLimitConfig

if TYPE_CHECKING:
    from collections.abc import Iterator

    from simulator.exchange import Exchange


@dataclass
class Reply:
    status: int
    body: Any


@dataclass
class LocalExchange:
    base: str
    app: web.Application

    @property
    def exchange(self) -> Exchange:
        return self.app["exchange"]  # type: ignore[no-any-return]

    def get(self, path: str, params: dict[str, str] | None = None) -> Reply:
        query = urllib.parse.urlencode(params or {})
        return self._send("GET", f"{path}?{query}" if query else path, {})

    def signed(self, method: str, path: str, params: dict[str, str]) -> Reply:
        query = urllib.parse.urlencode({**params, "timestamp": str(int(time.time() * 1000))})
        signature = hmac.new(DEV_API_SECRET.encode(), query.encode(), hashlib.sha256).hexdigest()
        return self._send(method, f"{path}?{query}&signature={signature}", {"X-MBX-APIKEY": DEV_API_KEY})

    def _send(self, method: str, path_and_query: str, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(self.base + path_and_query, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, json.loads(response.read() or b"null"))
        except urllib.error.HTTPError as error:
            return Reply(error.code, json.loads(error.read() or b"null"))

    def spot_average_price(self, symbol: str) -> Decimal | None:
        # What the spot engine compares the percent-price filters and market notionals with: the average
        # price over the last minutes, which moves as trades leave the window, even with the market still.
        from simulator.spot import SPOT_ENGINE

        price: Decimal | None = self.app[SPOT_ENGINE].market.avg_price(symbol)
        return price

    def futures_mark_price(self, symbol: str) -> Decimal:
        from simulator.futures.api.common import RUNTIME_KEY

        mark: Decimal = self.app[RUNTIME_KEY].engine.mark(symbol)
        return mark


def _config() -> Config:
    # Generous limits: a long property run sends thousands of orders and cancels within seconds.
    limits = RateLimitConfig(
        spot_weight_per_min=10_000_000,
        spot_orders_per_10s=10_000_000,
        futures_weight_per_min=10_000_000,
        futures_orders_per_10s=10_000_000,
        futures_orders_per_min=10_000_000,
    )
    return Config(
        run_loop=False, backfill_candles=40, book_levels=30, history_trades=2000, rate_limits=limits
    )


def run_local_exchange() -> Iterator[LocalExchange]:
    """Start the exchange on an ephemeral 127.0.0.1 port; stop it (and its thread) when the caller is done."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def start() -> None:
        app = create_app(_config())
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        holder.update(app=app, runner=runner, base=f"http://127.0.0.1:{port}")

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:
            holder["error"] = exc
            return
        finally:
            started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="local-exchange", daemon=True)
    thread.start()
    started.wait(30)
    if "base" not in holder:
        thread.join(5)
        loop.close()
        raise RuntimeError(f"the local exchange did not start: {holder.get('error')!r}")
    try:
        yield LocalExchange(holder["base"], holder["app"])
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
