"""The seams with core: control API, persistence, the trade listener and the book source."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from aiohttp.test_utils import TestClient, TestServer

from simulator import persistence
from simulator.app import create_app
from simulator.spot.tests.conftest import Sim, config

if TYPE_CHECKING:
    from pathlib import Path


async def test_control_api_funds_accounts_and_finds_orders(sim: Sim) -> None:
    resp = await sim.client.post(
        "/_sim/accounts",
        json={"balances": {"USDT": "500", "BTC": "0.5"}, "spot_commission": {"maker": "0", "taker": "0.002"}},
    )
    created = await resp.json()
    account_id = created["account_id"]
    assert sim.engine.rates(account_id) == (Decimal(0), Decimal("0.002"))
    trader = type("T", (), {})()
    trader.api_key, trader.secret = created["api_key"], created["api_secret"]
    price = str(sim.exchange.market.feed("spot", "BTCUSDT").best_bid - 1000)
    status, order = await sim.call(
        "POST",
        "/api/v3/order",
        trader,
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.1",
        price=str(Decimal(price) + 3000),
        newClientOrderId="find-me",
    )
    assert status == 200, order
    view = await (await sim.client.get(f"/_sim/accounts/{account_id}")).json()
    assert view["balances"]["BTC"] == {"free": "0.40000000", "locked": "0.10000000"}
    assert view["open_orders"][0]["clientOrderId"] == "find-me"
    assert view["open_orders"][0]["market"] == "spot" and view["open_orders"][0]["account_id"] == account_id
    await sim.call("DELETE", "/api/v3/order", trader, symbol="BTCUSDT", origClientOrderId="find-me")
    found = await (await sim.client.get("/_sim/orders", params={"clientOrderId": "find-me"})).json()
    assert [o["status"] for o in found] == ["CANCELED"]
    await sim.client.post("/_sim/reset")
    assert sim.engine.orders == {}


async def test_market_prints_fill_resting_orders_and_user_orders_show_in_depth(sim: Sim) -> None:
    trader = sim.trader()
    feed = sim.exchange.market.feed("spot", "BTCUSDT")
    price = feed.best_bid - 200
    status, order = await sim.call(
        "POST",
        "/api/v3/order",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.5",
        price=str(price),
    )
    assert status == 200
    sim.ticks(1)
    _, depth = await sim.call("GET", "/api/v3/depth", None, symbol="BTCUSDT", limit=1000)
    assert [f"{price:.8f}", "0.50000000"] in depth["bids"] or any(
        b[0] == f"{price:.8f}" and Decimal(b[1]) >= Decimal("0.5") for b in depth["bids"]
    )
    feed.step = lambda sim_ms: [(price - 10, Decimal("0.01"), False)]  # type: ignore[method-assign]
    sim.ticks(1)
    _, got = await sim.call("GET", "/api/v3/order", trader, symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "FILLED"


async def test_restart_keeps_orders_trades_and_balances(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    app = create_app(config(state_file=state))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    sim = Sim(app, client, app["exchange"])
    trader = sim.trader()
    await sim.call(
        "POST", "/api/v3/order", trader, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01"
    )
    price = str(sim.exchange.market.feed("spot", "BTCUSDT").best_bid - 500)
    _, resting = await sim.call(
        "POST",
        "/api/v3/order",
        trader,
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=price,
    )
    persistence.save(sim.exchange, state)
    before = sim.engine.ledger.dump_state()
    await client.close()

    app2 = create_app(config(state_file=state))
    client2 = TestClient(TestServer(app2, host="127.0.0.1"))
    await client2.start_server()
    try:
        sim2 = Sim(app2, client2, app2["exchange"])
        assert sim2.engine.ledger.dump_state() == before
        _, got = await sim2.call("GET", "/api/v3/order", trader, symbol="BTCUSDT", orderId=resting["orderId"])
        assert got["status"] == "NEW"
        _, trades = await sim2.call("GET", "/api/v3/myTrades", trader, symbol="BTCUSDT")
        assert trades
    finally:
        await client2.close()


async def test_many_ticks_of_the_real_feed_keep_every_asset_accounted_for(sim: Sim) -> None:
    from simulator.spot.domain.enums import OrderType, Side, TimeInForce
    from simulator.spot.domain.requests import NewOrder

    engine = sim.engine
    traders = [sim.trader() for _ in range(3)]
    funded = {k: v for k, v in engine.ledger.totals().items() if v}
    feed = sim.exchange.market.feed("spot", "BTCUSDT")
    for round_no in range(40):
        mid = feed.last_price
        for n, trader in enumerate(traders):
            side = Side.BUY if (round_no + n) % 2 else Side.SELL
            # Trader 2 crosses the spread, the others rest around the market.
            offset = Decimal(5 * (n + 1)) * (-1 if side == Side.BUY else 1) * (-1 if n == 2 else 1)
            engine.place(
                trader.account_id,
                NewOrder(
                    symbol="BTCUSDT",
                    side=side,
                    type=OrderType.LIMIT,
                    quantity=Decimal("0.01"),
                    price=mid + offset,
                    time_in_force=TimeInForce.GTC,
                ),
            )
            if round_no % 10 == 0:
                engine.place(
                    trader.account_id,
                    NewOrder(
                        symbol="BTCUSDT",
                        side=Side.SELL,
                        type=OrderType.STOP_LOSS,
                        quantity=Decimal("0.01"),
                        stop_price=mid - 20,
                    ),
                )
        sim.exchange.clock.step(60_000)  # move the replayed path so the market prints through orders
        sim.ticks(3)
        totals = {k: v for k, v in engine.ledger.totals().items() if v}
        assert totals == funded
    makers = [t for ts in engine.trades.values() for t in ts if t.is_maker]
    takers = [t for ts in engine.trades.values() for t in ts if not t.is_maker]
    assert makers and takers
    for account in traders:
        for balance in engine.ledger.assets(account.account_id).values():
            assert balance.free >= 0 and balance.locked >= 0


async def test_takers_consume_synthetic_liquidity_until_the_next_tick(sim: Sim) -> None:
    from simulator.spot.domain.enums import OrderType, Side
    from simulator.spot.domain.requests import NewOrder

    trader = sim.trader()
    feed = sim.exchange.market.feed("spot", "BTCUSDT")
    best_ask, best_qty = feed.synthetic_levels("SELL", 1)[0]
    order = NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.MARKET, quantity=best_qty)
    _, first = sim.engine.place(trader.account_id, order)
    assert [f["price"] for f in first] == [f"{best_ask:.8f}"]
    _, second = sim.engine.place(trader.account_id, order)
    assert Decimal(second[0]["price"]) > best_ask  # the touch is gone until core rebuilds the book
    sim.ticks(1)
    fresh = sim.exchange.extensions["spot"].engine.market.synthetic_levels("BTCUSDT", Side.BUY, 1)
    assert fresh == feed.synthetic_levels("SELL", 1)
