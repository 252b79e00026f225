"""Fixtures of the positions tests: recorded payloads, symbols, a fake or a real gateway, broadcasts.

- `fake_gateway`: the in-memory gateway installed for get_gateway() (unit tests of services);
- `gateway`, `account`, `sim`: a fresh account on the real local exchange (exchange app's fixtures);
- `symbols`: the local exchange's own symbols (orders app's fixture); `usdm_btcusdt` / `spot_btcusdt`: one
  symbol from the recorded exchangeInfo, without any exchange;
- `published`: every account event sent to the realtime app, as (kind, payload).
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.exchange.tests.conftest import account, gateway, prefix, redis_client, runtime_for, sim
from apps.orders.tests.conftest import symbols, viewer_client

__all__ = ["account", "gateway", "prefix", "redis_client", "runtime_for", "sim", "symbols", "viewer_client"]

PAYLOADS = Path(__file__).resolve().parents[3] / "tests" / "resources" / "payloads"


def recorded(name: str) -> Any:
    """A real recorded Binance payload (tests/resources/payloads), unwrapped from its stream envelope."""
    text = (PAYLOADS / name).read_text()
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data["data"] if isinstance(data, dict) and "data" in data and "stream" in data else data


@pytest.fixture
def fake_gateway() -> Iterator[Any]:
    from apps.exchange.gateway import set_gateway
    from apps.exchange.gateway.fake import FakeGateway

    fake = FakeGateway()
    set_gateway(fake)
    yield fake
    set_gateway(None)


@pytest.fixture
def usdm_btcusdt(db: None) -> Any:
    from apps.symbols.models import Symbol
    from apps.symbols.services import symbol_sync_apply
    from apps.symbols.tests.payloads import futures_btcusdt

    symbol_sync_apply(market="USDM", raw_symbols=[futures_btcusdt()])
    return Symbol.objects.get(market="USDM", symbol="BTCUSDT")


@pytest.fixture
def spot_btcusdt(db: None) -> Any:
    from apps.orders.tests.factories import spot_symbol

    return spot_symbol("BTCUSDT")


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Install a stand-in apps.realtime.publish that records what would be sent."""
    sent: list[tuple[str, dict[str, Any]]] = []
    module = types.ModuleType("apps.realtime.publish")
    module.publish_account_event = lambda kind, payload: sent.append((kind, payload))  # type: ignore[attr-defined]
    package = sys.modules.get("apps.realtime") or types.ModuleType("apps.realtime")
    monkeypatch.setitem(sys.modules, "apps.realtime", package)
    monkeypatch.setitem(sys.modules, "apps.realtime.publish", module)
    return sent
