"""python-binance Client, AsyncClient and socket manager, configured against the simulator as a user would."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from binance import AsyncClient, BinanceSocketManager, Client
from binance.exceptions import BinanceAPIException

from simulator.futures.tests.server import LiveServer

pytestmark = pytest.mark.integration


def sync_client(live: LiveServer, key: str, secret: str) -> Client:
    class SimClient(Client):
        API_URL = f"{live.base}/api"
        FUTURES_URL = f"{live.base}/fapi"

    return SimClient(key, secret)


def test_order_lifecycle_with_sync_client(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    client = sync_client(live, key, secret)
    last = live.last_price("BTCUSDT")
    price = (last * Decimal("0.97")).quantize(Decimal("0.1"))
    order = client.futures_create_order(
        symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.010", price=str(price)
    )
    assert order["status"] == "NEW"
    assert order["clientOrderId"].startswith("x-Cb7ytekJ")
    got = client.futures_get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["price"] == f"{price:.2f}"
    assert len(client.futures_get_open_orders(symbol="BTCUSDT")) == 1
    canceled = client.futures_cancel_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert canceled["status"] == "CANCELED"
    with pytest.raises(BinanceAPIException) as err:
        client.futures_cancel_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert err.value.code == -2011


def test_leverage_margin_type_and_positions_with_sync_client(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    client = sync_client(live, key, secret)
    res = client.futures_change_leverage(symbol="ETHUSDT", leverage=10)
    assert res == {"leverage": 10, "maxNotionalValue": res["maxNotionalValue"], "symbol": "ETHUSDT"}
    assert client.futures_change_margin_type(symbol="ETHUSDT", marginType="ISOLATED") == {
        "code": 200,
        "msg": "success",
    }
    with pytest.raises(BinanceAPIException) as err:
        client.futures_change_margin_type(symbol="ETHUSDT", marginType="ISOLATED")
    assert err.value.code == -4046
    with pytest.raises(BinanceAPIException) as err:
        client.futures_change_leverage(symbol="ETHUSDT", leverage=500)
    assert err.value.code == -4028
    client.futures_create_order(symbol="ETHUSDT", side="SELL", type="MARKET", quantity="1.000")
    positions = client.futures_position_information(symbol="ETHUSDT")
    assert positions[0]["positionAmt"] == "-1"
    assert Decimal(positions[0]["isolatedWallet"]) > 0
    account = client.futures_account()
    assert account["positions"] and account["assets"][0]["asset"] == "USDT"
    assert Decimal(account["totalWalletBalance"]) < Decimal(10000)  # taker fee paid
    balance = client.futures_account_balance()
    assert balance[0]["asset"] == "USDT"
    trades = client.futures_account_trades(symbol="ETHUSDT")
    assert trades[0]["side"] == "SELL" and trades[0]["maker"] is False
    income = client.futures_income_history()
    assert {"TRANSFER", "COMMISSION"} <= {row["incomeType"] for row in income}


def test_conditional_orders_route_to_algo_endpoint(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    client = sync_client(live, key, secret)
    last = live.last_price("BTCUSDT")
    algo = client.futures_create_order(
        symbol="BTCUSDT",
        side="BUY",
        type="STOP_MARKET",
        quantity="0.010",
        stopPrice=str((last * Decimal("1.5")).quantize(Decimal("0.1"))),
    )
    assert algo["algoStatus"] == "NEW" and algo["orderType"] == "STOP_MARKET"
    opened = client.futures_get_open_orders(symbol="BTCUSDT", conditional=True)
    assert [a["algoId"] for a in opened] == [algo["algoId"]]
    canceled = client.futures_cancel_order(symbol="BTCUSDT", algoId=algo["algoId"])
    assert canceled["algoId"] == algo["algoId"]
    assert client.futures_get_order(symbol="BTCUSDT", algoId=algo["algoId"])["algoStatus"] == "CANCELED"


async def test_async_client_and_user_socket(live: LiveServer) -> None:
    _, key, secret = live.new_account()

    class SimAsyncClient(AsyncClient):
        API_URL = f"{live.base}/api"
        FUTURES_URL = f"{live.base}/fapi"

    class SimSockets(BinanceSocketManager):
        FSTREAM_URL = f"ws://127.0.0.1:{live.port}/fstream/"

    client = await SimAsyncClient.create(key, secret)
    try:
        socket = SimSockets(client).futures_user_socket()
        socket.TIMEOUT = 0.5  # the client's read loop polls this often; only shortens its shutdown
        async with socket as stream:
            await asyncio.sleep(0.2)
            order = await client.futures_create_order(
                symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.010"
            )
            assert (order["status"], order["executedQty"]) == ("NEW", "0.000")  # ACK: as accepted
            final = await client.futures_get_order(symbol="BTCUSDT", orderId=order["orderId"])
            assert final["status"] == "FILLED"
            seen = []
            while len(seen) < 4:
                msg = await asyncio.wait_for(stream.recv(), 5)
                seen.append(msg)
        kinds = [(m["e"], m.get("o", {}).get("X")) for m in seen]
        assert kinds == [
            ("TRADE_LITE", None),
            ("ORDER_TRADE_UPDATE", "NEW"),
            ("ACCOUNT_UPDATE", None),
            ("ORDER_TRADE_UPDATE", "FILLED"),
        ]
        account = await client.futures_account()
        assert Decimal(account["positions"][0]["positionAmt"]) in (Decimal("0.01"), Decimal(0))
        info = await client.futures_position_information(symbol="BTCUSDT")
        assert info[0]["positionAmt"] == "0.01"
    finally:
        await client.close_connection()


def test_batch_orders_and_batch_cancel_with_sync_client(live: LiveServer) -> None:
    _, key, secret = live.new_account()
    client = sync_client(live, key, secret)
    price = str((live.last_price("ETHUSDT") * Decimal("0.95")).quantize(Decimal("0.01")))
    placed = client.futures_place_batch_order(
        batchOrders=[
            {
                "symbol": "ETHUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.100",
                "price": price,
            },
            {
                "symbol": "ETHUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.100",
                "price": price,
            },
        ]
    )
    assert [o["status"] for o in placed] == ["NEW", "NEW"]
    canceled = client.futures_cancel_orders(symbol="ETHUSDT", orderidlist=[o["orderId"] for o in placed])
    assert [o["status"] for o in canceled] == ["CANCELED", "CANCELED"]
    stream_key = client.futures_stream_get_listen_key()
    assert client.futures_stream_keepalive(stream_key) == {"listenKey": stream_key}
    client.futures_stream_close(stream_key)
