"""Mark price, funding, liquidation, margin calls and conditional (algo) orders on the engine."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.futures.domain.errors import FuturesError
from simulator.futures.engine.algo import AlgoRequest
from simulator.futures.engine.funding import INTERVAL_MS
from simulator.futures.engine.placing import OrderRequest
from simulator.futures.tests.fakes import Harness


@pytest.fixture
def funded(h: Harness) -> Harness:
    h.engine.fund("a", {"USDT": D(1000)})
    h.engine.fund("b", {"USDT": D(1000)})
    return h


def buy(h: Harness, account: str, qty: str, symbol: str = "BTCUSDT") -> None:
    h.engine.place_order(account, OrderRequest(symbol=symbol, side="BUY", type="MARKET", quantity=D(qty)))


def income_sum(h: Harness, account: str) -> D:
    return sum((D(r["income"]) for r in h.engine.ledger.income if r["account_id"] == account), D(0))


def test_mark_price_is_a_smoothed_median(funded: Harness) -> None:
    funded.tick()
    assert funded.engine.mark("BTCUSDT") == D(50000)
    funded.market.prices["BTCUSDT"] = D(51000)
    funded.tick()
    assert D(50000) < funded.engine.mark("BTCUSDT") < D(51000)
    streams = [name for name, _ in funded.market.published]
    assert "btcusdt@markPrice" in streams and "!markPrice@arr" in streams


def test_funding_is_charged_every_eight_hours_of_replayed_time(funded: Harness) -> None:
    clock = funded.clock
    clock.sim = (clock.sim // INTERVAL_MS) * INTERVAL_MS + 1000
    buy(funded, "a", "0.010")
    funded.engine.place_order(
        "b", OrderRequest(symbol="BTCUSDT", side="SELL", type="MARKET", quantity=D("0.010"))
    )
    funded.tick()  # schedules the next boundary
    before = {a: funded.engine.account(a).wallet["USDT"] for a in "ab"}
    funded.tick(sim_advance_ms=INTERVAL_MS)
    mark = funded.engine.mark("BTCUSDT")
    rate = funded.engine.last_rate["BTCUSDT"]
    assert rate == D("0.0001")  # mark == index → the interest-rate baseline
    paid = D("0.010") * mark * rate
    assert funded.engine.account("a").wallet["USDT"] == before["a"] - paid
    assert funded.engine.account("b").wallet["USDT"] == before["b"] + paid
    update = funded.of("a", "ACCOUNT_UPDATE")[-1]["a"]
    assert update["m"] == "FUNDING_FEE" and update["P"] == []
    rows = [r for r in funded.engine.ledger.income if r["incomeType"] == "FUNDING_FEE"]
    assert len(rows) == 2
    funded.tick(sim_advance_ms=1000)
    assert len([r for r in funded.engine.ledger.income if r["incomeType"] == "FUNDING_FEE"]) == 2
    assert funded.engine.ledger.funding_history["BTCUSDT"][0]["fundingRate"] == "0.00010000"


def test_cross_liquidation_closes_positions_and_reports_everywhere(funded: Harness) -> None:
    eng = funded.engine
    eng.change_leverage("a", "BTCUSDT", 50)
    buy(funded, "a", "0.900")  # ~45k notional on 1k: liquidates on a ~2 % drop
    resting = eng.place_order(
        "a",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            quantity=D("0.003"),
            price=D(40000),
            time_in_force="GTC",
        ),
    )
    funded.market.prices["BTCUSDT"] = D(49150)
    eng.set_mark("BTCUSDT", D(49150))
    funded.tick(advance_ms=10)
    assert eng.account("a").position("BTCUSDT", "BOTH").amount == D("0.900")
    assert funded.of("a", "MARGIN_CALL")
    funded.market.prices["BTCUSDT"] = D(48000)
    eng.set_mark("BTCUSDT", D(48000))
    funded.tick(advance_ms=10)
    assert eng.account("a").position("BTCUSDT", "BOTH").amount == 0
    assert resting.status == "CANCELED"
    liq = [e["o"] for e in funded.of("a", "ORDER_TRADE_UPDATE") if e["o"]["o"] == "LIQUIDATION"]
    assert liq and liq[-1]["X"] == "FILLED" and liq[-1]["x"] == "CALCULATED"
    assert liq[-1]["c"].startswith("autoclose-")
    assert any(name == "btcusdt@forceOrder" for name, _ in funded.market.published)
    assert eng.account("a").wallet["USDT"] >= 0
    assert eng.account("a").wallet["USDT"] == income_sum(funded, "a")


def test_isolated_liquidation_only_touches_that_position(funded: Harness) -> None:
    eng = funded.engine
    eng.change_margin_type("a", "BTCUSDT", "ISOLATED")
    eng.change_leverage("a", "BTCUSDT", 100)
    buy(funded, "a", "0.010")
    buy(funded, "a", "0.100", symbol="ETHUSDT")
    funded.market.prices["BTCUSDT"] = D(49600)
    eng.set_mark("BTCUSDT", D(49600))
    funded.tick(advance_ms=10)
    acc = eng.account("a")
    assert acc.position("BTCUSDT", "BOTH").amount == 0
    assert acc.position("ETHUSDT", "BOTH").amount == D("0.100")
    assert acc.wallet["USDT"] > D(900)


def test_stop_market_triggers_through_the_algo_api(funded: Harness) -> None:
    eng = funded.engine
    with pytest.raises(FuturesError) as err:
        eng.place_algo(
            "a",
            AlgoRequest(
                symbol="BTCUSDT", side="BUY", type="STOP_MARKET", quantity=D("0.010"), trigger_price=D(49000)
            ),
        )
    assert err.value.code == -2021
    algo = eng.place_algo(
        "a",
        AlgoRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="STOP_MARKET",
            quantity=D("0.010"),
            trigger_price=D(50500),
            client_algo_id="stop1",
        ),
    )
    funded.tick()
    assert algo.status == "NEW"
    funded.market.prices["BTCUSDT"] = D(50600)
    funded.tick()
    assert algo.status == "FINISHED" and algo.actual_qty == D("0.010")
    statuses = [e["o"]["X"] for e in funded.of("a", "ALGO_UPDATE")]
    assert statuses == ["NEW", "TRIGGERED", "FINISHED"]
    child = eng.ledger.orders[algo.actual_order_id]
    assert (child.type, child.orig_type, child.client_order_id) == ("MARKET", "STOP_MARKET", "stop1")
    assert funded.of("a", "ORDER_TRADE_UPDATE")[-1]["o"]["ot"] == "STOP_MARKET"


def test_take_profit_close_position_and_rejected_trigger(funded: Harness) -> None:
    eng = funded.engine
    buy(funded, "a", "0.010")
    tp = eng.place_algo(
        "a",
        AlgoRequest(
            symbol="BTCUSDT",
            side="SELL",
            type="TAKE_PROFIT_MARKET",
            trigger_price=D(50200),
            close_position=True,
        ),
    )
    orphan = eng.place_algo(
        "a",
        AlgoRequest(
            symbol="ETHUSDT",
            side="SELL",
            type="STOP_MARKET",
            trigger_price=D(2900),
            reduce_only=True,
            quantity=D("0.1"),
        ),
    )
    funded.market.prices.update({"BTCUSDT": D(50300), "ETHUSDT": D(2800)})
    funded.tick()
    assert tp.status == "FINISHED"
    assert eng.account("a").position("BTCUSDT", "BOTH").amount == 0
    assert orphan.status == "REJECTED" and orphan.reject_reason


def test_trailing_stop_fires_after_the_callback(funded: Harness) -> None:
    eng = funded.engine
    buy(funded, "a", "0.010")
    trail = eng.place_algo(
        "a",
        AlgoRequest(
            symbol="BTCUSDT",
            side="SELL",
            type="TRAILING_STOP_MARKET",
            quantity=D("0.010"),
            callback_rate=D(1),
            reduce_only=True,
        ),
    )
    for price in ("50500", "51000", "50600"):
        funded.market.prices["BTCUSDT"] = D(price)
        funded.tick()
        assert trail.status == "NEW"
    funded.market.prices["BTCUSDT"] = D("50480")
    funded.tick()
    assert trail.status == "FINISHED"
    assert eng.account("a").position("BTCUSDT", "BOTH").amount == 0


def test_isolated_gap_loss_is_capped_at_the_isolated_wallet(funded: Harness) -> None:
    eng = funded.engine
    eng.change_margin_type("a", "BTCUSDT", "ISOLATED")
    eng.change_leverage("a", "BTCUSDT", 100)
    buy(funded, "a", "0.010")
    before = eng.account("a").wallet["USDT"]
    iw = eng.account("a").position("BTCUSDT", "BOTH").isolated_wallet
    funded.market.prices["BTCUSDT"] = D(45000)  # gaps far past the bankruptcy price
    eng.set_mark("BTCUSDT", D(45000))
    funded.tick(advance_ms=10)
    assert eng.account("a").position("BTCUSDT", "BOTH").amount == 0
    assert eng.account("a").wallet["USDT"] == before - iw
    assert [r["incomeType"] for r in eng.ledger.income][-1] == "INSURANCE_CLEAR"
    assert eng.account("a").wallet["USDT"] == income_sum(funded, "a")
