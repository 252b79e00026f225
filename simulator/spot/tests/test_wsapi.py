"""The WebSocket API /ws-api/v3: envelopes, session logon (Ed25519), user-data subscriptions and events."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization

from simulator.spot.tests.conftest import Sim, Trader, load_payload

if TYPE_CHECKING:
    from aiohttp import ClientWebSocketResponse


def sign(trader: Trader, params: dict[str, Any]) -> dict[str, Any]:
    params = {**params, "apiKey": trader.api_key, "timestamp": int(time.time() * 1000)}
    payload = "&".join(f"{k}={params[k]}" for k in sorted(params))
    if trader.private_key is not None:
        key = serialization.load_pem_private_key(trader.private_key.encode(), password=None)
        signature = base64.b64encode(key.sign(payload.encode())).decode()  # type: ignore[call-arg,union-attr]
    else:
        assert trader.secret is not None
        signature = hmac.new(trader.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return {**params, "signature": signature}


class Conn:
    def __init__(self, ws: ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.next_id += 1
        await self.ws.send_json({"id": str(self.next_id), "method": method, "params": params or {}})
        while True:
            msg = await self.ws.receive_json(timeout=5)
            if "subscriptionId" in msg and "event" in msg:
                self.events.append(msg)
                continue
            assert msg["id"] == str(self.next_id)
            return msg

    async def event(self) -> dict[str, Any]:
        if self.events:
            return self.events.pop(0)
        return await self.ws.receive_json(timeout=5)


async def connect(sim: Sim) -> Conn:
    return Conn(await sim.client.ws_connect("/ws-api/v3"))


def order_params(sim: Sim, **extra: Any) -> dict[str, Any]:
    price = sim.exchange.market.feed("spot", "BTCUSDT").best_bid - 500
    return {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": "0.01",
        "price": str(price),
        **extra,
    }


async def test_envelopes_and_errors(sim: Sim) -> None:
    conn = await connect(sim)
    ok = await conn.call("ping")
    assert (ok["status"], ok["result"]) == (200, {})
    assert ok["rateLimits"][0]["rateLimitType"] == "REQUEST_WEIGHT" and ok["rateLimits"][0]["count"] >= 1
    server_time = await conn.call("time")
    assert isinstance(server_time["result"]["serverTime"], int)
    info = await conn.call("exchangeInfo", {"symbol": "BTCUSDT"})
    assert info["result"]["symbols"][0]["symbol"] == "BTCUSDT"
    unknown = await conn.call("order.teleport")
    assert unknown["status"] == 400 and set(unknown["error"]) == {"code", "msg"}
    trader = sim.trader()
    unsigned = await conn.call(
        "order.place", {**order_params(sim), "apiKey": trader.api_key, "timestamp": int(time.time() * 1000)}
    )
    assert (unsigned["status"], unsigned["error"]["code"]) == (400, -1102)
    await conn.ws.send_str("{not json")
    bad = await conn.ws.receive_json(timeout=5)
    assert bad["id"] is None and bad["status"] == 400
    await conn.ws.close()


async def test_signed_order_methods(sim: Sim) -> None:
    trader = sim.trader()
    conn = await connect(sim)
    placed = await conn.call("order.place", sign(trader, order_params(sim, newClientOrderId="ws1")))
    assert placed["status"] == 200 and placed["result"]["clientOrderId"] == "ws1"
    assert [(r["rateLimitType"], r["interval"]) for r in placed["rateLimits"]] == [
        ("REQUEST_WEIGHT", "MINUTE"),
        ("ORDERS", "SECOND"),
        ("ORDERS", "DAY"),
    ]
    assert placed["rateLimits"][1]["count"] == 1
    status = await conn.call("order.status", sign(trader, {"symbol": "BTCUSDT", "origClientOrderId": "ws1"}))
    assert status["result"]["status"] == "NEW"
    dup = await conn.call("order.place", sign(trader, order_params(sim, newClientOrderId="ws1")))
    assert dup["error"] == {"code": -2010, "msg": "Duplicate order sent."}
    opened = await conn.call("openOrders.status", sign(trader, {"symbol": "BTCUSDT"}))
    assert len(opened["result"]) == 1
    canceled = await conn.call("openOrders.cancelAll", sign(trader, {"symbol": "BTCUSDT"}))
    assert canceled["result"][0]["status"] == "CANCELED"
    test = await conn.call("order.test", sign(trader, order_params(sim, computeCommissionRates="true")))
    assert test["status"] == 200, test
    assert "standardCommissionForOrder" in test["result"]
    trades = await conn.call("myTrades", sign(trader, {"symbol": "BTCUSDT"}))
    assert trades["result"] == []
    every = await conn.call("allOrders", sign(trader, {"symbol": "BTCUSDT"}))
    assert [o["clientOrderId"] for o in every["result"]] == ["ws1"]
    account = await conn.call("account.status", sign(trader, {"omitZeroBalances": "true"}))
    assert account["result"]["accountType"] == "SPOT"
    no_limits = await conn.call(
        "account.commission", sign(trader, {"symbol": "BTCUSDT"}) | {"returnRateLimits": False}
    )
    assert "rateLimits" not in no_limits or no_limits["status"] != 200
    await conn.ws.close()


async def test_subscribe_signature_streams_events_until_unsubscribed(sim: Sim) -> None:
    trader = sim.trader()
    conn = await connect(sim)
    sub = await conn.call("userDataStream.subscribe.signature", sign(trader, {}))
    assert sub["result"] == {"subscriptionId": 0}
    again = await conn.call("userDataStream.subscribe.signature", sign(trader, {}))
    assert again["error"]["code"] == -2035
    await conn.call("order.place", sign(trader, order_params(sim)))
    new = await conn.event()
    assert new["subscriptionId"] == 0 and new["event"]["e"] == "executionReport"
    recorded = load_payload("ws_executionReport_new.json")
    assert list(new["event"])[: len(recorded)] == list(recorded)
    assert set(new["event"]) - set(recorded) == {"V"}
    position = await conn.event()
    assert list(position["event"]) == list(load_payload("ws_outboundAccountPosition.json"))
    subs = await conn.call("session.subscriptions")
    assert subs["result"] == [{"subscriptionId": 0}]
    missing = await conn.call("userDataStream.unsubscribe", {"subscriptionId": 7})
    assert missing["error"]["code"] == -2036
    done = await conn.call("userDataStream.unsubscribe", {"subscriptionId": 0})
    assert done["result"] == {}
    terminated = await conn.event()
    assert terminated == {
        "subscriptionId": 0,
        "event": {"e": "eventStreamTerminated", "E": terminated["event"]["E"]},
    }
    await conn.ws.close()


async def test_trade_events_carry_the_recorded_fields(sim: Sim) -> None:
    trader = sim.trader()
    conn = await connect(sim)
    await conn.call("userDataStream.subscribe.signature", sign(trader, {}))
    await conn.call(
        "order.place",
        sign(trader, {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}),
    )
    await conn.event()
    trade = (await conn.event())["event"]
    recorded = load_payload("ws_executionReport_trade_filled.json")
    assert (trade["x"], trade["X"]) == ("TRADE", "FILLED")
    assert set(recorded) <= set(trade)
    for key, value in recorded.items():
        assert type(trade[key]) is type(value), key
    await conn.ws.close()


async def test_session_logon_is_for_ed25519_keys_only(sim: Sim) -> None:
    conn = await connect(sim)
    hmac_trader = sim.trader()
    refused = await conn.call("session.logon", sign(hmac_trader, {}))
    assert refused["status"] == 400 and refused["error"]["code"] == -4056
    no_session = await conn.call("userDataStream.subscribe")
    assert no_session["status"] == 401

    ed = sim.trader("ED25519")
    logged = await conn.call("session.logon", sign(ed, {}))
    assert logged["result"]["apiKey"] == ed.api_key and logged["result"]["userDataStream"] is False
    sub = await conn.call("userDataStream.subscribe")
    assert sub["result"] == {"subscriptionId": 0}
    # Logged on: requests carry only a timestamp.
    placed = await conn.call("order.place", {**order_params(sim), "timestamp": int(time.time() * 1000)})
    assert placed["status"] == 200, placed
    event = await conn.event()
    assert event["event"]["i"] == placed["result"]["orderId"]
    status = await conn.call("session.status")
    assert status["result"]["userDataStream"] is True
    out = await conn.call("session.logout")
    assert out["result"]["apiKey"] is None
    while True:
        msg = await conn.event()
        if msg["event"]["e"] == "eventStreamTerminated":
            break
    await conn.ws.close()


async def test_order_lists_amend_and_cancel_replace_over_the_websocket(sim: Sim) -> None:
    trader = sim.trader()
    conn = await connect(sim)
    last = sim.exchange.market.feed("spot", "BTCUSDT").last_price
    oco = await conn.call(
        "orderList.place.oco",
        sign(
            trader,
            {
                "symbol": "BTCUSDT",
                "side": "SELL",
                "quantity": "0.01",
                "aboveType": "LIMIT_MAKER",
                "abovePrice": str(last + 300),
                "belowType": "STOP_LOSS",
                "belowStopPrice": str(last - 300),
            },
        ),
    )
    assert oco["status"] == 200, oco
    list_id = oco["result"]["orderListId"]
    status = await conn.call("orderList.status", sign(trader, {"orderListId": list_id}))
    assert status["result"]["listOrderStatus"] == "EXECUTING"
    open_lists = await conn.call("openOrderLists.status", sign(trader, {}))
    assert [x["orderListId"] for x in open_lists["result"]] == [list_id]
    canceled = await conn.call(
        "orderList.cancel", sign(trader, {"symbol": "BTCUSDT", "orderListId": list_id})
    )
    assert canceled["result"]["listOrderStatus"] == "ALL_DONE"

    placed = await conn.call("order.place", sign(trader, order_params(sim, quantity="0.05")))
    order_id = placed["result"]["orderId"]
    amended = await conn.call(
        "order.amend.keepPriority", sign(trader, {"symbol": "BTCUSDT", "orderId": order_id, "newQty": "0.03"})
    )
    assert amended["result"]["amendedOrder"]["qty"] == "0.03000000"
    partial = await conn.call(
        "order.cancelReplace",
        sign(
            trader,
            order_params(sim, cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=order_id, price="1.001"),
        ),
    )
    assert partial["status"] == 409 and partial["error"]["code"] == -2021
    assert partial["error"]["data"]["cancelResult"] == "SUCCESS"
    await conn.ws.close()


async def test_market_data_methods_match_rest(sim: Sim) -> None:
    conn = await connect(sim)
    for method, params in [
        ("depth", {"symbol": "BTCUSDT", "limit": 5}),
        ("trades.recent", {"symbol": "BTCUSDT", "limit": 3}),
        ("klines", {"symbol": "BTCUSDT", "interval": "1m", "limit": 2}),
        ("ticker.price", {"symbol": "BTCUSDT"}),
        ("ticker.book", {"symbols": ["BTCUSDT", "ETHUSDT"]}),
    ]:
        answer = await conn.call(method, params)
        assert answer["status"] == 200, answer
    depth = await conn.call("depth", {"symbol": "BTCUSDT", "limit": 5})
    _, rest_depth = await sim.call("GET", "/api/v3/depth", None, symbol="BTCUSDT", limit=5)
    assert depth["result"] == rest_depth
    book = await conn.call("ticker.book", {"symbols": ["BTCUSDT", "ETHUSDT"]})
    assert [row["symbol"] for row in book["result"]] == ["BTCUSDT", "ETHUSDT"]
    price = await conn.call("ticker.price", {"symbol": "BTCUSDT"})
    assert set(price["result"]) == {"symbol", "price"}
    await conn.ws.close()


async def test_fault_injected_disconnects_apply_to_the_websocket_api(sim: Sim) -> None:
    sim.exchange.faults.ws_disconnect_every_s = 0.1
    conn = await connect(sim)
    msg = await conn.ws.receive(timeout=5)
    assert msg.type.name in ("CLOSE", "CLOSED", "CLOSING")
    assert conn.ws.close_code == 1001


async def test_cancel_replace_rejection_is_reported_on_the_user_stream(sim: Sim) -> None:
    trader = sim.trader(balances={"USDT": "1000"})
    conn = await connect(sim)
    await conn.call("userDataStream.subscribe.signature", sign(trader, {}))
    placed = await conn.call("order.place", sign(trader, order_params(sim, quantity="0.001")))
    order_id = placed["result"]["orderId"]
    replaced = await conn.call(
        "order.cancelReplace",
        sign(
            trader, order_params(sim, quantity="1", cancelReplaceMode="ALLOW_FAILURE", cancelOrderId=order_id)
        ),
    )
    assert replaced["status"] == 409
    assert replaced["error"]["data"]["newOrderResponse"]["msg"] == (
        "Account has insufficient balance for requested action."
    )
    reports = []
    while len(reports) < 3:
        event = (await conn.event())["event"]
        if event["e"] == "executionReport":
            reports.append(event)
    assert [(r["x"], r["X"]) for r in reports] == [
        ("NEW", "NEW"),
        ("CANCELED", "CANCELED"),
        ("REJECTED", "REJECTED"),
    ]
    assert reports[2]["r"] == "INSUFFICIENT_BALANCES"
    await conn.ws.close()
