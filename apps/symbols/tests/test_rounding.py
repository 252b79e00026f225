"""Rounding onto tick and step grids: on the grid, never more aggressive or larger than asked, idempotent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from apps.symbols.domain.exchange_info import parse_symbol
from apps.symbols.domain.filters import round_price, round_qty
from apps.symbols.domain.grid import on_step, places, round_to_step
from apps.symbols.tests.payloads import futures_btcusdt, spot_btcusdt

SPOT = parse_symbol("SPOT", spot_btcusdt())
FUTURES = parse_symbol("USDM", futures_btcusdt())

steps = st.sampled_from(
    [D("0.01000000"), D("0.00001000"), D("0.10"), D(1), D("0.5"), D("0.00000001"), D(10), D("0.25")]
)
values = st.decimals(
    min_value=D("0.00000001"), max_value=D(10_000_000), places=12, allow_nan=False, allow_infinity=False
)
bases = st.sampled_from([D(0), D("556.80"), D("0.001"), D("0.5")])
sides = st.sampled_from(["BUY", "SELL"])


def _grid(step: D) -> object:
    return replace(SPOT, filters=replace(SPOT.filters, tick_size=step, step_size=step))


@given(value=values, step=steps, base=bases)
def test_rounding_lands_on_the_grid_within_one_step_in_the_asked_direction(
    value: D, step: D, base: D
) -> None:
    down = round_to_step(value, step, direction="down", base=base)
    up = round_to_step(value, step, direction="up", base=base)
    assert on_step(down, step, base) and on_step(up, step, base)
    assert down <= value <= up
    assert value - down < step and up - value < step
    assert places(down) <= max(places(step), places(base))


@given(value=values, step=steps, base=bases)
def test_rounding_a_value_on_the_grid_leaves_it_alone(value: D, step: D, base: D) -> None:
    once = round_to_step(value, step, direction="down", base=base)
    assert round_to_step(once, step, direction="down", base=base) == once
    assert round_to_step(once, step, direction="up", base=base) == once


@given(price=values, side=sides, step=steps)
def test_a_rounded_price_is_never_more_aggressive_than_asked(price: D, side: str, step: D) -> None:
    info = _grid(step)
    rounded = round_price(info, price, side=side)  # type: ignore[arg-type]
    if side == "BUY":
        assert rounded <= price
    else:
        assert rounded >= price
    assert on_step(rounded, step)
    assert round_price(info, rounded, side=side) == rounded  # type: ignore[arg-type]


@given(qty=values, step=steps)
def test_a_rounded_quantity_is_never_larger_than_asked(qty: D, step: D) -> None:
    info = _grid(step)
    rounded = round_qty(info, qty)  # type: ignore[arg-type]
    assert rounded <= qty and qty - rounded < step
    assert on_step(rounded, step)
    assert round_qty(info, rounded) == rounded  # type: ignore[arg-type]


@given(price=st.decimals(min_value=D(600), max_value=D(4_000_000), places=4), side=sides)
def test_futures_prices_count_ticks_from_the_minimum_price(price: D, side: str) -> None:
    rounded = round_price(FUTURES, price, side=side)  # type: ignore[arg-type]
    assert on_step(rounded, D("0.10"), D("556.80"))


def test_rounding_examples_read_as_a_trader_expects() -> None:
    assert round_price(SPOT, D("100000.019"), side="BUY") == D("100000.01")
    assert round_price(SPOT, D("100000.011"), side="SELL") == D("100000.02")
    assert str(round_qty(SPOT, D("0.123456789"))) == "0.12345"
    assert str(round_qty(FUTURES, D("1.23456"), market_order=True)) == "1.234"


def test_a_zero_step_means_there_is_no_grid() -> None:
    assert round_to_step(D("1.23456789"), D(0), direction="down") == D("1.23456789")
    assert on_step(D("1.23456789"), D(0))
