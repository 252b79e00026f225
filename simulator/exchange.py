"""The Exchange object: every core service, the registered extensions and the background loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from simulator.accounts import AccountStore
from simulator.auth import Auth
from simulator.clock import Clock
from simulator.config import DEV_ACCOUNT_ID, DEV_API_KEY, DEV_API_SECRET, DEV_BALANCES, DEV_FUTURES_BALANCES
from simulator.errors import BinanceError
from simulator.faults import Faults
from simulator.market.engine import MarketData
from simulator.ratelimit import RateLimiter
from simulator.streams.hub import StreamHub
from simulator.symbols import SymbolRegistry

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiohttp import web

    from simulator.accounts import Account
    from simulator.config import Config
    from simulator.extension import Extension
    from simulator.wsutil import WsSession

    UserStreamHandler = Callable[[web.Request, str], Awaitable[web.StreamResponse]]

log = logging.getLogger(__name__)


class Exchange:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.symbols = SymbolRegistry()
        self.clock = Clock(speed=config.speed)
        self.accounts = AccountStore()
        self.auth = Auth(self.accounts, self.clock, self.symbols)
        self.ratelimit = RateLimiter(config.rate_limits, self.clock)
        self.streams = StreamHub()
        self.market = MarketData(config, self.clock, self.symbols, self.streams)
        self.faults = Faults()
        self.extensions: dict[str, Extension] = {}
        self.ws_sessions: set[WsSession] = set()
        self._user_streams: dict[str, tuple[Callable[[str], bool], UserStreamHandler]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        origin = self.market.sim_origin()
        if origin is not None:
            self.clock.set_sim(origin)
        self.market.after_tick.append(self._extensions_tick)

    # -- extensions ----------------------------------------------------------------------------------
    def register_extension(self, name: str, ext: Extension) -> None:
        self.extensions[name] = ext

    def register_user_stream(
        self,
        market: str,
        is_listen_key: Callable[[str], bool],
        handler: Callable[[web.Request, str], Awaitable[web.StreamResponse]],
    ) -> None:
        """Let `/ws/<name>` (spot) or `/fstream/ws/<name>` (futures) reach a user stream for listenKeys."""
        self._user_streams[market] = (is_listen_key, handler)

    def user_stream_handler(
        self, market: str, name: str
    ) -> Callable[[web.Request, str], Awaitable[web.StreamResponse]] | None:
        entry = self._user_streams.get(market)
        if entry is None or "@" in name or "/" in name or not name:
            return None
        is_key, handler = entry
        return handler if is_key(name) else None

    def _extensions_tick(self, now_ms: int, sim_ms: int) -> None:
        for name, ext in self.extensions.items():
            try:
                ext.on_tick(now_ms, sim_ms)
            except Exception:
                log.exception("extension %s on_tick failed", name)

    # -- accounts ------------------------------------------------------------------------------------
    def create_account(self, body: dict[str, Any]) -> tuple[Account, str | None]:
        created = self.accounts.create(
            key_type=body.get("key_type", "HMAC"),
            public_key=body.get("public_key"),
            permissions=body.get("permissions"),
            account_id=body.get("account_id"),
            api_key=body.get("api_key"),
            secret=body.get("api_secret"),
            enable_withdrawals=bool(body.get("enable_withdrawals", False)),
        )
        for name, ext in self.extensions.items():
            try:
                ext.on_account_created(created.account, body)
            except BinanceError:
                # The extension rejected the body (bad balances...): the account must not half-exist.
                self.accounts.remove(created.account.account_id)
                raise
            except Exception:
                log.exception("extension %s on_account_created failed", name)
        return created.account, created.private_key_pem

    def create_dev_account(self) -> None:
        if self.accounts.get(DEV_ACCOUNT_ID) is not None:
            return
        self.create_account(
            {
                "account_id": DEV_ACCOUNT_ID,
                "api_key": DEV_API_KEY,
                "api_secret": DEV_API_SECRET,
                "balances": {k: str(v) for k, v in DEV_BALANCES.items()},
                "futures_balances": {k: str(v) for k, v in DEV_FUTURES_BALANCES.items()},
            }
        )

    def account_view(self, account_id: str) -> dict[str, Any]:
        view: dict[str, Any] = {
            "account_id": account_id,
            "balances": {},
            "futures_balances": {},
            "positions": [],
            "open_orders": [],
        }
        for name, ext in self.extensions.items():
            try:
                snapshot = ext.account_snapshot(account_id)
            except Exception:
                log.exception("extension %s account_snapshot failed", name)
                continue
            for key, value in snapshot.items():
                if isinstance(value, list) and isinstance(view.get(key), list):
                    view[key] = view[key] + value
                elif isinstance(value, dict) and isinstance(view.get(key), dict):
                    view[key] = {**view[key], **value}
                else:
                    view[key] = value
        return view

    def find_orders(self, client_order_id: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for ext in self.extensions.values():
            out.extend(ext.find_orders(client_order_id))
        return out

    def reset(self) -> None:
        for ext in self.extensions.values():
            ext.reset()
        self.accounts.reset()
        self.ratelimit.reset()
        self.faults = Faults()
        self.symbols.load()
        self.market.reset()
        if self.config.create_dev_account:
            self.create_dev_account()

    # -- loops ---------------------------------------------------------------------------------------
    async def _tick_loop(self) -> None:
        interval = self.config.tick_ms / 1000
        while True:
            try:
                self.market.tick()
            except Exception:
                log.exception("market tick failed")
            await asyncio.sleep(interval)

    def start_background(self, extra: list[Callable[[], Awaitable[None]]] | None = None) -> None:
        if self.config.run_loop:
            self._tasks.append(asyncio.create_task(self._tick_loop()))
        for factory in extra or []:
            self._tasks.append(asyncio.create_task(factory()))  # type: ignore[arg-type]

    async def stop_background(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        shutdown = {"e": "serverShutdown", "E": self.clock.now_ms()}
        for session in list(self.ws_sessions):
            if session.info.get("kind") == "market":
                # Binance's notice that lets clients reconnect elsewhere before the socket goes.
                envelope = {"stream": "!serverShutdown", "data": shutdown}
                session.send_json(envelope if session.combined else shutdown)
            session.close(1001, "Server shutdown")
