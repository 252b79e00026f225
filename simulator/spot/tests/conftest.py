"""Spot test fixtures: an in-process simulator on an ephemeral port (tick loop off) and funded accounts."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer

from simulator.app import create_app
from simulator.config import Config
from simulator.spot import SPOT_ENGINE

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from aiohttp import web

    from simulator.exchange import Exchange
    from simulator.spot.engine import SpotEngine

# Real recorded Binance payloads, kept in the repository (tests/resources/payloads, with provenance).
PAYLOADS = Path(__file__).resolve().parents[3] / "tests" / "resources" / "payloads"
BALANCES = {"USDT": "1000000", "BTC": "10", "ETH": "100", "BNB": "1000"}


def load_payload(name: str) -> Any:
    data = json.loads((PAYLOADS / name).read_text())
    return data.get("data", data) if isinstance(data, dict) and "stream" in data else data


@dataclass
class Trader:
    account_id: str
    api_key: str
    secret: str | None
    private_key: str | None = None


@dataclass
class Sim:
    app: web.Application
    client: TestClient
    exchange: Exchange

    @property
    def engine(self) -> SpotEngine:
        return self.app[SPOT_ENGINE]

    @property
    def base(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://")

    def ticks(self, count: int = 1) -> None:
        for _ in range(count):
            self.exchange.market.tick()

    def trader(self, key_type: str = "HMAC", balances: dict[str, str] | None = None) -> Trader:
        account, private = self.exchange.create_account(
            {"key_type": key_type, "balances": balances or BALANCES}
        )
        return Trader(account.account_id, account.api_key, account.secret, private)

    async def call(
        self, method: str, path: str, trader: Trader | None = None, **params: Any
    ) -> tuple[int, Any]:
        """A signed (when `trader` is given) request as an HMAC client would send it."""
        headers = {}
        query = {k: v for k, v in params.items() if v is not None}
        if trader is not None:
            query["timestamp"] = int(time.time() * 1000)
            payload = urlencode(query)
            assert trader.secret is not None
            query["signature"] = hmac.new(
                trader.secret.encode(), payload.encode(), hashlib.sha256
            ).hexdigest()
            headers["X-MBX-APIKEY"] = trader.api_key
        resp = await self.client.request(method, path + "?" + urlencode(query), headers=headers)
        text = await resp.text()
        return resp.status, json.loads(text) if text else None


def config(**overrides: Any) -> Config:
    values: dict[str, Any] = {
        "run_loop": False,
        "backfill_candles": 30,
        "book_levels": 20,
        "history_trades": 500,
        "create_dev_account": False,
    }
    values.update(overrides)
    return Config(**values)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    app = create_app(config())
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    s = Sim(app, client, app["exchange"])
    s.ticks(3)
    try:
        yield s
    finally:
        await client.close()
