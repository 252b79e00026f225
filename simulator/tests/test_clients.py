"""Unmodified third-party clients against the simulator: python-binance (sync, async, sockets) and ccxt.

Each is pointed at the base URL exactly as a user would: python-binance through URL class attributes on a
subclass, ccxt through `urls['api']` overrides. The server runs its real tick loop on an ephemeral port.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ccxt
import ccxt.async_support as ccxt_async
import pytest
from binance import AsyncClient, BinanceSocketManager, Client, DepthCacheManager

from simulator.config import DEV_API_KEY, DEV_API_SECRET
from simulator.tests.conftest import Sim, small_config, start_sim

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.integration


@pytest.fixture
async def live() -> AsyncIterator[Sim]:
    s = await start_sim(small_config(run_loop=True, tick_ms=50, backfill_candles=60))
    try:
        yield s
    finally:
        await s.client.close()


def client_classes(base: str) -> tuple[type[Client], type[AsyncClient], type[BinanceSocketManager]]:
    ws = base.replace("http://", "ws://")
    urls = {
        "API_URL": f"{base}/api",
        "FUTURES_URL": f"{base}/fapi",
        "WS_API_URL": f"{ws}/ws-api/v3",
        "WS_FUTURES_URL": f"{ws}/ws-fapi/v1",
    }
    sync_cls = type("SimClient", (Client,), urls)
    async_cls = type("SimAsyncClient", (AsyncClient,), urls)
    bsm_cls = type(
        "SimSocketManager", (BinanceSocketManager,), {"STREAM_URL": f"{ws}/", "FSTREAM_URL": f"{ws}/fstream/"}
    )
    return sync_cls, async_cls, bsm_cls


def ccxt_config(base: str) -> dict[str, Any]:
    return {
        "apiKey": DEV_API_KEY,
        "secret": DEV_API_SECRET,
        "options": {
            "fetchMarkets": {"types": ["spot", "linear"]},
            "fetchCurrencies": False,
            "fetchMargins": False,
        },
    }


def point_ccxt(exchange: Any, base: str) -> None:
    api = exchange.urls["api"]
    for key in list(api):
        if key in ("public", "private"):
            api[key] = f"{base}/api/v3"
        elif key == "v1":
            api[key] = f"{base}/api/v1"
        elif key.startswith("fapi") and key != "fapiData":
            version = key[-2:].lower() if key[-2:] in ("V2", "V3") else "v1"
            api[key] = f"{base}/fapi/{version}"
        elif key == "fapiData":
            api[key] = f"{base}/futures/data"


def _sync_python_binance(base: str) -> dict[str, Any]:
    sync_cls, _, _ = client_classes(base)
    client = sync_cls(DEV_API_KEY, DEV_API_SECRET)
    out: dict[str, Any] = {
        "time": client.get_server_time(),
        "info": client.get_symbol_info("BTCUSDT"),
        "book": client.get_order_book(symbol="BTCUSDT", limit=10),
        "trades": client.get_recent_trades(symbol="BTCUSDT", limit=5),
        "agg": client.get_aggregate_trades(symbol="ETHUSDT", limit=5),
        "klines": client.get_klines(symbol="BTCUSDT", interval=Client.KLINE_INTERVAL_1MINUTE, limit=5),
        "ticker": client.get_ticker(symbol="BTCUSDT"),
        "prices": client.get_all_tickers(),
        "book_ticker": client.get_orderbook_ticker(symbol="BTCUSDT"),
        "avg": client.get_avg_price(symbol="BTCUSDT"),
        "f_book": client.futures_order_book(symbol="BTCUSDT", limit=5),
        "f_klines": client.futures_klines(symbol="XRPUSDT", interval="5m", limit=3),
        "f_ticker": client.futures_ticker(symbol="BTCUSDT"),
        "f_price": client.futures_symbol_ticker(symbol="ETHUSDT"),
        "f_hist": client.futures_historical_trades(symbol="BTCUSDT", limit=3),
        "f_time": client.futures_time(),
    }
    try:
        client.get_order_book(symbol="NOPE")
    except Exception as exc:
        out["error"] = (type(exc).__name__, getattr(exc, "code", None))
    client.close_connection()
    return out


async def test_python_binance_sync_client(live: Sim) -> None:
    await asyncio.sleep(0.3)
    out = await asyncio.to_thread(_sync_python_binance, live.base)
    assert isinstance(out["time"]["serverTime"], int)
    assert out["info"]["symbol"] == "BTCUSDT" and out["info"]["filters"][0]["filterType"] == "PRICE_FILTER"
    book = out["book"]
    assert len(book["bids"]) == 10 and Decimal(book["bids"][0][0]) < Decimal(book["asks"][0][0])
    assert len(out["klines"]) == 5 and len(out["klines"][0]) == 12
    assert out["ticker"]["symbol"] == "BTCUSDT" and len(out["prices"]) == 8
    assert set(out["avg"]) == {"mins", "price", "closeTime"}
    assert len(out["f_book"]["asks"]) == 5 and len(out["f_klines"]) == 3
    assert out["f_price"]["symbol"] == "ETHUSDT" and len(out["f_hist"]) <= 3
    assert out["error"] == ("BinanceAPIException", -1121)


async def test_python_binance_async_client_and_sockets(live: Sim) -> None:
    _, async_cls, bsm_cls = client_classes(live.base)
    client = await async_cls.create(DEV_API_KEY, DEV_API_SECRET)
    try:
        depth = await client.get_order_book(symbol="ETHUSDT", limit=5)
        assert set(depth) == {"lastUpdateId", "bids", "asks"}
        klines = await client.futures_klines(symbol="BTCUSDT", interval="1h", limit=2)
        assert len(klines) == 2
        bm = bsm_cls(client)
        async with bm.trade_socket("BTCUSDT") as socket:
            msg = await asyncio.wait_for(socket.recv(), 5)
            assert msg["e"] == "trade" and msg["s"] == "BTCUSDT"
        async with bm.multiplex_socket(["ethusdt@kline_1m", "ethusdt@bookTicker"]) as socket:
            msg = await asyncio.wait_for(socket.recv(), 5)
            assert msg["stream"] in ("ethusdt@kline_1m", "ethusdt@bookTicker")
        async with bm.aggtrade_futures_socket("BTCUSDT") as socket:
            msg = await asyncio.wait_for(socket.recv(), 5)
            assert msg["data"]["e"] == "aggTrade"
        async with bm.futures_depth_socket("BTCUSDT", depth="5") as socket:
            msg = await asyncio.wait_for(socket.recv(), 5)
            assert msg["data"]["e"] == "depthUpdate" and len(msg["data"]["b"]) == 5
        async with DepthCacheManager(client, "BTCUSDT", bm=bm, refresh_interval=0) as dcm:
            cache = await asyncio.wait_for(dcm.recv(), 10)
            cache = await asyncio.wait_for(dcm.recv(), 10)
            bids = cache.get_bids()
            assert bids and bids[0][0] < cache.get_asks()[0][0]
    finally:
        await client.close_connection()


def _sync_ccxt(base: str) -> dict[str, Any]:
    exchange = ccxt.binance(ccxt_config(base))
    point_ccxt(exchange, base)
    markets = exchange.load_markets()
    out = {
        "markets": markets,
        "spot_ticker": exchange.fetch_ticker("BTC/USDT"),
        "spot_book": exchange.fetch_order_book("ETH/USDT", limit=5),
        "spot_ohlcv": exchange.fetch_ohlcv("BTC/USDT", "1m", limit=5),
        "perp_ticker": exchange.fetch_ticker("BTC/USDT:USDT"),
        "perp_book": exchange.fetch_order_book("XRP/USDT:USDT", limit=5),
        "perp_ohlcv": exchange.fetch_ohlcv("LTC/USDT:USDT", "5m", limit=3),
        "trades": exchange.fetch_trades("BTC/USDT", limit=5),
    }
    return out


async def test_ccxt_sync_spot_and_linear(live: Sim) -> None:
    await asyncio.sleep(0.3)
    out = await asyncio.to_thread(_sync_ccxt, live.base)
    assert "BTC/USDT" in out["markets"] and "XRP/ETH" in out["markets"]
    assert out["markets"]["BTC/USDT"]["precision"]["price"] == 0.01
    assert out["spot_ticker"]["symbol"] == "BTC/USDT" and out["spot_ticker"]["last"] > 0
    book = out["spot_book"]
    assert len(book["bids"]) == 5 and book["bids"][0][0] < book["asks"][0][0]
    assert len(out["spot_ohlcv"]) == 5 and len(out["spot_ohlcv"][0]) == 6
    if "BTC/USDT:USDT" in out["markets"]:  # needs futures' exchangeInfo
        assert out["perp_ticker"]["symbol"] == "BTC/USDT:USDT"
        assert len(out["perp_book"]["asks"]) == 5 and len(out["perp_ohlcv"]) == 3
    assert out["trades"] and out["trades"][0]["symbol"] == "BTC/USDT"


async def test_ccxt_async(live: Sim) -> None:
    exchange = ccxt_async.binance(ccxt_config(live.base))
    point_ccxt(exchange, live.base)
    try:
        ticker = await exchange.fetch_ticker("ETH/BTC")
        assert ticker["symbol"] == "ETH/BTC"
        ohlcv = await exchange.fetch_ohlcv("ETH/USDT:USDT", "1h", limit=4)
        assert len(ohlcv) == 4
    finally:
        await exchange.close()
