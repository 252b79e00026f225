"""Raw HTTP checks against the live simulator: statuses and {code,msg} bodies."""

from __future__ import annotations

import requests

from simulator.futures.tests.server import LiveServer, signed


def test_exchange_info_and_premium_index(live: LiveServer) -> None:
    info = requests.get(f"{live.base}/fapi/v1/exchangeInfo", timeout=10).json()
    assert info["futuresType"] == "U_MARGINED"
    assert any(s["symbol"] == "BTCUSDT" for s in info["symbols"])
    pi = requests.get(f"{live.base}/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"}, timeout=10).json()
    assert set(pi) >= {"markPrice", "indexPrice", "lastFundingRate", "nextFundingTime", "time"}


def test_next_funding_is_in_server_time_within_eight_hours(live: LiveServer) -> None:
    # Funding is scheduled in replayed time; clients must see it on the server clock, ahead of now.
    pi = requests.get(f"{live.base}/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"}, timeout=10).json()
    server_time = requests.get(f"{live.base}/fapi/v1/time", timeout=10).json()["serverTime"]
    assert 0 < pi["nextFundingTime"] - server_time <= 8 * 3600 * 1000 + 5000


def test_market_order_round_trip(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    r = signed(
        live,
        "POST",
        "/fapi/v1/order",
        key,
        secret,
        symbol="BTCUSDT",
        side="BUY",
        type="MARKET",
        quantity="0.010",
        newOrderRespType="RESULT",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "FILLED"
    pos = signed(live, "GET", "/fapi/v3/positionRisk", key, secret).json()
    assert pos[0]["positionAmt"] == "0.01"


def test_malformed_requests_get_binance_errors(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    cases = [
        ({"symbol": "NOPE", "side": "BUY", "type": "MARKET", "quantity": "1"}, -1121),
        ({"symbol": "BTCUSDT", "side": "UP", "type": "MARKET", "quantity": "1"}, -1117),
        ({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "abc"}, -1100),
        ({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01"}, -1102),
        (
            {"symbol": "BTCUSDT", "side": "BUY", "type": "STOP_MARKET", "quantity": "0.01", "stopPrice": "1"},
            -4120,
        ),
        (
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "MARKET",
                "quantity": "0.01",
                "positionSide": "LONG",
            },
            -4061,
        ),
    ]
    for params, code in cases:
        r = signed(live, "POST", "/fapi/v1/order", key, secret, **params)
        assert r.status_code == 400, (params, r.text)
        assert r.json()["code"] == code, (params, r.text)
