"""REST /api/v3 trading and account endpoints: recorded-payload shapes, bad input, lists, cancel-replace."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from simulator.spot.tests.conftest import Sim, Trader, load_payload

DECIMAL_8 = r"^\d+\.\d{8}$"


def keys(payload: Any) -> set[str]:
    return set(payload if isinstance(payload, dict) else payload[0])


def assert_types_like(ours: dict[str, Any], recorded: dict[str, Any]) -> None:
    """Same JSON types per field; ccxt's captures stringify ints, so a digit string there means int here."""
    for key, value in recorded.items():
        mine = ours[key]
        if isinstance(value, str) and "." in value:
            assert isinstance(mine, str) and len(mine.split(".")[1]) == 8, key
        elif isinstance(value, str) and value.lstrip("-").isdigit():
            assert isinstance(mine, int) and not isinstance(mine, bool), key
        else:
            assert type(mine) is type(value) or (value is None), key


async def place(sim: Sim, trader: Trader, **params: Any) -> dict[str, Any]:
    status, body = await sim.call("POST", "/api/v3/order", trader, symbol="BTCUSDT", **params)
    assert status == 200, body
    return body


def below(sim: Sim, amount: int = 500) -> str:
    return str(sim.exchange.market.feed("spot", "BTCUSDT").best_bid - amount)


async def test_order_responses_match_recorded_shapes(sim: Sim) -> None:
    trader = sim.trader()
    resting = await place(
        sim, trader, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01", price=below(sim)
    )
    recorded = load_payload("spot_order_full_limit_marketable_testnet.json")
    assert list(resting) == list(recorded)
    assert_types_like(resting, recorded)
    filled = await place(sim, trader, side="BUY", type="MARKET", quantity="0.01")
    assert keys(filled) == keys(recorded) and keys(filled["fills"][0]) == keys(recorded["fills"][0])
    assert filled["timeInForce"] == "GTC" and filled["price"] == "0.00000000"
    # Older captures lack the fields Binance added since (origQuoteOrderQty, workingTime, STP).
    assert keys(filled) >= keys(load_payload("spot_order_full.json"))
    assert keys(resting) >= keys(load_payload("spot_order_limit_new.json"))
    iceberg = await place(
        sim,
        trader,
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.05",
        price=below(sim),
        icebergQty="0.03",
        selfTradePreventionMode="EXPIRE_MAKER",
        newOrderRespType="FULL",
    )
    assert list(iceberg) == list(load_payload("spot_order_limit_iceberg_stp.json"))
    ack = await place(
        sim,
        trader,
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=below(sim),
        newOrderRespType="ACK",
    )
    assert list(ack) == ["symbol", "orderId", "orderListId", "clientOrderId", "transactTime"]
    stop = await place(sim, trader, side="SELL", type="STOP_LOSS", quantity="0.01", stopPrice=below(sim))
    assert "status" not in stop  # non-MARKET/LIMIT types default to ACK

    _, queried = await sim.call("GET", "/api/v3/order", trader, symbol="BTCUSDT", orderId=filled["orderId"])
    query_rec = load_payload("spot_order_query.json")
    assert list(queried) == list(query_rec)
    assert_types_like(queried, query_rec)
    _, open_orders = await sim.call("GET", "/api/v3/openOrders", trader, symbol="BTCUSDT")
    assert list(open_orders[0]) == list(load_payload("spot_openOrders.json")[0])
    assert [o["isWorking"] for o in open_orders] == [True, True, True, False]


async def test_account_and_trades_match_recorded_shapes(sim: Sim) -> None:
    trader = sim.trader()
    filled = await place(sim, trader, side="SELL", type="MARKET", quantity="0.01")
    _, account = await sim.call("GET", "/api/v3/account", trader)
    recorded = load_payload("spot_account.json")
    assert list(account) == list(recorded)
    assert_types_like(account, recorded)
    assert keys(account["balances"]) == keys(recorded["balances"])
    _, trades = await sim.call("GET", "/api/v3/myTrades", trader, symbol="BTCUSDT")
    rec_trade = load_payload("spot_myTrades.json")[0]
    assert list(trades[0]) == list(rec_trade)
    assert_types_like(trades[0], rec_trade)
    assert trades[0]["orderId"] == filled["orderId"] and trades[0]["commissionAsset"] == "USDT"
    _, omitted = await sim.call("GET", "/api/v3/account", trader, omitZeroBalances="true")
    assert all(Decimal(b["free"]) + Decimal(b["locked"]) > 0 for b in omitted["balances"])
    _, commission = await sim.call("GET", "/api/v3/account/commission", trader, symbol="BTCUSDT")
    assert commission["standardCommission"] == {
        "maker": "0.00100000",
        "taker": "0.00100000",
        "buyer": "0.00000000",
        "seller": "0.00000000",
    }
    _, limits = await sim.call("GET", "/api/v3/rateLimit/order", trader)
    # The only order filled at once, so it no longer counts as unfilled.
    assert {r["interval"] for r in limits} == {"SECOND", "DAY"} and limits[0]["count"] == 0


async def test_user_trades_reach_public_trades(sim: Sim) -> None:
    trader = sim.trader()
    filled = await place(sim, trader, side="BUY", type="MARKET", quantity="0.01")
    _, public = await sim.call("GET", "/api/v3/trades", None, symbol="BTCUSDT", limit=5)
    assert any(t["price"] == filled["fills"][-1]["price"] and t["isBuyerMaker"] is False for t in public)


async def test_order_test_validates_without_placing(sim: Sim) -> None:
    trader = sim.trader()
    status, body = await sim.call(
        "POST",
        "/api/v3/order/test",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=below(sim),
    )
    assert (status, body) == (200, {})
    status, body = await sim.call(
        "POST",
        "/api/v3/order/test",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="MARKET",
        quantity="0.01",
        computeCommissionRates="true",
    )
    assert body["standardCommissionForOrder"] == {"maker": "0.00100000", "taker": "0.00100000"}
    assert set(body) == {
        "standardCommissionForOrder",
        "specialCommissionForOrder",
        "taxCommissionForOrder",
        "discount",
    }
    assert sim.engine.orders == {}


BAD = [
    (
        {"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1", "price": "1", "symbol": None},
        400,
        -1102,
    ),
    ({"symbol": "NOPE", "side": "BUY", "type": "MARKET", "quantity": "1"}, 400, -1121),
    ({"side": "UP", "type": "MARKET", "quantity": "1"}, 400, -1117),
    ({"side": "BUY", "type": "LIMITED", "quantity": "1"}, 400, -1116),
    ({"side": "BUY", "type": "MARKET", "quantity": "abc"}, 400, -1100),
    ({"side": "BUY", "type": "MARKET", "quantity": "1e-5"}, 400, -1100),
    ({"side": "BUY", "type": "MARKET", "quantity": "0.000000001"}, 400, -1111),
    ({"side": "BUY", "type": "MARKET"}, 400, -1102),
    ({"side": "BUY", "type": "MARKET", "quantity": "1", "price": "5"}, 400, -1106),
    ({"side": "BUY", "type": "MARKET", "quantity": "1", "timeInForce": "GTC"}, 400, -1114),
    ({"side": "BUY", "type": "LIMIT", "quantity": "1", "timeInForce": "GTC"}, 400, -1102),
    ({"side": "BUY", "type": "LIMIT", "quantity": "1", "price": "5", "timeInForce": "GTX"}, 400, -1115),
    ({"side": "BUY", "type": "STOP_LOSS", "quantity": "1"}, 400, -1102),
    ({"side": "BUY", "type": "MARKET", "quantity": "1", "foo": "bar"}, 400, -1104),
    ({"side": "BUY", "type": "MARKET", "quantity": "1", "newClientOrderId": "bad.id"}, 400, -1100),
    ({"side": "BUY", "type": "MARKET", "quantity": "1", "newOrderRespType": "ALL"}, 400, -1130),
    (
        {"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01", "price": "1.001"},
        400,
        -1013,
    ),
    ({"side": "SELL", "type": "MARKET", "quantity": "100"}, 400, -2010),
]


@pytest.mark.parametrize(("params", "status", "code"), BAD)
async def test_bad_new_orders_get_binance_errors(
    sim: Sim, params: dict[str, Any], status: int, code: int
) -> None:
    trader = sim.trader()
    params = {"symbol": "BTCUSDT", **params}
    got_status, body = await sim.call("POST", "/api/v3/order", trader, **params)
    assert (got_status, body["code"]) == (status, code), body
    assert set(body) == {"code", "msg"}
    balances = sim.engine.ledger.assets(trader.account_id)
    assert all(b.locked == 0 for b in balances.values())


async def test_unknown_orders_and_bad_auth(sim: Sim) -> None:
    trader = sim.trader()
    status, body = await sim.call("GET", "/api/v3/order", trader, symbol="BTCUSDT", orderId=12345)
    assert (status, body["code"], body["msg"]) == (400, -2013, "Order does not exist.")
    status, body = await sim.call("DELETE", "/api/v3/order", trader, symbol="BTCUSDT", origClientOrderId="x")
    assert (status, body["code"], body["msg"]) == (400, -2011, "Unknown order sent.")
    status, body = await sim.call("GET", "/api/v3/order", trader, symbol="BTCUSDT")
    assert body["code"] == -1102
    status, body = await sim.call("GET", "/api/v3/account", None)
    assert (status, body["code"]) == (401, -2014)
    forged = Trader(trader.account_id, trader.api_key, "0" * 64)
    status, body = await sim.call("GET", "/api/v3/account", forged)
    assert (status, body["code"]) == (400, -1022)
    status, body = await sim.call("DELETE", "/api/v3/openOrders", trader, symbol="BTCUSDT")
    assert body["code"] == -2011


async def test_listen_key_endpoints_are_retired(sim: Sim) -> None:
    trader = sim.trader()
    resp = await sim.client.post("/api/v3/userDataStream", headers={"X-MBX-APIKEY": trader.api_key})
    assert resp.status == 410 and set(await resp.json()) == {"code", "msg"}


async def test_all_orders_and_cancel_all(sim: Sim) -> None:
    trader = sim.trader()
    ids = [
        (
            await place(
                sim,
                trader,
                side="BUY",
                type="LIMIT",
                timeInForce="GTC",
                quantity="0.01",
                price=below(sim, 500 + i),
            )
        )["orderId"]
        for i in range(3)
    ]
    status, canceled = await sim.call("DELETE", "/api/v3/openOrders", trader, symbol="BTCUSDT")
    assert status == 200 and sorted(c["orderId"] for c in canceled) == ids
    assert all(c["status"] == "CANCELED" for c in canceled)
    _, every = await sim.call("GET", "/api/v3/allOrders", trader, symbol="BTCUSDT", orderId=ids[1])
    assert [o["orderId"] for o in every] == ids[1:]
    _, last_one = await sim.call("GET", "/api/v3/allOrders", trader, symbol="BTCUSDT", limit=1)
    assert [o["orderId"] for o in last_one] == ids[-1:]


async def test_cancel_replace_success_and_partial_failure(sim: Sim) -> None:
    trader = sim.trader()
    first = await place(
        sim, trader, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01", price=below(sim)
    )
    status, body = await sim.call(
        "POST",
        "/api/v3/order/cancelReplace",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.02",
        price=below(sim, 600),
        cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=first["orderId"],
    )
    assert status == 200 and (body["cancelResult"], body["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    assert (
        body["cancelResponse"]["orderId"] == first["orderId"]
        and body["newOrderResponse"]["origQty"] == "0.02000000"
    )
    status, body = await sim.call(
        "POST",
        "/api/v3/order/cancelReplace",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.02",
        price=below(sim, 600),
        cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=first["orderId"],
    )
    assert (status, body["code"]) == (400, -2022)
    assert body["data"]["cancelResult"] == "FAILURE" and body["data"]["newOrderResult"] == "NOT_ATTEMPTED"
    second = body = (await sim.call("GET", "/api/v3/openOrders", trader, symbol="BTCUSDT"))[1][0]
    status, body = await sim.call(
        "POST",
        "/api/v3/order/cancelReplace",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.02",
        price="1.001",
        cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=second["orderId"],
    )
    assert (status, body["code"], body["data"]["newOrderResult"]) == (409, -2021, "FAILURE")
    assert body["data"]["newOrderResponse"] == {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}


async def test_amend_keep_priority_endpoint(sim: Sim) -> None:
    trader = sim.trader()
    first = await place(
        sim, trader, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.05", price=below(sim)
    )
    status, body = await sim.call(
        "PUT",
        "/api/v3/order/amend/keepPriority",
        trader,
        symbol="BTCUSDT",
        orderId=first["orderId"],
        newQty="0.02",
    )
    assert status == 200 and body["amendedOrder"]["qty"] == "0.02000000"
    assert set(body) == {"transactTime", "executionId", "amendedOrder"}


async def test_my_prevented_matches(sim: Sim) -> None:
    trader = sim.trader()
    # At the synthetic best bid the user's order is first in line (users go before synthetic quantity).
    price = str(sim.exchange.market.feed("spot", "BTCUSDT").best_bid)
    maker = await place(
        sim, trader, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01", price=price
    )
    taker = await place(
        sim,
        trader,
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=price,
        selfTradePreventionMode="EXPIRE_TAKER",
    )
    assert taker["status"] == "EXPIRED_IN_MATCH"
    status, rows = await sim.call(
        "GET", "/api/v3/myPreventedMatches", trader, symbol="BTCUSDT", orderId=maker["orderId"]
    )
    assert status == 200 and len(rows) == 1
    assert (rows[0]["takerOrderId"], rows[0]["makerOrderId"]) == (taker["orderId"], maker["orderId"])
    assert rows[0]["selfTradePreventionMode"] == "EXPIRE_TAKER"
