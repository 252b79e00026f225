"""Regression tests for gaps found in the acceptance review (each test names the client-visible symptom)."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp
import pytest

from simulator import persistence
from simulator.config import DEV_API_KEY, DEV_API_SECRET, WsConfig
from simulator.futures.tests.fakes import Harness
from simulator.tests.conftest import Sim, small_config, start_sim
from simulator.tests.test_streams import recv_json, tick_until

if TYPE_CHECKING:
    from pathlib import Path


async def test_futures_continuous_kline_stream(sim: Sim) -> None:
    # python-binance's kline_futures_socket subscribes to `<pair>_perpetual@continuousKline_<i>`; it used to
    # stay silent forever.
    async with sim.client.ws_connect("/fstream/market/ws/btcusdt_perpetual@continuousKline_1m") as ws:
        event = (await tick_until(sim, ws, max_ticks=40))[0]
    assert event["e"] == "continuous_kline" and event["ps"] == "BTCUSDT" and event["ct"] == "PERPETUAL"
    kline = event["k"]
    assert set(kline) == {"t", "T", "i", "f", "L", "o", "c", "h", "l", "v", "n", "x", "q", "V", "Q", "B"}
    assert kline["i"] == "1m" and isinstance(kline["t"], int) and isinstance(kline["o"], str)


async def signed(sim: Sim, method: str, path: str, *, sign: bool = True, **params: str) -> Any:
    """The dev account's request; `sign=False` for key-only (USER_STREAM) endpoints."""
    query = urlencode(params)
    if sign:
        query = urlencode({**params, "timestamp": str(sim.exchange.clock.now_ms())})
        query += "&signature=" + hmac.new(DEV_API_SECRET.encode(), query.encode(), hashlib.sha256).hexdigest()
    headers = {"X-MBX-APIKEY": DEV_API_KEY}
    async with sim.client.request(method, f"{path}?{query}", headers=headers) as resp:
        return resp.status, await resp.json()


async def test_futures_listen_key_survives_a_restart(tmp_path: Path) -> None:
    # A client reconnecting to /private/ws?listenKey=K after the simulator restarted with --state used to be
    # refused (the key was gone), which makes python-binance's reconnecting socket give up.
    first = await start_sim(small_config())
    try:
        _, body = await signed(first, "POST", "/fapi/v1/listenKey", sign=False)
        key = body["listenKey"]
        persistence.save(first.exchange, tmp_path / "state.json")
    finally:
        await first.client.close()
    second = await start_sim(small_config())
    try:
        assert persistence.load(second.exchange, tmp_path / "state.json")
        status, body = await signed(second, "PUT", "/fapi/v1/listenKey", sign=False)
        assert (status, body) == (200, {"listenKey": key})
        async with second.client.ws_connect(f"/fstream/private/ws?listenKey={key}") as ws:
            status, _ = await signed(
                second,
                "POST",
                "/fapi/v1/order",
                symbol="BTCUSDT",
                side="BUY",
                type="MARKET",
                quantity="0.010",
            )
            assert status == 200
            event = await recv_json(ws)
        assert event["e"] in ("TRADE_LITE", "ORDER_TRADE_UPDATE")
    finally:
        await second.client.close()


async def test_control_api_lists_untriggered_conditional_orders(sim: Sim) -> None:
    # GET /_sim/accounts/{id} is "the exchange's truth"; a resting STOP_MARKET (an algo order) was missing.
    price = sim.exchange.market.feed("futures", "BTCUSDT").last_price
    status, _ = await signed(
        sim, "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.010"
    )
    assert status == 200
    status, algo = await signed(
        sim,
        "POST",
        "/fapi/v1/algoOrder",
        algoType="CONDITIONAL",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_MARKET",
        triggerPrice=str((price * Decimal("0.8")).quantize(Decimal("0.1"))),
        quantity="0.010",
        reduceOnly="true",
        clientAlgoId="review-stop",
    )
    assert status == 200, algo
    async with sim.client.get("/_sim/accounts/dev") as resp:
        view = await resp.json()
    stops = [o for o in view["open_orders"] if o.get("algoId") == algo["algoId"]]
    assert stops and stops[0]["status"] == "NEW" and stops[0]["market"] == "futures"
    async with sim.client.get("/_sim/orders", params={"client_order_id": "review-stop"}) as resp:
        found = await resp.json()
    assert [(o["account_id"], o["symbol"], o["status"]) for o in found] == [("dev", "BTCUSDT", "NEW")]


async def test_index_and_premium_index_klines(sim: Sim) -> None:
    # ccxt fetch_index_ohlcv / fetch_premium_index_ohlcv called these and got 404.
    async with sim.client.get(
        "/fapi/v1/indexPriceKlines", params={"pair": "BTCUSDT", "interval": "1m"}
    ) as resp:
        rows = await resp.json()
    assert resp.status == 200 and rows and len(rows[0]) == 12
    assert isinstance(rows[0][0], int) and isinstance(rows[0][1], str) and rows[0][5] == "0"
    params = {"symbol": "BTCUSDT", "interval": "1m", "limit": "3"}
    async with sim.client.get("/fapi/v1/premiumIndexKlines", params=params) as resp:
        rows = await resp.json()
    assert resp.status == 200 and len(rows) == 3 and rows[0][4] == "0.00000000"
    async with sim.client.get("/fapi/v1/indexPriceKlines", params={"pair": "NOPE", "interval": "1m"}) as resp:
        assert (resp.status, await resp.json()) == (400, {"code": -1121, "msg": "Invalid symbol."})


async def test_futures_takers_within_one_tick_walk_the_synthetic_book(sim: Sim) -> None:
    # Two market buys between ticks both used to fill at the best ask: synthetic liquidity was never used up.
    feed = sim.exchange.market.feed("futures", "BTCUSDT")
    (best, best_qty), (second, _) = feed.synthetic_levels("SELL", 2)
    buy = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "newOrderRespType": "RESULT"}
    status, first = await signed(sim, "POST", "/fapi/v1/order", quantity=str(best_qty), **buy)
    assert status == 200 and Decimal(first["avgPrice"]) == best
    status, again = await signed(sim, "POST", "/fapi/v1/order", quantity=str(best_qty), **buy)
    assert status == 200 and Decimal(again["avgPrice"]) >= second
    sim.ticks(1)  # core rebuilt the book: the touch is available again
    (fresh, fresh_qty), *_ = feed.synthetic_levels("SELL", 1)
    assert fresh_qty >= Decimal("0.003")
    status, later = await signed(sim, "POST", "/fapi/v1/order", quantity="0.003", **buy)
    assert status == 200 and Decimal(later["avgPrice"]) == fresh


def test_force_order_stream_is_throttled_to_one_per_symbol_per_second() -> None:
    # Binance pushes the largest liquidation per symbol per 1000 ms; a cascade used to flood the stream.
    h = Harness()
    engine = h.engine

    def force(qty: str, at: int) -> dict[str, Any]:
        return {"e": "forceOrder", "E": at, "o": {"s": "BTCUSDT", "q": qty}}

    engine.push_force_order("BTCUSDT", force("1", 1000), 1000)
    engine.push_force_order("BTCUSDT", force("3", 1200), 1200)
    engine.push_force_order("BTCUSDT", force("2", 1500), 1500)
    engine.push_force_order("ETHUSDT", force("9", 1500), 1500)
    engine.release_force_orders(1900)
    sent = [(stream, p["o"]["q"]) for stream, p in h.market.published if "forceOrder" in stream]
    assert sent == [
        ("btcusdt@forceOrder", "1"),
        ("!forceOrder@arr", "1"),
        ("ethusdt@forceOrder", "9"),
        ("!forceOrder@arr", "9"),
    ]
    engine.release_force_orders(2000)
    sent = [(stream, p["o"]["q"], p["E"]) for stream, p in h.market.published if "forceOrder" in stream]
    assert sent[-2:] == [("btcusdt@forceOrder", "3", 2000), ("!forceOrder@arr", "3", 2000)]


async def test_spot_unfilled_order_count_is_decremented_by_fills(sim: Sim) -> None:
    # ORDERS limits count *unfilled* orders; a filled market order used to stay counted all day.
    status, _ = await signed(
        sim, "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001"
    )
    assert status == 200
    far = str(
        (sim.exchange.market.feed("spot", "BTCUSDT").last_price * Decimal("0.8")).quantize(Decimal("0.01"))
    )
    limit = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001"}
    query = urlencode({**limit, "price": far, "timestamp": str(sim.exchange.clock.now_ms())})
    query += "&signature=" + hmac.new(DEV_API_SECRET.encode(), query.encode(), hashlib.sha256).hexdigest()
    async with sim.client.post(f"/api/v3/order?{query}", headers={"X-MBX-APIKEY": DEV_API_KEY}) as resp:
        assert resp.status == 200
        assert (resp.headers["X-MBX-ORDER-COUNT-10S"], resp.headers["X-MBX-ORDER-COUNT-1D"]) == ("1", "1")
    _, counts = await signed(sim, "GET", "/api/v3/rateLimit/order")
    assert [c["count"] for c in counts] == [1, 1]


async def test_ws_api_connection_limit_and_no_market_stream_message_cap() -> None:
    # Spot WS API: 300 connections / 5 min / IP (here 2) were never enforced; requests are limited by weight,
    # not by the market streams' 5 messages/s, now that it runs on core's serve_ws.
    sim = await start_sim(small_config(ws=WsConfig(ws_api_connections_per_5min=2)))
    try:
        async with sim.client.ws_connect("/ws-api/v3") as ws:
            for i in range(12):
                await ws.send_json({"id": i, "method": "ping"})
            answers = [await recv_json(ws) for _ in range(12)]
            assert [a["status"] for a in answers] == [200] * 12
        async with sim.client.ws_connect("/ws-api/v3"):
            pass
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await sim.client.ws_connect("/ws-api/v3")
        assert err.value.status == 429
        async with sim.client.get("/api/v3/ping") as resp:
            assert resp.status == 200  # only handshakes are refused
    finally:
        await sim.client.close()


async def test_spot_stp_transfer_is_accepted_and_acts_as_decrement(sim: Sim) -> None:
    # exchangeInfo lists TRANSFER in allowedSelfTradePreventionModes, yet orders using it got -1130.
    ask = sim.exchange.market.feed("spot", "BTCUSDT").best_ask
    common = {"symbol": "BTCUSDT", "type": "LIMIT", "timeInForce": "GTC", "price": str(ask)}
    status, maker = await signed(sim, "POST", "/api/v3/order", side="SELL", quantity="0.00200", **common)
    assert status == 200 and maker["status"] == "NEW"
    status, taker = await signed(
        sim,
        "POST",
        "/api/v3/order",
        side="BUY",
        quantity="0.00100",
        selfTradePreventionMode="TRANSFER",
        **common,
    )
    assert status == 200, taker
    assert (taker["status"], taker["selfTradePreventionMode"]) == ("EXPIRED_IN_MATCH", "TRANSFER")
    assert taker["executedQty"] == "0.00000000" and taker["fills"] == []
    _, rest = await signed(sim, "GET", "/api/v3/order", symbol="BTCUSDT", orderId=str(maker["orderId"]))
    assert (rest["status"], rest["origQty"], rest["executedQty"]) == ("NEW", "0.00200000", "0.00000000")


async def test_spot_time_unit_microsecond_header(sim: Sim) -> None:
    # python-binance Client(time_unit="MICROSECOND") sends X-MBX-TIME-UNIT; answers used to stay in ms.
    micro = {"X-MBX-TIME-UNIT": "MICROSECOND"}
    async with sim.client.get("/api/v3/time", headers=micro) as resp:
        server_us = (await resp.json())["serverTime"]
    assert abs(server_us - sim.exchange.clock.now_ms() * 1000) < 5_000_000
    params = {"symbol": "BTCUSDT", "interval": "1m", "limit": "2"}
    async with sim.client.get("/api/v3/klines", params=params, headers=micro) as resp:
        assert "X-MBX-USED-WEIGHT-1M" in resp.headers
        klines = await resp.json()
    async with sim.client.get("/api/v3/klines", params=params) as resp:
        plain = await resp.json()
    assert [k[0] for k in klines] == [k[0] * 1000 for k in plain] and klines[0][6] == plain[0][6] * 1000
    assert klines[0][1:6] == plain[0][1:6] and klines[0][8] == plain[0][8]
    async with sim.client.get(
        "/api/v3/aggTrades", params={"symbol": "BTCUSDT", "limit": "1"}, headers=micro
    ) as resp:
        agg = (await resp.json())[0]
    assert agg["T"] > 10**15 and agg["a"] < 10**15


async def test_read_only_key_alone_reads_both_markets_but_cannot_trade(sim: Sim) -> None:
    # {"permissions": ["READ_ONLY"]} used to make a key that could not even read its own account.
    async with sim.client.post(
        "/_sim/accounts", json={"balances": {"USDT": "50"}, "permissions": ["READ_ONLY"]}
    ) as r:
        created = await r.json()
    key, secret = created["api_key"], created["api_secret"]

    async def call(method: str, path: str, **params: str) -> tuple[int, Any]:
        query = urlencode({**params, "timestamp": str(sim.exchange.clock.now_ms())})
        query += "&signature=" + hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
        async with sim.client.request(method, f"{path}?{query}", headers={"X-MBX-APIKEY": key}) as resp:
            return resp.status, await resp.json()

    assert (await call("GET", "/api/v3/account"))[0] == 200
    assert (await call("GET", "/fapi/v2/balance"))[0] == 200
    status, body = await call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001"
    )
    assert (status, body["code"]) == (401, -2015)


async def test_429_storm_quotes_the_real_weight_limit(sim: Sim) -> None:
    # The injected 429 said "current limit is 0 request weight", which no genuine Binance answer does.
    await sim.client.post("/_sim/faults", json={"storm_429": True})
    async with sim.client.get("/api/v3/ping") as resp:
        spot = await resp.json()
    async with sim.client.get("/fapi/v1/ping") as resp:
        futures = await resp.json()
    await sim.client.delete("/_sim/faults")
    limits = sim.exchange.config.rate_limits
    assert f"current limit is {limits.spot_weight_per_min} request weight per 1 MINUTE" in spot["msg"]
    assert f"current limit is {limits.futures_weight_per_min} request weight" in futures["msg"]


async def test_control_api_deposit_reaches_user_streams(sim: Sim) -> None:
    # balanceUpdate (spot) and ACCOUNT_UPDATE m=DEPOSIT (futures) could never be observed: balances could only
    # be set when creating an account, before anyone subscribed.
    params = {"apiKey": DEV_API_KEY, "timestamp": sim.exchange.clock.now_ms()}
    payload = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    params["signature"] = hmac.new(DEV_API_SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
    _, body = await signed(sim, "POST", "/fapi/v1/listenKey", sign=False)
    async with (
        sim.client.ws_connect("/ws-api/v3") as api,
        sim.client.ws_connect(f"/fstream/private/ws?listenKey={body['listenKey']}") as fut,
    ):
        await api.send_json({"id": 1, "method": "userDataStream.subscribe.signature", "params": params})
        assert (await recv_json(api))["status"] == 200
        deposit = {"balances": {"USDT": "12345"}, "futures_balances": {"USDT": "20000"}}
        async with sim.client.post("/_sim/accounts/dev/balances", json=deposit) as resp:
            view = await resp.json()
        assert resp.status == 200 and view["futures_balances"]["USDT"]["walletBalance"] == "20000.00000000"
        spot_events = [(await recv_json(api))["event"] for _ in range(2)]
        futures_event = await recv_json(fut)
    update = next(e for e in spot_events if e["e"] == "balanceUpdate")
    assert update["a"] == "USDT" and Decimal(update["d"]) == Decimal(12345) - Decimal(10000)
    assert {e["e"] for e in spot_events} == {"balanceUpdate", "outboundAccountPosition"}
    assert futures_event["e"] == "ACCOUNT_UPDATE" and futures_event["a"]["m"] == "DEPOSIT"
    assert futures_event["a"]["B"][0]["a"] == "USDT" and Decimal(futures_event["a"]["B"][0]["bc"]) == 10000
    async with sim.client.post("/_sim/accounts/nobody/balances", json=deposit) as resp:
        assert resp.status == 404


async def test_spot_utc8_kline_and_all_market_window_ticker_streams(sim: Sim) -> None:
    # `<symbol>@kline_<i>@+08:00` and `!ticker_<w>@arr` are Binance spot streams; both used to stay silent.
    streams = "btcusdt@kline_1h@+08:00/btcusdt@kline_1d@+08:00/btcusdt@kline_1d/!ticker_1h@arr"
    async with sim.client.ws_connect(f"/stream?streams={streams}") as ws:
        got = await tick_until(sim, ws, want=8, max_ticks=60)
    by_stream = {m["stream"]: m["data"] for m in got}
    assert set(by_stream) == set(streams.split("/"))
    hour, day, utc_day = (by_stream[s]["k"] for s in streams.split("/")[:3])
    assert hour["i"] == "1h" and hour["t"] % 3_600_000 == 0
    # The UTC+8 day starts at 16:00 UTC; the UTC day at 00:00.
    assert day["t"] % 86_400_000 == 16 * 3_600_000 and utc_day["t"] % 86_400_000 == 0
    assert day["T"] - day["t"] == 86_400_000 - 1 and day["c"] == utc_day["c"]
    rows = by_stream["!ticker_1h@arr"]
    assert {r["s"] for r in rows} >= {"BTCUSDT", "ETHUSDT"} and all(r["e"] == "1hTicker" for r in rows)


async def test_clock_rejects_unknown_action(sim: Sim) -> None:
    before = sim.exchange.clock.state()
    async with sim.client.post("/_sim/clock", json={"action": "stepp", "ms": 3_600_000}) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == -1130
    assert sim.exchange.clock.state()["paused"] == before["paused"]


async def test_rejected_spot_orders_do_not_count_as_unfilled_orders(sim: Sim) -> None:
    # SPOT-DOCS: only successful placements add to the unfilled-order count; a filter failure used to count.
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "price": "30000"}
    status, body = await signed(sim, "POST", "/api/v3/order", quantity="0.00001", **order)
    assert (status, body["code"]) == (400, -1013)
    _, counts = await signed(sim, "GET", "/api/v3/rateLimit/order")
    assert [c["count"] for c in counts] == [0, 0]
