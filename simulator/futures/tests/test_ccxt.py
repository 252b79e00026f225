"""ccxt binanceusdm against the simulator with urls['api'] overridden as a user would."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest

from simulator.futures.tests.server import LiveServer

pytestmark = pytest.mark.integration


def make(live: LiveServer, key: str, secret: str) -> ccxt.binanceusdm:
    ex = ccxt.binanceusdm(
        {
            "apiKey": key,
            "secret": secret,
            "enableRateLimit": False,
            "options": {
                "fetchMarkets": {"types": ["spot", "linear"]},
                "fetchCurrencies": False,
                "fetchMargins": False,
            },
        }
    )
    base = live.base
    api = ex.urls["api"]
    for name in list(api):
        if name.startswith("fapiPublic") or name.startswith("fapiPrivate"):
            version = "v3" if name.endswith("V3") else "v2" if name.endswith("V2") else "v1"
            api[name] = f"{base}/fapi/{version}"
        elif name in ("public", "private"):
            api[name] = f"{base}/api/v3"
        elif name == "v1":
            api[name] = f"{base}/api/v1"
    return ex


def test_ccxt_orders_positions_balance_leverage(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    ex = make(live, key, secret)
    ex.load_markets()
    assert "BTC/USDT:USDT" in ex.markets
    assert str(ex.set_leverage(5, "BTC/USDT:USDT")["leverage"]) == "5"
    order = ex.create_order("BTC/USDT:USDT", "market", "buy", 0.01)
    assert order["status"] == "closed"
    assert order["filled"] == pytest.approx(0.01)
    positions = ex.fetch_positions(["BTC/USDT:USDT"])
    assert positions[0]["contracts"] == pytest.approx(0.01)
    assert positions[0]["side"] == "long"
    assert positions[0]["entryPrice"] > 0  # v3 positionRisk carries no leverage, as on Binance
    balance = ex.fetch_balance()
    assert balance["USDT"]["total"] < 10000
    last = live.last_price("BTCUSDT")
    limit = ex.create_order(
        "BTC/USDT:USDT", "limit", "sell", 0.01, float((last * Decimal("1.03")).quantize(Decimal("0.1")))
    )
    assert limit["status"] == "open"
    assert [o["id"] for o in ex.fetch_open_orders("BTC/USDT:USDT")] == [limit["id"]]
    assert ex.cancel_order(limit["id"], "BTC/USDT:USDT")["status"] == "canceled"
    trades = ex.fetch_my_trades("BTC/USDT:USDT")
    assert trades[0]["side"] == "buy"
