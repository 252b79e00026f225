"""Matching-engine behaviour against a fake market: priority, TIF, STP, icebergs, stops, locks."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from simulator.errors import BinanceError
from simulator.spot.domain.enums import OrderStatus, OrderType, Side, StpMode, TimeInForce
from simulator.spot.domain.requests import NewOrder
from simulator.spot.tests.fakes import make_engine

BTC = "BTCUSDT"


def limit(side: Side, qty: str, price: str, tif: TimeInForce = TimeInForce.GTC, **kw: Any) -> NewOrder:
    return NewOrder(
        symbol=BTC, side=side, type=OrderType.LIMIT, quantity=D(qty), price=D(price), time_in_force=tif, **kw
    )


def market(side: Side, qty: str | None = None, quote: str | None = None) -> NewOrder:
    return NewOrder(
        symbol=BTC,
        side=side,
        type=OrderType.MARKET,
        quantity=D(qty) if qty else None,
        quote_order_qty=D(quote) if quote else None,
    )


def bal(engine: Any, acc: str, asset: str) -> tuple[D, D]:
    b = engine.ledger.balance(acc, asset)
    return b.free, b.locked


def test_market_buy_walks_synthetic_levels_best_first_and_pays_taker_fee() -> None:
    engine, market_, _ = make_engine()
    order, fills = engine.place("a", market(Side.BUY, "1.5"))
    assert order.status == OrderStatus.FILLED
    assert [(f["price"], f["qty"]) for f in fills] == [
        ("50001.00000000", "1.00000000"),
        ("50002.00000000", "0.50000000"),
    ]
    assert order.cum_quote == D("75002")
    assert bal(engine, "a", "BTC") == (D("3.4985"), 0)  # 2 + 1.5 - 0.1% taker fee in BTC
    assert bal(engine, "a", "USDT") == (D("24998"), 0)
    assert market_.recorded[0] == (BTC, D("50001"), D("1"), False)


def test_market_buy_by_quote_amount_spends_at_most_the_quote() -> None:
    engine, _, _ = make_engine()
    order, _ = engine.place("a", market(Side.BUY, quote="60000"))
    assert order.status == OrderStatus.FILLED
    assert order.cum_quote <= D(60000)
    assert order.executed_qty == D("1.19997")  # 1 @50001 + floor(9999 / 50002, step 0.00001)
    assert order.quote_order_qty == D(60000)


def test_market_order_expires_what_the_book_cannot_fill() -> None:
    engine, _, _ = make_engine()
    order, _ = engine.place("a", market(Side.SELL, "2"))  # bids hold 3 BTC, but `a` has exactly 2
    assert order.status == OrderStatus.FILLED
    engine.set_balances("a", {"BTC": D(10)})
    order, _ = engine.place("a", market(Side.SELL, "5"))
    assert order.status == OrderStatus.EXPIRED and order.executed_qty == D(3)


def test_users_match_each_other_price_then_time_priority() -> None:
    engine, _, _ = make_engine(with_liquidity=False)
    first, _ = engine.place("a", limit(Side.SELL, "0.5", "50500"))
    second, _ = engine.place("b", limit(Side.SELL, "0.5", "50500"))
    better, _ = engine.place("b", limit(Side.SELL, "0.2", "50400"))
    taker, fills = engine.place("a", limit(Side.BUY, "0.9", "50600", stp_mode=StpMode.NONE))
    assert [(f["price"], f["qty"]) for f in fills] == [
        ("50400.00000000", "0.20000000"),
        ("50500.00000000", "0.50000000"),
        ("50500.00000000", "0.20000000"),
    ]
    assert taker.status == OrderStatus.FILLED
    assert (better.status, first.status, second.status) == (
        OrderStatus.FILLED,
        OrderStatus.FILLED,
        OrderStatus.PARTIALLY_FILLED,
    )
    assert engine.book(BTC).depth(Side.SELL) == {D(50500): D("0.3")}


@pytest.mark.parametrize(
    ("tif", "status", "executed"),
    [
        (TimeInForce.IOC, OrderStatus.EXPIRED, D(3)),
        (TimeInForce.FOK, OrderStatus.EXPIRED, D(0)),
        (TimeInForce.GTC, OrderStatus.PARTIALLY_FILLED, D(3)),
    ],
)
def test_time_in_force_decides_what_happens_to_the_remainder(
    tif: TimeInForce, status: OrderStatus, executed: D
) -> None:
    engine, _, _ = make_engine()
    engine.set_balances("a", {"USDT": D(300000)})
    order, _ = engine.place("a", limit(Side.BUY, "4", "50002", tif))
    assert (order.status, order.executed_qty) == (status, executed)
    _, locked = bal(engine, "a", "USDT")
    assert locked == (D("50002") if status == OrderStatus.PARTIALLY_FILLED else 0)


def test_fok_that_can_fill_fills_completely() -> None:
    engine, _, _ = make_engine()
    engine.set_balances("a", {"USDT": D(300000)})
    order, fills = engine.place("a", limit(Side.BUY, "3", "50002", TimeInForce.FOK))
    assert order.status == OrderStatus.FILLED and len(fills) == 2


def test_limit_maker_that_would_take_is_rejected() -> None:
    engine, _, _ = make_engine()
    with pytest.raises(BinanceError) as info:
        engine.place(
            "a",
            NewOrder(
                symbol=BTC, side=Side.BUY, type=OrderType.LIMIT_MAKER, quantity=D("0.1"), price=D("50001")
            ),
        )
    assert (info.value.code, info.value.msg) == (-2010, "Order would immediately match and take.")
    assert bal(engine, "a", "USDT") == (D(100000), 0)


@pytest.mark.parametrize(
    ("mode", "taker_status", "maker_status"),
    [
        (StpMode.EXPIRE_TAKER, OrderStatus.EXPIRED_IN_MATCH, OrderStatus.NEW),
        (StpMode.EXPIRE_MAKER, OrderStatus.NEW, OrderStatus.EXPIRED_IN_MATCH),
        (StpMode.EXPIRE_BOTH, OrderStatus.EXPIRED_IN_MATCH, OrderStatus.EXPIRED_IN_MATCH),
        (StpMode.NONE, OrderStatus.FILLED, OrderStatus.FILLED),
    ],
)
def test_self_trade_prevention_modes(
    mode: StpMode, taker_status: OrderStatus, maker_status: OrderStatus
) -> None:
    engine, _, events = make_engine(with_liquidity=False)
    maker, _ = engine.place("a", limit(Side.SELL, "0.5", "50500"))
    taker, _ = engine.place("a", limit(Side.BUY, "0.5", "50500", stp_mode=mode))
    assert (taker.status, maker.status) == (taker_status, maker_status)
    prevented = [e for _, e in events if e.get("x") == "TRADE_PREVENTION"]
    if mode != StpMode.NONE:
        assert prevented and prevented[0]["X"] == "EXPIRED_IN_MATCH" and "v" in prevented[0]
    assert engine.ledger.totals() == {"USDT": D(200000), "BTC": D(4)}


def test_symbol_default_stp_mode_is_used_when_none_is_sent() -> None:
    engine, _, _ = make_engine()
    order, _ = engine.place("a", limit(Side.BUY, "0.1", "40000"))
    assert order.stp_mode == StpMode.EXPIRE_MAKER


def test_iceberg_shows_only_its_slice_and_requeues_behind_the_level() -> None:
    engine, _, _ = make_engine(with_liquidity=False)
    ice, _ = engine.place("a", limit(Side.SELL, "1", "50500", iceberg_qty=D("0.2")))
    plain, _ = engine.place("b", limit(Side.SELL, "0.3", "50500"))
    assert engine.book(BTC).depth(Side.SELL) == {D(50500): D("0.5")}
    _, fills = engine.place("b", limit(Side.BUY, "0.4", "50500", stp_mode=StpMode.NONE))
    # 0.2 from the iceberg slice, then the plain order (the refreshed slice went to the back).
    assert [f["qty"] for f in fills] == ["0.20000000", "0.20000000"]
    assert plain.executed_qty == D("0.2") and ice.executed_qty == D("0.2")


def test_insufficient_balance_is_rejected_and_nothing_moves() -> None:
    engine, _, _ = make_engine()
    with pytest.raises(BinanceError) as info:
        engine.place("a", limit(Side.BUY, "3", "40000"))
    assert (info.value.code, info.value.msg) == (
        -2010,
        "Account has insufficient balance for requested action.",
    )
    assert bal(engine, "a", "USDT") == (D(100000), 0) and not engine.orders


def test_duplicate_client_order_id_is_rejected_only_while_the_first_is_open() -> None:
    engine, _, _ = make_engine()
    first, _ = engine.place("a", limit(Side.BUY, "0.1", "40000", client_order_id="mine"))
    with pytest.raises(BinanceError) as info:
        engine.place("a", limit(Side.BUY, "0.1", "40000", client_order_id="mine"))
    assert (info.value.code, info.value.msg) == (-2010, "Duplicate order sent.")
    engine.cancel("a", BTC, order_id=first.order_id)
    again, _ = engine.place("a", limit(Side.BUY, "0.1", "40000", client_order_id="mine"))
    assert engine.find("a", BTC, None, "mine") is again


def test_cancel_releases_the_lock_and_reports_both_client_ids() -> None:
    engine, _, events = make_engine()
    order, _ = engine.place("a", limit(Side.BUY, "1", "40000"))
    assert bal(engine, "a", "USDT") == (D(60000), D(40000))
    view = engine.cancel("a", BTC, order_id=order.order_id, new_client_id_="cancel1")
    assert view["status"] == "CANCELED" and view["clientOrderId"] == "cancel1"
    assert view["origClientOrderId"] == order.client_order_id
    assert bal(engine, "a", "USDT") == (D(100000), 0)
    report = next(e for _, e in events if e.get("x") == "CANCELED")
    assert (report["c"], report["C"]) == ("cancel1", order.client_order_id)
    with pytest.raises(BinanceError) as info:
        engine.cancel("a", BTC, order_id=order.order_id)
    assert (info.value.code, info.value.msg) == (-2011, "Unknown order sent.")


def test_cancel_restrictions() -> None:
    engine, _, _ = make_engine()
    order, _ = engine.place("a", limit(Side.BUY, "1", "40000"))
    with pytest.raises(BinanceError) as info:
        engine.cancel("a", BTC, order_id=order.order_id, restrictions="ONLY_PARTIALLY_FILLED")
    assert info.value.msg == "Order was not canceled due to cancel restrictions."


def test_public_trades_fill_resting_orders_they_trade_through() -> None:
    engine, _, events = make_engine()
    deep, _ = engine.place("a", limit(Side.BUY, "0.5", "49000"))
    touch, _ = engine.place("b", limit(Side.BUY, "0.5", "48990"))
    engine.on_public_trade(BTC, D(48990), D("0.2"), 0)
    assert deep.status == OrderStatus.FILLED  # priced above the print: the level was exhausted
    assert touch.executed_qty == D("0.2") and touch.status == OrderStatus.PARTIALLY_FILLED
    maker_report = next(e for acc, e in events if e.get("x") == "TRADE" and acc == "a")
    assert maker_report["m"] is True and maker_report["L"] == "49000.00000000"
    assert bal(engine, "a", "BTC")[0] == D(2) + D("0.5") - D("0.0005")


def test_stop_loss_sell_triggers_on_a_print_at_or_below_its_stop() -> None:
    engine, _, _ = make_engine()
    stop, _ = engine.place(
        "a",
        NewOrder(
            symbol=BTC, side=Side.SELL, type=OrderType.STOP_LOSS, quantity=D("0.5"), stop_price=D(49500)
        ),
    )
    assert stop.working_time == -1 and bal(engine, "a", "BTC") == (D("1.5"), D("0.5"))
    engine.on_public_trade(BTC, D(49600), D(1), 0)
    assert stop.status == OrderStatus.NEW
    engine.on_public_trade(BTC, D(49500), D(1), 0)
    assert stop.status == OrderStatus.FILLED and stop.working_time > 0


def test_stop_that_would_trigger_immediately_is_rejected() -> None:
    engine, _, _ = make_engine()
    with pytest.raises(BinanceError) as info:
        engine.place(
            "a",
            NewOrder(
                symbol=BTC,
                side=Side.BUY,
                type=OrderType.STOP_LOSS_LIMIT,
                quantity=D("0.1"),
                price=D(49000),
                stop_price=D(49000),
                time_in_force=TimeInForce.GTC,
            ),
        )
    assert (info.value.code, info.value.msg) == (-2010, "Order would trigger immediately.")


def test_trailing_stop_follows_the_peak_then_fires_on_the_pullback() -> None:
    engine, _, _ = make_engine()
    order, _ = engine.place(
        "a",
        NewOrder(symbol=BTC, side=Side.SELL, type=OrderType.STOP_LOSS, quantity=D("0.1"), trailing_delta=100),
    )  # 1%
    for price in (50500, 51000, 50600):
        engine.on_public_trade(BTC, D(price), D(1), 0)
    assert order.status == OrderStatus.NEW and order.trail_peak == D(51000)
    engine.on_public_trade(BTC, D(50490), D(1), 0)
    assert order.status == OrderStatus.FILLED


def test_amend_keep_priority_lowers_quantity_and_releases_the_lock() -> None:
    engine, _, events = make_engine()
    order, _ = engine.place("a", limit(Side.BUY, "1", "40000", client_order_id="orig"))
    out = engine.amend(
        "a", BTC, order_id=order.order_id, client_id=None, new_qty=D("0.4"), new_client_id_="amended"
    )
    assert out["amendedOrder"]["qty"] == "0.40000000" and out["amendedOrder"]["origClientOrderId"] == "orig"
    assert bal(engine, "a", "USDT") == (D(84000), D(16000))
    with pytest.raises(BinanceError) as info:
        engine.amend("a", BTC, order_id=order.order_id, client_id=None, new_qty=D("0.5"), new_client_id_=None)
    assert info.value.code == -2038
    assert [e["x"] for _, e in events if e["e"] == "executionReport"][-1] == "REPLACED"


def test_closed_market_rejects_orders() -> None:
    engine, _, _ = make_engine()
    engine.symbols.update("spot", BTC, status="HALT")
    try:
        with pytest.raises(BinanceError) as info:
            engine.place("a", limit(Side.BUY, "0.1", "40000"))
        assert (info.value.code, info.value.msg) == (-2010, "Market is closed.")
    finally:
        engine.symbols.update("spot", BTC, status="TRADING")


def test_state_survives_a_dump_and_load() -> None:
    engine, _, _ = make_engine()
    engine.place("a", limit(Side.BUY, "0.5", "40000", client_order_id="keep"))
    engine.place("a", market(Side.BUY, "0.1"))
    engine.place(
        "b",
        NewOrder(
            symbol=BTC, side=Side.SELL, type=OrderType.STOP_LOSS, quantity=D("0.1"), stop_price=D(45000)
        ),
    )
    state = engine.dump_state()
    copy, _, _ = make_engine()
    copy.load_state(state)
    assert copy.ledger.totals() == engine.ledger.totals()
    assert copy.find("a", BTC, None, "keep").status == OrderStatus.NEW
    assert copy.book(BTC).depth(Side.BUY) == {D(40000): D("0.5")}
    assert len(copy.trades["a"]) == len(engine.trades["a"])
    copy.on_public_trade(BTC, D(44000), D(1), 0)
    assert next(o for o in copy.orders.values() if o.type == OrderType.STOP_LOSS).status == OrderStatus.FILLED
    nxt, _ = copy.place("a", limit(Side.BUY, "0.1", "40000"))
    assert nxt.order_id == engine.next_order_id


def test_decrement_stp_removes_the_overlap_from_both_orders() -> None:
    engine, _, _ = make_engine(with_liquidity=False)
    maker, _ = engine.place("a", limit(Side.SELL, "0.5", "50500"))
    other, _ = engine.place("b", limit(Side.SELL, "0.5", "50600"))
    taker, fills = engine.place("a", limit(Side.BUY, "0.8", "50600", stp_mode=StpMode.DECREMENT))
    assert maker.status == OrderStatus.EXPIRED_IN_MATCH and maker.prevented_qty == D("0.5")
    assert [f["qty"] for f in fills] == ["0.30000000"] and other.executed_qty == D("0.3")
    assert taker.status == OrderStatus.FILLED and taker.decremented == D("0.5")
    assert bal(engine, "a", "USDT")[1] == 0 and bal(engine, "a", "BTC")[1] == 0


def test_delisting_expires_open_orders_on_the_next_tick() -> None:
    engine, _, events = make_engine()
    order, _ = engine.place("a", limit(Side.BUY, "0.1", "40000"))
    engine.symbols.update("spot", BTC, status="delist")
    try:
        engine.on_tick(0, 0)
        assert order.status == OrderStatus.EXPIRED and order.expiry_reason == "EXCHANGE_CANCELED"
        assert bal(engine, "a", "USDT") == (D(100000), 0)
        assert next(e for _, e in events if e.get("x") == "EXPIRED")["eR"] == "EXCHANGE_CANCELED"
    finally:
        engine.symbols.update("spot", BTC, status="TRADING")


def test_funding_emits_balance_update_then_account_position() -> None:
    engine, _, events = make_engine()
    engine.set_balances("a", {"ETH": D(5)})
    assert [e["e"] for _, e in events] == ["balanceUpdate", "outboundAccountPosition"]
    assert events[0][1]["d"] == "5.00000000" and events[0][1]["a"] == "ETH"
    assert events[1][1]["B"] == [{"a": "ETH", "f": "5.00000000", "l": "0.00000000"}]


def test_market_buy_reserves_for_the_depth_it_reaches_past_its_own_orders() -> None:
    engine, _, _ = make_engine()
    engine.place("a", limit(Side.SELL, "0.5", "50000.5"))
    order, fills = engine.place("a", market(Side.BUY, "0.5"))  # own ask expires (EXPIRE_MAKER default)
    assert order.status == OrderStatus.FILLED and fills[0]["price"] == "50001.00000000"
    assert bal(engine, "a", "USDT") == (D(100000) - D("25000.5"), 0)
