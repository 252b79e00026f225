"""A real simulator on an ephemeral 127.0.0.1 port, run in its own thread so sync clients can call it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from aiohttp import web

from simulator.app import create_app
from simulator.config import Config
from simulator.futures.api.common import RUNTIME_KEY
from simulator.futures.wiring import FuturesRuntime

T = TypeVar("T")


class LiveServer:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.app: web.Application | None = None

    def start(self) -> LiveServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(60)
        return self

    async def _start(self) -> None:
        self.app = create_app(Config(port=0, run_loop=False, backfill_candles=50, history_trades=500))
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    # -- helpers -----------------------------------------------------------------------------------
    @property
    def rt(self) -> FuturesRuntime:
        assert self.app is not None
        rt: FuturesRuntime = self.app[RUNTIME_KEY]
        return rt

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, fn: Callable[[], T]) -> T:
        """Runs `fn` on the server's loop (engine state is single-threaded by design)."""

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(30)

    def tick(self, n: int = 1) -> None:
        def step() -> None:
            for _ in range(n):
                self.rt.exchange.market.tick()

        self.call(step)

    def new_account(self, usdt: str = "10000") -> tuple[str, str, str]:
        def make() -> tuple[str, str, str]:
            account, _ = self.rt.exchange.create_account({"futures_balances": {"USDT": usdt}})
            assert account.secret is not None
            return account.account_id, account.api_key, account.secret

        return self.call(make)

    def last_price(self, symbol: str) -> Decimal:
        return self.call(lambda: self.rt.exchange.market.feed("futures", symbol).last_price)

    def set_mark(self, symbol: str, price: Decimal) -> None:
        self.call(lambda: self.rt.engine.set_mark(symbol, price))

    def engine_call(self, fn: Callable[[Any], T]) -> T:
        return self.call(lambda: fn(self.rt.engine))


def signed(
    live: LiveServer, method: str, path: str, key: str, secret: str, **params: str
) -> requests.Response:
    """One HMAC-signed request exactly as Binance documents it (query string, signature last)."""
    params = {**params, "timestamp": str(int(time.time() * 1000))}
    query = urlencode(params)
    sig = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    url = f"{live.base}{path}?{query}&signature={sig}"
    return requests.request(method, url, headers={"X-MBX-APIKEY": key}, timeout=10)
