"""REST order lists: OCO (new and deprecated endpoints), OTO, OTOCO, their queries and cancels."""

from __future__ import annotations

from decimal import Decimal

from simulator.spot.tests.conftest import Sim


async def test_oco_oto_otoco_lists(sim: Sim) -> None:
    trader = sim.trader()
    last = sim.exchange.market.feed("spot", "BTCUSDT").last_price
    status, oco = await sim.call(
        "POST",
        "/api/v3/orderList/oco",
        trader,
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.01",
        aboveType="LIMIT_MAKER",
        abovePrice=str(last + 300),
        belowType="STOP_LOSS",
        belowStopPrice=str(last - 300),
        newOrderRespType="RESULT",
    )
    assert status == 200, oco
    assert [r["type"] for r in oco["orderReports"]] == ["STOP_LOSS", "LIMIT_MAKER"]
    assert sim.engine.ledger.balance(trader.account_id, "BTC").locked == Decimal(
        "0.01"
    )  # shared by both legs
    status, bad = await sim.call(
        "POST",
        "/api/v3/orderList/oco",
        trader,
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.01",
        aboveType="LIMIT_MAKER",
        abovePrice=str(last - 300),
        belowType="STOP_LOSS",
        belowStopPrice=str(last - 400),
    )
    assert (
        bad["code"] == -2010 and bad["msg"] == "The relationship of the prices for the orders is not correct."
    )
    _, listed = await sim.call("GET", "/api/v3/orderList", trader, orderListId=oco["orderListId"])
    assert listed["listOrderStatus"] == "EXECUTING"
    status, canceled = await sim.call(
        "DELETE", "/api/v3/orderList", trader, symbol="BTCUSDT", orderListId=oco["orderListId"]
    )
    assert status == 200 and canceled["listOrderStatus"] == "ALL_DONE"
    assert [r["status"] for r in canceled["orderReports"]] == ["CANCELED", "CANCELED"]
    assert sim.engine.ledger.balance(trader.account_id, "BTC").locked == 0

    status, oto = await sim.call(
        "POST",
        "/api/v3/orderList/oto",
        trader,
        symbol="BTCUSDT",
        workingType="LIMIT",
        workingSide="BUY",
        workingPrice=str(last - 300),
        workingQuantity="0.01",
        workingTimeInForce="GTC",
        pendingType="LIMIT_MAKER",
        pendingSide="SELL",
        pendingPrice=str(last + 300),
        pendingQuantity="0.01",
    )
    assert status == 200, oto
    assert [o.status for o in sim.engine.open_for(trader.account_id)] == ["NEW", "PENDING_NEW"]
    sim.engine.on_public_trade("BTCUSDT", last - 400, Decimal(1), 0)  # prints through the working leg
    assert [o.status for o in sim.engine.open_for(trader.account_id)] == ["NEW"]

    status, otoco = await sim.call(
        "POST",
        "/api/v3/orderList/otoco",
        trader,
        symbol="BTCUSDT",
        workingType="LIMIT",
        workingSide="BUY",
        workingPrice=str(last - 300),
        workingQuantity="0.01",
        workingTimeInForce="GTC",
        pendingSide="SELL",
        pendingQuantity="0.01",
        pendingAboveType="LIMIT_MAKER",
        pendingAbovePrice=str(last + 300),
        pendingBelowType="STOP_LOSS",
        pendingBelowStopPrice=str(last - 500),
    )
    assert status == 200, otoco
    assert len(otoco["orders"]) == 3
    _, all_lists = await sim.call("GET", "/api/v3/allOrderList", trader)
    assert [x["orderListId"] for x in all_lists][-3:] == [
        oco["orderListId"],
        oto["orderListId"],
        otoco["orderListId"],
    ]
    _, open_lists = await sim.call("GET", "/api/v3/openOrderList", trader)
    assert {x["orderListId"] for x in open_lists} == {oto["orderListId"], otoco["orderListId"]}


async def test_deprecated_order_oco_endpoint(sim: Sim) -> None:
    trader = sim.trader()
    last = sim.exchange.market.feed("spot", "BTCUSDT").last_price
    status, body = await sim.call(
        "POST",
        "/api/v3/order/oco",
        trader,
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.01",
        price=str(last + 300),
        stopPrice=str(last - 300),
        stopLimitPrice=str(last - 310),
        stopLimitTimeInForce="GTC",
        limitClientOrderId="lim",
        stopClientOrderId="stp",
    )
    assert status == 200, body
    assert {r["clientOrderId"]: r["type"] for r in body["orderReports"]} == {
        "lim": "LIMIT_MAKER",
        "stp": "STOP_LOSS_LIMIT",
    }
