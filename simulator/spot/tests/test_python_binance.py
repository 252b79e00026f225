"""python-binance 1.0.37 driving spot trading over REST and the WebSocket API, unmodified."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from binance.exceptions import BinanceAPIException

from simulator.spot.tests.clients import async_client, socket_manager, sync_client
from simulator.spot.tests.conftest import Sim


def _away(sim: Sim, ticks: int) -> str:
    feed = sim.exchange.market.feed("spot", "BTCUSDT")
    return str(feed.best_bid - Decimal("0.01") * ticks * 100)


async def test_sync_client_places_queries_and_cancels_orders(sim: Sim) -> None:
    trader = sim.trader()
    client = await asyncio.to_thread(sync_client, sim, trader)
    price = _away(sim, 50)

    placed = await asyncio.to_thread(
        client.create_order,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=price,
    )
    assert placed["status"] == "NEW" and placed["clientOrderId"].startswith("x-")
    got = await asyncio.to_thread(client.get_order, symbol="BTCUSDT", orderId=placed["orderId"])
    assert got["status"] == "NEW" and got["price"] == f"{Decimal(price):.8f}"
    open_orders = await asyncio.to_thread(client.get_open_orders, symbol="BTCUSDT")
    assert [o["orderId"] for o in open_orders] == [placed["orderId"]]
    canceled = await asyncio.to_thread(client.cancel_order, symbol="BTCUSDT", orderId=placed["orderId"])
    assert canceled["status"] == "CANCELED" and canceled["origClientOrderId"] == placed["clientOrderId"]

    market = await asyncio.to_thread(client.order_market_buy, symbol="BTCUSDT", quantity="0.002")
    assert market["status"] == "FILLED" and market["fills"]
    trades = await asyncio.to_thread(client.get_my_trades, symbol="BTCUSDT")
    assert trades[-1]["orderId"] == market["orderId"] and trades[-1]["isBuyer"] is True
    account = await asyncio.to_thread(client.get_account)
    btc = next(b for b in account["balances"] if b["asset"] == "BTC")
    assert (
        Decimal(btc["free"]) == Decimal(10) + Decimal("0.002") - Decimal(market["fills"][0]["commission"])
        if len(market["fills"]) == 1
        else Decimal(btc["free"]) > 10
    )


async def test_sync_client_oco_order_rests_both_legs(sim: Sim) -> None:
    trader = sim.trader()
    client = await asyncio.to_thread(sync_client, sim, trader)
    last = sim.exchange.market.feed("spot", "BTCUSDT").last_price
    result = await asyncio.to_thread(
        client.create_oco_order,
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.01",
        aboveType="LIMIT_MAKER",
        abovePrice=str(last + 500),
        belowType="STOP_LOSS_LIMIT",
        belowStopPrice=str(last - 500),
        belowPrice=str(last - 510),
        belowTimeInForce="GTC",
    )
    assert result["contingencyType"] == "OCO" and result["listOrderStatus"] == "EXECUTING"
    assert len(result["orders"]) == 2
    lists = await asyncio.to_thread(client.get_open_oco_orders)
    assert lists[0]["orderListId"] == result["orderListId"]


async def test_sync_client_errors_are_binance_exceptions(sim: Sim) -> None:
    trader = sim.trader()
    client = await asyncio.to_thread(sync_client, sim, trader)
    with pytest.raises(BinanceAPIException) as info:
        await asyncio.to_thread(
            client.create_order,
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            timeInForce="GTC",
            quantity="0.01",
            price="1.001",
        )
    assert info.value.code == -1013 and info.value.message == "Filter failure: PRICE_FILTER"
    with pytest.raises(BinanceAPIException) as info:
        await asyncio.to_thread(client.get_order, symbol="BTCUSDT", orderId=999999)
    assert info.value.code == -2013


async def test_async_client_rest_and_ws_api_orders(sim: Sim) -> None:
    trader = sim.trader()
    client = await async_client(sim, trader)
    try:
        price = _away(sim, 40)
        placed = await client.create_order(
            symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01", price=price
        )
        assert placed["status"] == "NEW"
        ws_placed = await client.ws_create_order(
            symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01", price=price
        )
        assert ws_placed["status"] == "NEW" and ws_placed["orderId"] == placed["orderId"] + 1
        status = await client.ws_get_order(symbol="BTCUSDT", orderId=ws_placed["orderId"])
        assert status["orderId"] == ws_placed["orderId"]
        open_orders = await client.ws_get_open_orders(symbol="BTCUSDT")
        assert len(open_orders) == 2
        canceled = await client.ws_cancel_order(symbol="BTCUSDT", orderId=ws_placed["orderId"])
        assert canceled["status"] == "CANCELED"
        account = await client.ws_get_account()
        assert account["accountType"] == "SPOT"
        commission = await client.ws_get_commission_rates(symbol="BTCUSDT")
        assert commission["standardCommission"]["taker"] == "0.00100000"
    finally:
        await client.close_connection()


async def test_user_socket_receives_execution_reports(sim: Sim) -> None:
    trader = sim.trader()
    client = await async_client(sim, trader)
    try:
        manager = socket_manager(sim, client)
        async with manager.user_socket() as stream:
            await client.create_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001")
            events = [await asyncio.wait_for(stream.recv(), 5)]
            while events[-1]["e"] != "outboundAccountPosition":
                events.append(await asyncio.wait_for(stream.recv(), 5))
        assert [(e["e"], e.get("x"), e.get("X")) for e in events] == [
            ("executionReport", "NEW", "NEW"),
            ("executionReport", "TRADE", "FILLED"),
            ("outboundAccountPosition", None, None),
        ]
    finally:
        await client.close_connection()


async def test_ed25519_key_signs_rest_and_the_user_socket(sim: Sim) -> None:
    trader = sim.trader("ED25519")
    client = await async_client(sim, trader)
    try:
        manager = socket_manager(sim, client)
        async with manager.user_socket() as stream:
            placed = await client.create_order(symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.001")
            event = await asyncio.wait_for(stream.recv(), 5)
        assert event["e"] == "executionReport" and event["i"] == placed["orderId"]
        trades = await client.get_my_trades(symbol="BTCUSDT")
        assert trades[0]["isBuyer"] is False
    finally:
        await client.close_connection()
