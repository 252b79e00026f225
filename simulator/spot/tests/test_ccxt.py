"""ccxt 4.5 (sync, in a worker thread) trading spot against the simulator."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from simulator.spot.tests.clients import ccxt_spot
from simulator.spot.tests.conftest import Sim


async def test_ccxt_places_fetches_and_cancels_spot_orders(sim: Sim) -> None:
    trader = sim.trader()
    ex = ccxt_spot(sim, trader)
    await asyncio.to_thread(ex.load_markets)
    bid = sim.exchange.market.feed("spot", "BTCUSDT").best_bid
    price = float(bid - 500)

    order = await asyncio.to_thread(ex.create_order, "BTC/USDT", "limit", "buy", 0.01, price)
    assert order["status"] == "open" and order["info"]["clientOrderId"].startswith("x-")
    fetched = await asyncio.to_thread(ex.fetch_order, order["id"], "BTC/USDT")
    assert fetched["id"] == order["id"] and fetched["amount"] == 0.01
    open_orders = await asyncio.to_thread(ex.fetch_open_orders, "BTC/USDT")
    assert [o["id"] for o in open_orders] == [order["id"]]
    canceled = await asyncio.to_thread(ex.cancel_order, order["id"], "BTC/USDT")
    assert canceled["status"] == "canceled"

    market = await asyncio.to_thread(ex.create_order, "BTC/USDT", "market", "sell", 0.5)
    assert market["status"] == "closed" and market["filled"] == 0.5
    trades = await asyncio.to_thread(ex.fetch_my_trades, "BTC/USDT")
    assert trades and trades[-1]["order"] == market["id"] and trades[-1]["side"] == "sell"
    assert trades[-1]["fee"]["currency"] == "USDT"
    balance = await asyncio.to_thread(ex.fetch_balance)
    assert Decimal(str(balance["BTC"]["total"])) == Decimal("9.5")
    assert balance["USDT"]["free"] > 1_000_000
