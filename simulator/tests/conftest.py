"""Fixtures: an in-process simulator on an ephemeral 127.0.0.1 port with the tick loop disabled."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from simulator.app import create_app
from simulator.config import Config, RateLimitConfig, WsConfig

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from simulator.exchange import Exchange

# Real recorded Binance payloads, kept in the repository (tests/resources/payloads, with provenance).
PAYLOADS = Path(__file__).resolve().parents[2] / "tests" / "resources" / "payloads"


def small_config(**overrides: Any) -> Config:
    """Fast settings: no background loop, short backfill, thin book."""
    values: dict[str, Any] = {
        "run_loop": False,
        "backfill_candles": 40,
        "book_levels": 30,
        "history_trades": 2000,
        "rate_limits": RateLimitConfig(),
        "ws": WsConfig(),
    }
    values.update(overrides)
    return Config(**values)


@dataclass
class Sim:
    app: web.Application
    client: TestClient
    exchange: Exchange

    @property
    def base(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://")

    def ticks(self, count: int) -> None:
        for _ in range(count):
            self.exchange.market.tick()


async def start_sim(config: Config, extra_routes: Callable[[web.Application], None] | None = None) -> Sim:
    app = create_app(config)
    if extra_routes is not None:
        extra_routes(app)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return Sim(app, client, app["exchange"])


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    s = await start_sim(small_config())
    s.ticks(5)
    try:
        yield s
    finally:
        await s.client.close()


def load_payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def shape(value: Any) -> Any:
    """The JSON type skeleton of a payload: key sets and value types, recursively (first list item)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return type(value).__name__
