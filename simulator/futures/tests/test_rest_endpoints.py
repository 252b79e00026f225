"""Every /fapi endpoint this part owns, over real HTTP: shapes, statuses and error bodies."""

from __future__ import annotations

import json
from decimal import Decimal

import requests

from simulator.futures.tests.server import LiveServer, signed


def test_public_futures_data_endpoints(live: LiveServer) -> None:
    base = live.base
    rows = requests.get(
        f"{base}/fapi/v1/markPriceKlines",
        params={"symbol": "BTCUSDT", "interval": "1m", "limit": "5"},
        timeout=10,
    ).json()
    assert len(rows) == 5 and len(rows[0]) == 12 and isinstance(rows[0][0], int)
    bad = requests.get(
        f"{base}/fapi/v1/markPriceKlines", params={"symbol": "BTCUSDT", "interval": "7m"}, timeout=10
    )
    assert (bad.status_code, bad.json()["code"]) == (400, -1120)
    assert isinstance(requests.get(f"{base}/fapi/v1/premiumIndex", timeout=10).json(), list)
    info = requests.get(f"{base}/fapi/v1/fundingInfo", timeout=10).json()
    assert info[0]["fundingIntervalHours"] == 8
    oi = requests.get(f"{base}/fapi/v1/openInterest", params={"symbol": "ETHUSDT"}, timeout=10).json()
    assert set(oi) == {"openInterest", "symbol", "time"}
    xrp = requests.get(
        f"{base}/fapi/v1/fundingRate", params={"symbol": "XRPUSDT", "limit": "3"}, timeout=10
    ).json()
    assert [set(r) for r in xrp] == [{"symbol", "fundingRate", "fundingTime", "markPrice"}] * 3
    assert all(r["markPrice"] for r in xrp)
    missing = requests.get(f"{base}/fapi/v1/openInterest", params={"symbol": "NOPE"}, timeout=10)
    assert (missing.status_code, missing.json()) == (400, {"code": -1121, "msg": "Invalid symbol."})


def test_settings_endpoints(live: LiveServer) -> None:
    _, key, secret = live.new_account()

    def call(method: str, path: str, **params: str) -> requests.Response:
        return signed(live, method, path, key, secret, **params)

    assert call("GET", "/fapi/v1/positionSide/dual").json() == {"dualSidePosition": False}
    assert call("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true").json()["code"] == 200
    assert call("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true").json()["code"] == -4059
    assert call("GET", "/fapi/v1/multiAssetsMargin").json() == {"multiAssetsMargin": False}
    assert call("POST", "/fapi/v1/multiAssetsMargin", multiAssetsMargin="true").json()["code"] == 200
    brackets = call("GET", "/fapi/v1/leverageBracket", symbol="BTCUSDT").json()
    assert brackets["brackets"][0]["initialLeverage"] == 125
    assert isinstance(call("GET", "/fapi/v1/leverageBracket").json(), list)
    rate = call("GET", "/fapi/v1/commissionRate", symbol="BTCUSDT").json()
    assert (rate["makerCommissionRate"], rate["takerCommissionRate"]) == ("0.0002", "0.0005")
    cd = call("POST", "/fapi/v1/countdownCancelAll", symbol="BTCUSDT", countdownTime="60000").json()
    assert cd == {"symbol": "BTCUSDT", "countdownTime": "60000"}
    assert call("GET", "/fapi/v1/accountConfig").json()["dualSidePosition"] is True
    assert call("GET", "/fapi/v1/symbolConfig", symbol="BTCUSDT").json()[0]["marginType"] == "CROSSED"
    assert call("GET", "/fapi/v1/forceOrders").json() == []
    extra = call("GET", "/fapi/v1/commissionRate", symbol="BTCUSDT", bogus="1")
    assert extra.json()["code"] == -1104


def test_order_endpoints_and_headers(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    price = str((live.last_price("ETHUSDT") * Decimal("0.95")).quantize(Decimal("0.01")))

    def call(method: str, path: str, **params: str) -> requests.Response:
        return signed(live, method, path, key, secret, **params)

    placed = call(
        "POST",
        "/fapi/v1/order",
        symbol="ETHUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.100",
        price=price,
        newClientOrderId="e1",
        newOrderRespType="RESULT",
    )
    assert placed.status_code == 200
    assert "X-MBX-ORDER-COUNT-1M" in placed.headers and "X-MBX-USED-WEIGHT-1M" in placed.headers
    oid = str(placed.json()["orderId"])
    assert call("GET", "/fapi/v1/openOrder", symbol="ETHUSDT", origClientOrderId="e1").json()[
        "orderId"
    ] == int(oid)
    amended = call(
        "PUT", "/fapi/v1/order", symbol="ETHUSDT", orderId=oid, side="BUY", quantity="0.200", price=price
    )
    assert amended.json()["origQty"] == "0.200"
    batch = [
        {
            "symbol": "ETHUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.100",
            "price": price,
        },
        {"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.100", "price": price},
    ]
    res = call("POST", "/fapi/v1/batchOrders", batchOrders=json.dumps(batch)).json()
    assert res[0]["status"] == "NEW" and res[1]["code"] == -1102
    ids = json.dumps([res[0]["orderId"], 1])
    canceled = call("DELETE", "/fapi/v1/batchOrders", symbol="ETHUSDT", orderIdList=ids).json()
    assert canceled[0]["status"] == "CANCELED" and canceled[1]["code"] == -2013
    assert call("DELETE", "/fapi/v1/allOpenOrders", symbol="ETHUSDT").json()["code"] == 200
    history = call("GET", "/fapi/v1/allOrders", symbol="ETHUSDT").json()
    assert [o["status"] for o in history] == ["CANCELED", "CANCELED"]
    assert call("GET", "/fapi/v1/openOrders").json() == []
    missing = call("GET", "/fapi/v1/order", symbol="ETHUSDT", orderId="1")
    assert (missing.status_code, missing.json()["code"]) == (400, -2013)
    assert call("GET", "/fapi/v1/order", symbol="ETHUSDT").json()["code"] == -1102


def test_control_api_sees_futures_state(live: LiveServer) -> None:
    account_id, key, secret = live.new_account()
    signed(
        live,
        "POST",
        "/fapi/v1/order",
        key,
        secret,
        symbol="BTCUSDT",
        side="SELL",
        type="MARKET",
        quantity="0.010",
        newClientOrderId="ctl-1",
    )
    view = requests.get(f"{live.base}/_sim/accounts/{account_id}", timeout=10).json()
    assert view["futures_balances"]["USDT"]["walletBalance"].startswith("99")
    assert view["positions"][0]["positionAmt"] == "-0.01"
    found = requests.get(f"{live.base}/_sim/orders", params={"clientOrderId": "ctl-1"}, timeout=10).json()
    assert any(o.get("market") == "futures" and o["status"] == "FILLED" for o in found)


def test_state_round_trips_through_the_extension(live: LiveServer) -> None:
    account_id, key, secret = live.new_account()
    signed(live, "POST", "/fapi/v1/leverage", key, secret, symbol="BTCUSDT", leverage="9")
    ext = live.rt.exchange.extensions["futures"]
    data = live.call(ext.dump_state)
    json.dumps(data)
    live.call(lambda: ext.load_state(json.loads(json.dumps(data))))
    assert live.engine_call(lambda e: e.account(account_id).lev("BTCUSDT")) == 9


def test_funding_endpoints_have_their_own_ip_budget(live: LiveServer) -> None:
    rt = live.rt
    live.call(lambda: rt.funding_calls.update({"127.0.0.1": (0, 0)}))
    window = live.call(lambda: rt.exchange.clock.now_ms() - rt.exchange.clock.now_ms() % 300_000)
    live.call(lambda: rt.funding_calls.update({"127.0.0.1": (window, 500)}))
    r = requests.get(f"{live.base}/fapi/v1/fundingInfo", timeout=10)
    assert (r.status_code, r.json()["code"]) == (429, -1003)
    assert "Retry-After" in r.headers
    live.call(rt.funding_calls.clear)


def test_old_unfilled_canceled_orders_are_archived(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    price = str((live.last_price("ETHUSDT") * Decimal("0.95")).quantize(Decimal("0.01")))
    placed = signed(
        live,
        "POST",
        "/fapi/v1/order",
        key,
        secret,
        symbol="ETHUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.100",
        price=price,
    ).json()
    signed(live, "DELETE", "/fapi/v1/order", key, secret, symbol="ETHUSDT", orderId=str(placed["orderId"]))
    query = {"symbol": "ETHUSDT", "orderId": str(placed["orderId"])}
    assert signed(live, "GET", "/fapi/v1/order", key, secret, **query).json()["status"] == "CANCELED"
    order = live.rt.engine.ledger.orders[placed["orderId"]]
    live.call(lambda: setattr(order, "update_time", order.update_time - 4 * 86_400_000))
    assert signed(live, "GET", "/fapi/v1/order", key, secret, **query).json()["code"] == -2013


def test_mark_price_klines_serve_recorded_history(live: LiveServer) -> None:
    params = {"symbol": "XRPUSDT", "interval": "1h", "startTime": "1636956000000", "limit": "2"}
    rows = requests.get(f"{live.base}/fapi/v1/markPriceKlines", params=params, timeout=10).json()
    assert rows[0][:5] == [1636956000000, "1.2093", "1.2179", "1.2076", "1.2143"]
    assert rows[0][6] == 1636956000000 + 3_600_000 - 1
