"""Spot and USD-M market-data REST: shapes against recorded Binance payloads, and consistency."""

from __future__ import annotations

import itertools

import pytest

from simulator.tests.conftest import Sim, load_payload, shape


async def get_json(sim: Sim, path: str, status: int = 200) -> object:
    resp = await sim.client.get(path)
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_ping_time(sim: Sim) -> None:
    assert await get_json(sim, "/api/v3/ping") == {}
    body = await get_json(sim, "/api/v3/time")
    assert isinstance(body, dict) and isinstance(body["serverTime"], int)
    assert await get_json(sim, "/fapi/v1/ping") == {}
    assert set(await get_json(sim, "/fapi/v1/time")) == {"serverTime"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "recorded"),
    [
        ("/api/v3/depth?symbol=BTCUSDT&limit=5", "spot_depth_2021-10.json"),
        ("/api/v3/trades?symbol=BTCUSDT&limit=3", "spot_trades_2021-10.json"),
        ("/api/v3/historicalTrades?symbol=BTCUSDT&limit=3", "spot_historicalTrades.json"),
        ("/api/v3/aggTrades?symbol=BTCUSDT&limit=3", "spot_aggTrades.json"),
        ("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3", "spot_klines_1m.json"),
        ("/api/v3/uiKlines?symbol=BTCUSDT&interval=1h&limit=3", "spot_klines_1h.json"),
        ("/api/v3/ticker/price?symbol=BTCUSDT", "spot_ticker_price.json"),
        ("/api/v3/ticker/bookTicker?symbol=BTCUSDT", "spot_bookTicker.json"),
        ("/api/v3/ticker/24hr?symbol=BTCUSDT", "spot_ticker_24hr.json"),
        ("/fapi/v1/depth?symbol=BTCUSDT&limit=5", "futures_depth.json"),
        ("/fapi/v1/klines?symbol=LTCUSDT&interval=5m&limit=3", "futures_klines_5m.json"),
        ("/fapi/v1/ticker/24hr?symbol=BTCUSDT", "futures_ticker_24hr.json"),
    ],
)
async def test_shape_matches_recording(sim: Sim, path: str, recorded: str) -> None:
    ours = await get_json(sim, path)
    theirs = load_payload(recorded)
    assert shape(ours) == shape(theirs)


async def test_avg_price_shape(sim: Sim) -> None:
    body = await get_json(sim, "/api/v3/avgPrice?symbol=BTCUSDT")
    assert isinstance(body, dict)
    # The 2020 recording predates closeTime; the 2026 docs add it.
    assert set(body) == {"mins", "price", "closeTime"}
    assert body["mins"] == 5 and isinstance(body["price"], str)


async def test_spot_exchange_info_symbol_matches_recording(sim: Sim) -> None:
    body = await get_json(sim, "/api/v3/exchangeInfo?symbol=BTCUSDT")
    recorded = load_payload("spot_exchangeInfo_testnet_2026.json")
    assert set(body) == set(recorded)  # type: ignore[arg-type]
    ours = body["symbols"][0]  # type: ignore[index]
    theirs = next(s for s in recorded["symbols"] if s["symbol"] == "BTCUSDT")
    assert shape(ours) == shape(theirs)
    assert ours["filters"] == theirs["filters"]


async def test_exchange_info_selectors(sim: Sim) -> None:
    body = await get_json(sim, '/api/v3/exchangeInfo?symbols=["ETHUSDT","ETHBTC"]')
    assert [s["symbol"] for s in body["symbols"]] == ["ETHUSDT", "ETHBTC"]  # type: ignore[index]
    every = await get_json(sim, "/api/v3/exchangeInfo")
    names = {s["symbol"] for s in every["symbols"]}  # type: ignore[index]
    assert names == {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "ETHBTC", "XRPETH"}
    spot_only = await get_json(sim, "/api/v3/exchangeInfo?permissions=SPOT")
    assert len(spot_only["symbols"]) == 8  # type: ignore[index]
    margin = await get_json(sim, '/api/v3/exchangeInfo?permissions=["MARGIN"]')
    assert {s["symbol"] for s in margin["symbols"]} == {"ETHUSDT", "ETHBTC"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v3/depth?symbol=NOPE", 400, -1121),
        ("/api/v3/depth?symbol=btcusdt", 400, -1100),
        ("/api/v3/depth", 400, -1102),
        ("/api/v3/depth?symbol=", 400, -1102),
        ("/api/v3/depth?symbol=BTCUSDT&limit=1e3", 400, -1100),
        ("/api/v3/depth?symbol=BTCUSDT&limit=0", 400, -1130),
        ("/api/v3/depth?symbol=BTCUSDT&foo=bar", 400, -1104),
        ("/api/v3/depth?symbol=BTCUSDT&symbol=ETHUSDT", 400, -1101),
        ("/api/v3/klines?symbol=BTCUSDT&interval=7m", 400, -1120),
        ("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=5&endTime=1", 400, -1023),
        ("/api/v3/ticker?symbol=BTCUSDT&windowSize=9d", 400, -1100),
        ("/api/v3/ticker", 400, -1102),
        ("/api/v3/exchangeInfo?symbols=notjson", 400, -1100),
        ('/api/v3/exchangeInfo?symbol=BTCUSDT&symbols=["ETHUSDT"]', 400, -1101),
        ("/api/v3/ticker/24hr?type=HUGE", 400, -1130),
        ("/fapi/v1/depth?symbol=NOPE", 400, -1121),
        ("/fapi/v1/klines?symbol=BTCUSDT&interval=1s", 400, -1120),
        ("/fapi/v1/historicalTrades?symbol=BTCUSDT", 401, -2014),
    ],
)
async def test_bad_input_gets_binance_errors(sim: Sim, path: str, status: int, code: int) -> None:
    resp = await sim.client.get(path)
    assert resp.status == status
    body = await resp.json()
    assert body["code"] == code and isinstance(body["msg"], str)


async def test_futures_invalid_symbol_matches_recording(sim: Sim) -> None:
    body = await get_json(sim, "/fapi/v1/ticker/24hr?symbol=NOPE", status=400)
    assert body == load_payload("futures_error_invalid_symbol.json")


async def test_unknown_paths_are_bare_404(sim: Sim) -> None:
    for path in ("/api/v3/nothing", "/fapi/v9/ping", "/_sim/nothing", "/"):
        resp = await sim.client.get(path)
        assert resp.status == 404
    resp = await sim.client.post("/api/v3/ping")
    assert resp.status == 404


async def test_rest_serves_what_streams_published(sim: Sim) -> None:
    """Trades, klines and tickers are one history: the last REST trade closes the current kline."""
    sim.ticks(30)
    trades = await get_json(sim, "/api/v3/trades?symbol=BTCUSDT&limit=1000")
    last = trades[-1]  # type: ignore[index]
    kline = (await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1"))[0]  # type: ignore[index]
    assert kline[4] == last["price"] and kline[7 - 1] >= last["time"]
    ticker = await get_json(sim, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert ticker["lastPrice"] == last["price"] and ticker["lastId"] == last["id"]  # type: ignore[index]
    price = await get_json(sim, "/api/v3/ticker/price?symbol=BTCUSDT")
    assert price["price"] == last["price"]  # type: ignore[index]
    ids = [t["id"] for t in trades]  # type: ignore[union-attr]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_depth_respects_filters_and_is_uncrossed(sim: Sim) -> None:
    from decimal import Decimal

    for market, path in (
        ("spot", "/api/v3/depth?symbol=ETHBTC&limit=20"),
        ("futures", "/fapi/v1/depth?symbol=SOLUSDT&limit=20"),
    ):
        body = await get_json(sim, path)
        spec = sim.exchange.symbols.get(market, "ETHBTC" if market == "spot" else "SOLUSDT")  # type: ignore[arg-type]
        bids = [(Decimal(p), Decimal(q)) for p, q in body["bids"]]  # type: ignore[index]
        asks = [(Decimal(p), Decimal(q)) for p, q in body["asks"]]  # type: ignore[index]
        assert bids[0][0] < asks[0][0]
        for price, qty in bids + asks:
            assert price % spec.tick_size == 0 and qty % spec.step_size == 0 and qty >= spec.min_qty
        assert [p for p, _ in bids] == sorted((p for p, _ in bids), reverse=True)


async def test_ticker_lists_and_mini(sim: Sim) -> None:
    rows = await get_json(sim, '/api/v3/ticker/24hr?symbols=["BTCUSDT","ETHUSDT"]&type=MINI')
    assert isinstance(rows, list) and len(rows) == 2
    assert "priceChange" not in rows[0] and "lastPrice" in rows[0]
    all_prices = await get_json(sim, "/fapi/v2/ticker/price")
    assert {r["symbol"] for r in all_prices} == {
        "BTCUSDT",
        "ETHUSDT",
        "XRPUSDT",
        "LTCUSDT",
        "BNBUSDT",  # type: ignore[union-attr]
        "SOLUSDT",
    }
    book = await get_json(sim, "/fapi/v1/ticker/bookTicker?symbol=ETHUSDT")
    assert set(book) == {"symbol", "bidPrice", "bidQty", "askPrice", "askQty", "time", "lastUpdateId"}  # type: ignore[arg-type]
    rolling = await get_json(sim, "/api/v3/ticker?symbol=BTCUSDT&windowSize=15m")
    assert rolling["closeTime"] - rolling["openTime"] == 15 * 60_000  # type: ignore[index]


async def test_klines_time_selection(sim: Sim) -> None:
    rows = await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000")
    assert len(rows) >= 10  # type: ignore[arg-type]
    start = rows[3][0]  # type: ignore[index]
    picked = await get_json(sim, f"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={start}&limit=2")
    assert [k[0] for k in picked] == [rows[3][0], rows[4][0]]  # type: ignore[index, union-attr]
    opens = [k[0] for k in rows]  # type: ignore[union-attr]
    assert all(b - a == 60_000 for a, b in itertools.pairwise(opens))


async def test_klines_time_zone_shifts_buckets(sim: Sim) -> None:
    utc = await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=3")
    local = await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=3&timeZone=%2B08:00")
    assert all(k[0] % 86_400_000 == 0 for k in utc)  # type: ignore[union-attr]
    assert all((k[0] + 8 * 3_600_000) % 86_400_000 == 0 for k in local)  # type: ignore[union-attr]
    assert all(k[6] - k[0] == 86_400_000 - 1 for k in local)  # type: ignore[union-attr]
    half = await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=2&timeZone=5:30")
    assert all((k[0] + 30 * 60_000) % 3_600_000 == 0 for k in half)  # type: ignore[union-attr]
    same = await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2&timeZone=-3")
    assert same == await get_json(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2")
    resp = await sim.client.get("/api/v3/klines?symbol=BTCUSDT&interval=1m&timeZone=%2B15:00")
    assert (await resp.json())["code"] == -1130


async def test_futures_continuous_klines(sim: Sim) -> None:
    base = "/fapi/v1/continuousKlines?pair=BTCUSDT&interval=1m"
    rows = await get_json(sim, f"{base}&contractType=PERPETUAL&limit=2")
    assert rows == await get_json(sim, "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=2")
    resp = await sim.client.get(f"{base}&contractType=NEXT_QUARTER")
    assert resp.status == 400
