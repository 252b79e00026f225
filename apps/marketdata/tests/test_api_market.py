"""GET /api/market/{market}/{symbol}/klines/ against the real local exchange, and /snapshot/."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from rest_framework.test import APIClient

from apps.exchange.gateway import get_gateway, set_gateway
from apps.exchange.tests.conftest import prefix, redis_client, runtime_for, sim
from apps.marketdata.fanout.symbols import symbols_changed
from tests.fixtures.local_exchange import LocalExchange

__all__ = ["prefix", "redis_client", "runtime_for", "sim"]


@pytest.fixture
def md(settings: Any, db: None) -> Iterator[dict[str, Any]]:
    from apps.symbols.models import Symbol

    key_prefix = f"test:md:{uuid.uuid4().hex[:10]}"
    settings.TRADER_MARKETDATA_KEY_PREFIX = key_prefix
    common = {
        "status": "TRADING",
        "base_precision": 8,
        "quote_precision": 8,
        "quote_asset": "USDT",
        "raw": {},
    }
    Symbol.objects.create(market="SPOT", symbol="BTCUSDT", base_asset="BTC", **common)
    Symbol.objects.create(market="USDM", symbol="BTCUSDT", base_asset="BTC", **common)
    symbols_changed()
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield {"prefix": key_prefix, "redis": client}
    keys = list(client.scan_iter(f"{key_prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    symbols_changed()


class CountingGateway:
    """The real gateway, counting klines calls (to see what the cache saves)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []

    def klines(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.inner.klines(*args, **kwargs)


@pytest.fixture
def exchange(sim: LocalExchange, runtime_for: Any, md: Any) -> Iterator[CountingGateway]:
    runtime_for(sim.url)
    counting = CountingGateway(get_gateway())
    set_gateway(counting)  # type: ignore[arg-type]
    yield counting
    set_gateway(None)


@pytest.fixture
def viewer(viewer_user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(viewer_user)
    return client


URL = "/api/market/{}/{}/klines/"


@pytest.mark.parametrize("market", ["spot", "usdm"])
def test_klines_come_from_the_exchange_with_numbers_as_strings(
    viewer: APIClient, exchange: CountingGateway, market: str
) -> None:
    response = viewer.get(URL.format(market, "btcusdt"), {"interval": "1m", "limit": 5})
    assert response.status_code == 200, response.content
    rows = response.json()
    assert 1 <= len(rows) <= 5
    assert set(rows[0]) == {
        "open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "trades",
    }  # fmt: skip
    assert all(
        isinstance(rows[0][k], str) for k in ("open", "high", "low", "close", "volume", "quote_volume")
    )
    assert [r["open_time"] for r in rows] == sorted(r["open_time"] for r in rows)


def test_closed_candles_are_served_from_the_cache(viewer: APIClient, exchange: CountingGateway) -> None:
    first = viewer.get(URL.format("spot", "BTCUSDT"), {"interval": "1m", "limit": 3})
    assert first.status_code == 200
    rows = first.json()
    if len(rows) < 3:
        pytest.skip("the local exchange has fewer than 3 candles of history")
    end_time = rows[-2]["open_time"]  # only closed candles up to here
    again = viewer.get(URL.format("spot", "BTCUSDT"), {"interval": "1m", "limit": 2, "end_time": end_time})
    assert again.status_code == 200
    assert again.json() == rows[:2]
    assert len(exchange.calls) == 1  # the second answer came from the cache


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"interval": "2m"}, "interval"),
        ({}, "interval"),
        ({"interval": "1m", "limit": 0}, "limit"),
        ({"interval": "1m", "limit": 1001}, "limit"),
        ({"interval": "1m", "end_time": "soon"}, "end_time"),
    ],
)
def test_invalid_parameters_are_400_with_field_messages(
    viewer: APIClient, md: Any, params: dict[str, Any], field: str
) -> None:
    response = viewer.get(URL.format("spot", "BTCUSDT"), params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("market", "symbol", "field"), [("coinm", "BTCUSDT", "market"), ("spot", "DOGEUSDT", "symbol")]
)
def test_an_unknown_market_or_symbol_is_400(
    viewer: APIClient, md: Any, market: str, symbol: str, field: str
) -> None:
    response = viewer.get(URL.format(market, symbol), {"interval": "1m"})
    assert response.status_code == 400
    assert field in response.json()


def test_klines_need_the_viewer_role(api_client: APIClient, outsider_user: Any, md: Any) -> None:
    assert api_client.get(URL.format("spot", "BTCUSDT"), {"interval": "1m"}).status_code in (401, 403)
    api_client.force_authenticate(outsider_user)
    assert api_client.get(URL.format("spot", "BTCUSDT"), {"interval": "1m"}).status_code == 403


def test_snapshot_returns_the_cached_latest_values(viewer: APIClient, md: Any) -> None:
    ticker = {"stream": "usdm.btcusdt.ticker", "E": 1, "data": {"c": "50000.1"}}
    md["redis"].set(f"{md['prefix']}:last:usdm.btcusdt.ticker", json.dumps(ticker))
    response = viewer.get("/api/market/usdm/btcusdt/snapshot/", {"streams": "ticker,markprice"})
    assert response.status_code == 200
    assert response.json() == {
        "market": "usdm",
        "symbol": "BTCUSDT",
        "streams": {"ticker": ticker, "markprice": None},
    }
    bad = viewer.get("/api/market/spot/btcusdt/snapshot/", {"streams": "ticker,markprice"})
    assert bad.status_code == 400 and "streams" in bad.json()
