"""Order semantics on the engine with an in-memory market: fills, modes, rejections."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.futures.domain.errors import FuturesError
from simulator.futures.engine.placing import OrderRequest
from simulator.futures.tests.fakes import Harness


def mkt(side: str, qty: str, **kw: object) -> OrderRequest:
    return OrderRequest(symbol=kw.pop("symbol", "BTCUSDT"), side=side, type="MARKET", quantity=D(qty), **kw)  # type: ignore[arg-type]


def lim(side: str, qty: str, price: str, tif: str = "GTC", **kw: object) -> OrderRequest:
    return OrderRequest(
        symbol=kw.pop("symbol", "BTCUSDT"),
        side=side,
        type="LIMIT",
        quantity=D(qty),  # type: ignore[arg-type]
        price=D(price),
        time_in_force=tif,
        **kw,
    )  # type: ignore[arg-type]


def rejected(h: Harness, account: str, req: OrderRequest) -> int:
    with pytest.raises(FuturesError) as err:
        h.engine.place_order(account, req)
    return err.value.code


@pytest.fixture
def funded(h: Harness) -> Harness:
    h.engine.fund("a", {"USDT": D(10000)})
    h.engine.fund("b", {"USDT": D(10000)})
    return h


def test_market_order_fills_and_emits_binance_event_order(funded: Harness) -> None:
    order = funded.engine.place_order("a", mkt("BUY", "0.010"))
    assert (order.status, order.executed_qty, order.avg_price) == ("FILLED", D("0.010"), D("50000.1"))
    kinds = [(e["e"], e.get("o", {}).get("x")) for e in funded.of("a")]
    assert kinds == [
        ("TRADE_LITE", None),
        ("ORDER_TRADE_UPDATE", "NEW"),
        ("ACCOUNT_UPDATE", None),
        ("ORDER_TRADE_UPDATE", "TRADE"),
    ]
    fee = D("0.010") * D("50000.1") * D("0.0005")
    assert funded.engine.account("a").wallet["USDT"] == D(10000) - fee
    assert funded.market.trades[0][1:3] == (D("50000.1"), D("0.010"))


def test_resting_limit_fills_when_the_market_trades_through(funded: Harness) -> None:
    order = funded.engine.place_order("a", lim("BUY", "0.010", "49900"))
    assert order.status == "NEW"
    funded.engine.on_public_trade("BTCUSDT", D("49950"), D("1"))
    assert order.status == "NEW"
    funded.engine.on_public_trade("BTCUSDT", D("49890"), D("0.004"))
    assert (order.status, order.executed_qty) == ("PARTIALLY_FILLED", D("0.004"))
    funded.engine.on_public_trade("BTCUSDT", D("49900"), D("1"))
    assert order.status == "FILLED"
    last = funded.of("a", "ORDER_TRADE_UPDATE")[-1]["o"]
    assert last["m"] is True and last["L"] == "49900.00"
    assert funded.engine.account("a").position("BTCUSDT", "BOTH").amount == D("0.010")


def test_users_match_each_other_before_synthetic_liquidity(funded: Harness) -> None:
    maker = funded.engine.place_order("a", lim("SELL", "0.010", "50000"))
    taker = funded.engine.place_order("b", mkt("BUY", "0.015"))
    assert maker.status == "FILLED"
    assert taker.cum_quote == D("0.010") * D(50000) + D("0.005") * D("50000.1")
    assert funded.engine.account("a").position("BTCUSDT", "BOTH").amount == D("-0.010")
    assert funded.engine.account("b").position("BTCUSDT", "BOTH").amount == D("0.015")
    maker_fee = D("0.010") * D(50000) * D("0.0002")
    assert funded.engine.account("a").wallet["USDT"] == D(10000) - maker_fee


def test_self_trade_prevention_expire_taker(funded: Harness) -> None:
    funded.engine.place_order("a", lim("SELL", "0.010", "50000"))
    taker = funded.engine.place_order("a", lim("BUY", "0.010", "50000", "GTC", stp_mode="EXPIRE_TAKER"))
    assert taker.status == "EXPIRED_IN_MATCH"


@pytest.mark.parametrize(
    ("req", "code"),
    [
        (mkt("SELL", "0.010", reduce_only=True), -2022),
        (mkt("BUY", "0.010", position_side="LONG"), -4061),
        (lim("BUY", "0.010", "50000.5", "GTX"), -5022),
        (lim("BUY", "0.010", "50000.05"), -4014),
        (lim("BUY", "0.0015", "49000"), -4023),
        (lim("BUY", "0.001", "49000"), -4164),
        (lim("BUY", "0.010", "60000"), -4016),
        (lim("SELL", "0.010", "40000"), -4024),
        (mkt("BUY", "5.000"), -2019),
        (lim("BUY", "0.010", "49000", "FOK"), -5021),
        (OrderRequest(symbol="BTCUSDT", side="BUY", type="STOP_MARKET", quantity=D("0.01")), -4120),
        (OrderRequest(symbol="BTCUSDT", side="BUY", type="LIMIT", quantity=D("0.01"), price=D(49000)), -1102),
        (OrderRequest(symbol="BTCUSDT", side="BUY", type="MARKET", quantity=D("0.01"), price=D(1)), -1106),
        (mkt("BUY", "0.010", client_order_id="bad id!"), -4015),
        (mkt("BUY", "0.010", symbol="NOPEUSDT"), -1121),
    ],
)
def test_rejections_leave_no_trace(funded: Harness, req: OrderRequest, code: int) -> None:
    assert rejected(funded, "a", req) == code
    assert funded.engine.ledger.orders == {}
    assert funded.engine.account("a").wallet["USDT"] == D(10000)
    assert funded.of("a") == []


def test_ioc_remainder_expires_and_reduce_only_caps_the_fill(funded: Harness) -> None:
    funded.engine.fund("a", {"USDT": D(100000)})
    funded.market.levels = 1
    ioc = funded.engine.place_order("a", lim("BUY", "6.000", "50001", "IOC"))
    assert (ioc.status, ioc.executed_qty) == ("EXPIRED", D(5))
    funded.market.levels = 20
    close = funded.engine.place_order("a", mkt("SELL", "7.000", reduce_only=True))
    assert (close.status, close.executed_qty) == ("EXPIRED", D(5))
    assert funded.engine.account("a").position("BTCUSDT", "BOTH").amount == 0


def test_hedge_mode_keeps_long_and_short_apart(funded: Harness) -> None:
    eng = funded.engine
    eng.change_position_mode("a", True)
    eng.place_order("a", mkt("BUY", "0.010", position_side="LONG"))
    eng.place_order("a", mkt("SELL", "0.020", position_side="SHORT"))
    acc = eng.account("a")
    assert acc.position("BTCUSDT", "LONG").amount == D("0.010")
    assert acc.position("BTCUSDT", "SHORT").amount == D("-0.020")
    assert rejected(funded, "a", mkt("BUY", "0.010")) == -4061
    assert rejected(funded, "a", mkt("SELL", "0.020", position_side="LONG")) == -2022
    assert (
        rejected(
            funded, "a", mkt("SELL", "0.010", position_side="LONG", reduce_only=True, reduce_only_sent=True)
        )
        == -1106
    )
    eng.place_order("a", mkt("SELL", "0.010", position_side="LONG"))
    assert acc.position("BTCUSDT", "LONG").amount == 0
    with pytest.raises(FuturesError) as err:
        eng.change_position_mode("a", False)
    assert err.value.code == -4068


def test_leverage_and_margin_type_rules(funded: Harness) -> None:
    eng = funded.engine
    with pytest.raises(FuturesError) as err:
        eng.change_leverage("a", "BTCUSDT", 126)
    assert err.value.code == -4028
    assert eng.change_leverage("a", "BTCUSDT", 125)[1] == D(50000)
    eng.change_margin_type("a", "BTCUSDT", "ISOLATED")
    eng.place_order("a", mkt("BUY", "0.010"))
    pos = eng.account("a").position("BTCUSDT", "BOTH")
    assert pos.isolated_wallet == D("0.010") * D("50000.1") / 125
    with pytest.raises(FuturesError) as err:
        eng.change_margin_type("a", "BTCUSDT", "CROSSED")
    assert err.value.code == -4048
    eng.modify_isolated_margin("a", "BTCUSDT", "BOTH", D(10), 1)
    assert eng.account("a").position("BTCUSDT", "BOTH").isolated_wallet == pos.isolated_wallet + 10
    update = funded.of("a", "ACCOUNT_UPDATE")[-1]["a"]
    assert update["m"] == "MARGIN_TRANSFER" and update["P"][0]["mt"] == "isolated"


def test_amend_moves_price_and_rejects_no_op(funded: Harness) -> None:
    eng = funded.engine
    order = eng.place_order("a", lim("BUY", "0.010", "49000"))
    eng.amend_order(
        "a",
        "BTCUSDT",
        order.order_id,
        None,
        side="BUY",
        quantity=D("0.020"),
        price=D(49500),
        price_match="NONE",
    )
    assert (order.orig_qty, order.price, order.status) == (D("0.020"), D(49500), "NEW")
    assert funded.of("a", "ORDER_TRADE_UPDATE")[-1]["o"]["x"] == "AMENDMENT"
    with pytest.raises(FuturesError) as err:
        eng.amend_order(
            "a",
            "BTCUSDT",
            order.order_id,
            None,
            side="BUY",
            quantity=D("0.020"),
            price=D(49500),
            price_match="NONE",
        )
    assert err.value.code == -5027


def test_duplicate_client_order_id_among_open_orders(funded: Harness) -> None:
    funded.engine.place_order("a", lim("BUY", "0.010", "49000", client_order_id="mine"))
    assert rejected(funded, "a", lim("BUY", "0.010", "49000", client_order_id="mine")) == -4116


def test_countdown_cancel_all_fires_on_tick(funded: Harness) -> None:
    order = funded.engine.place_order("a", lim("BUY", "0.010", "49000"))
    funded.engine.set_countdown("a", "BTCUSDT", 5000)
    funded.tick(advance_ms=4000)
    assert order.status == "NEW"
    funded.tick(advance_ms=1500)
    assert order.status == "CANCELED"
    assert funded.engine.account("a").countdown == {}


def test_state_survives_dump_and_load(funded: Harness) -> None:
    eng = funded.engine
    eng.change_leverage("a", "BTCUSDT", 7)
    eng.place_order("a", mkt("BUY", "0.010"))
    resting = eng.place_order("a", lim("BUY", "0.010", "49000", client_order_id="keep"))
    data = eng.dump()
    import json

    restored = Harness()
    restored.engine.load(json.loads(json.dumps(data)))
    acc = restored.engine.account("a")
    assert acc.lev("BTCUSDT") == 7
    assert acc.wallet == eng.account("a").wallet
    assert acc.position("BTCUSDT", "BOTH") == eng.account("a").position("BTCUSDT", "BOTH")
    again = restored.engine.find_order("a", "BTCUSDT", None, "keep")
    assert again.order_id == resting.order_id and again.is_open
    restored.engine.on_public_trade("BTCUSDT", D(48000), D(1))
    assert again.status == "FILLED"
    assert restored.engine.place_order("a", mkt("BUY", "0.010")).order_id > resting.order_id


def test_gtd_orders_expire_and_price_match_joins_the_book(funded: Harness) -> None:
    eng = funded.engine
    now = funded.clock.now
    assert rejected(funded, "a", lim("BUY", "0.010", "49000", "GTD", good_till_date=now + 1000)) == -5040
    gtd = eng.place_order("a", lim("BUY", "0.010", "49000", "GTD", good_till_date=now + 700_000))
    queue = eng.place_order(
        "a",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            quantity=D("0.010"),
            time_in_force="GTC",
            price_match="QUEUE",
        ),
    )
    assert queue.price == D("49999.9") and queue.status == "NEW"
    funded.tick(advance_ms=700_001)
    assert (gtd.status, gtd.expiry_reason) == ("EXPIRED", 6)
    assert queue.status == "NEW"


def test_hedge_mode_position_rows_and_snapshot(funded: Harness) -> None:
    from simulator.futures.engine import account_views as av

    eng = funded.engine
    eng.change_position_mode("a", True)
    eng.place_order("a", mkt("SELL", "0.010", position_side="SHORT"))
    rows = av.position_risk(eng, "a", "BTCUSDT", v3=False)
    assert [(r["positionSide"], r["positionAmt"]) for r in rows] == [("LONG", "0"), ("SHORT", "-0.01")]
    snap = eng.snapshot("a")
    assert snap["positions"][0]["positionSide"] == "SHORT"
    assert set(snap["futures_balances"]["USDT"]) >= {"walletBalance", "availableBalance"}
    assert snap["open_orders"] == []


def test_leverage_change_is_reported_on_the_user_stream(funded: Harness) -> None:
    funded.engine.change_leverage("a", "ETHUSDT", 12)
    event = funded.of("a", "ACCOUNT_CONFIG_UPDATE")[-1]
    assert event["ac"] == {"s": "ETHUSDT", "l": 12}


def test_resting_reduce_only_expires_once_the_position_is_gone(funded: Harness) -> None:
    eng = funded.engine
    eng.place_order("a", mkt("BUY", "0.010"))
    tp = eng.place_order("a", lim("SELL", "0.010", "50100", reduce_only=True, reduce_only_sent=True))
    eng.place_order("a", mkt("SELL", "0.010", reduce_only=True))
    eng.on_public_trade("BTCUSDT", D(50200), D(1))
    assert (tp.status, tp.executed_qty, tp.expiry_reason) == ("EXPIRED", 0, 4)
    assert eng.account("a").position("BTCUSDT", "BOTH").amount == 0
