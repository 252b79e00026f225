"""What the kill switch sends to flatten: futures closes per side, spot sell-down with step and dust."""

from __future__ import annotations

from decimal import Decimal

from apps.risk.domain.closing import LotRules, futures_close_orders, split, spot_sell_down

D = Decimal
RULES = LotRules(step=D("0.001"), min_qty=D("0.001"), max_qty=D("100"), min_notional=D("5"))


def test_a_long_one_way_position_closes_with_a_reduce_only_sell() -> None:
    (close,) = futures_close_orders(symbol="BTCUSDT", position_side="BOTH", amount=D("0.5"), rules=RULES)
    assert (close.side, close.quantity, close.reduce_only, close.position_side) == (
        "SELL",
        D("0.5"),
        True,
        "BOTH",
    )


def test_a_hedge_short_closes_with_a_buy_on_its_side_and_no_reduce_only_flag() -> None:
    (close,) = futures_close_orders(symbol="BTCUSDT", position_side="SHORT", amount=D("-2"), rules=RULES)
    assert (close.side, close.quantity, close.reduce_only, close.position_side) == (
        "BUY",
        D("2"),
        False,
        "SHORT",
    )


def test_a_flat_position_needs_nothing_and_a_big_one_is_split_by_the_market_lot_maximum() -> None:
    assert futures_close_orders(symbol="X", position_side="BOTH", amount=D(0), rules=RULES) == []
    closes = futures_close_orders(symbol="X", position_side="BOTH", amount=D("250"), rules=RULES)
    assert [c.quantity for c in closes] == [D("100"), D("100"), D("50")]
    assert split(D("5"), D("0")) == [D("5")]


def test_spot_sells_down_to_the_keep_amount_rounded_down_to_the_step() -> None:
    sale = spot_sell_down(
        asset="BTC", symbol="BTCUSDT", free=D("1.23456"), keep=D("0.2"), rules=RULES, price=D("50000")
    )
    assert sale is not None
    assert sale.quantities == (D("1.034"),)
    assert sale.dust == D("0.00056")


def test_nothing_above_the_keep_amount_means_nothing_to_sell() -> None:
    assert (
        spot_sell_down(asset="BNB", symbol="BNBUSDT", free=D("0.5"), keep=D("0.5"), rules=RULES, price=D("1"))
        is None
    )


def test_what_is_below_the_minimum_quantity_or_notional_is_reported_as_dust() -> None:
    tiny = spot_sell_down(
        asset="BTC", symbol="BTCUSDT", free=D("0.0005"), keep=D(0), rules=RULES, price=D("50000")
    )
    assert tiny is not None and tiny.quantities == () and "minimum quantity" in tiny.note
    cheap = spot_sell_down(
        asset="XRP", symbol="XRPUSDT", free=D("0.004"), keep=D(0), rules=RULES, price=D("1")
    )
    assert (
        cheap is not None and cheap.quantities == () and cheap.dust == D("0.004") and "notional" in cheap.note
    )


def test_an_asset_without_a_market_is_reported_not_sold() -> None:
    sale = spot_sell_down(asset="ABC", symbol="ABCUSDT", free=D("3"), keep=D(0), rules=None, price=None)
    assert sale is not None and sale.quantities == () and "no market" in sale.note
