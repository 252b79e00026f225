"""The pure pre-trade checks, by table: under, at and over each limit; reduce-only; overrides."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from apps.config.domain.checks import (
    OrderAsk,
    RiskSnapshot,
    check_correlated_exposure,
    check_daily_loss,
    check_drawdown,
    check_gross_exposure,
    check_leverage,
    check_open_orders,
    check_order,
    check_order_notional,
    check_order_rate,
    check_position_notional,
    check_price_band,
    order_ask,
)
from apps.config.domain.limits import effective_limits
from apps.config.models import RiskLimits

KEY = "USDM:BTCUSDT"


def limits(**changes: object) -> object:
    values = {**RiskLimits().values(), **changes}
    return effective_limits(values, None)


LIMITS = limits(
    max_order_notional=D(1000),
    max_position_notional=D(5000),
    max_gross_exposure=D(20000),
    max_leverage=10,
    max_open_orders_per_symbol=5,
    max_open_orders_total=10,
    price_band_pct=D(10),
    max_orders_per_minute=30,
    daily_loss_limit=D(500),
    max_drawdown_pct=D(20),
    correlation_threshold=D("0.8"),
    max_correlated_exposure=D(8000),
)


def buy(notional: str, *, price: str | None = None, reduce_only: bool = False, side: str = "BUY") -> OrderAsk:
    return OrderAsk(KEY, side, D(notional), D(price) if price else None, reduce_only=reduce_only)


def names(found: list) -> list[str]:
    return [v.limit for v in found]


@pytest.mark.parametrize(
    ("notional", "broken"),
    [("999.99", False), ("1000", False), ("1000.01", True)],
    ids=["under", "at", "over"],
)
def test_order_notional_is_refused_only_above_the_limit(notional: str, broken: bool) -> None:
    found = check_order_notional(buy(notional), RiskSnapshot(), LIMITS)
    assert bool(found) is broken
    if broken:
        v = found[0]
        assert (v.limit, v.limit_value, v.requested, v.field) == (
            "max_order_notional",
            D(1000),
            D(notional),
            "quantity",
        )
        assert "1,000.01 USDT" in v.message and "1,000.00 USDT" in v.message


@pytest.mark.parametrize(
    ("held", "notional", "broken"),
    [("4000", "999", False), ("4000", "1000", False), ("4000", "1000.5", True), ("-4000", "1000", False)],
    ids=["under", "at", "over", "short-reduced-by-a-buy"],
)
def test_position_notional_counts_the_position_after_the_order(
    held: str, notional: str, broken: bool
) -> None:
    found = check_position_notional(buy(notional), RiskSnapshot(position_notional=D(held)), LIMITS)
    assert bool(found) is broken
    if broken:
        assert (found[0].current, found[0].requested) == (D(4000), D(held) + D(notional))


def test_a_position_already_over_its_limit_may_shrink_but_not_grow() -> None:
    snap = RiskSnapshot(position_notional=D(7000))
    assert check_position_notional(buy("100", side="SELL"), snap, LIMITS) == []
    assert names(check_position_notional(buy("100"), snap, LIMITS)) == ["max_position_notional"]


@pytest.mark.parametrize(
    ("gross", "notional", "broken"),
    [("19000", "999", False), ("19000", "1000", False), ("19000", "1000.01", True)],
    ids=["under", "at", "over"],
)
def test_gross_exposure_adds_the_order_to_every_other_holding(
    gross: str, notional: str, broken: bool
) -> None:
    found = check_gross_exposure(buy(notional), RiskSnapshot(gross_exposure=D(gross)), LIMITS)
    assert bool(found) is broken


@pytest.mark.parametrize(
    ("group", "notional", "broken"),
    [("7000", "999", False), ("7000", "1000", False), ("7000", "1001", True)],
    ids=["under", "at", "over"],
)
def test_correlated_exposure_sums_the_group(group: str, notional: str, broken: bool) -> None:
    snap = RiskSnapshot(correlated=frozenset({KEY, "USDM:ETHUSDT"}), correlated_exposure=D(group))
    found = check_correlated_exposure(buy(notional), snap, LIMITS)
    assert bool(found) is broken
    if broken:
        assert "USDM:ETHUSDT" in found[0].message


def test_a_symbol_alone_is_not_a_correlated_group() -> None:
    snap = RiskSnapshot(correlated=frozenset({KEY}), correlated_exposure=D(7999))
    assert check_correlated_exposure(buy("1000"), snap, LIMITS) == []


@pytest.mark.parametrize(("leverage", "broken"), [(9, False), (10, False), (11, True), (None, False)])
def test_leverage_setting_above_the_limit_refuses_new_risk(leverage: int | None, broken: bool) -> None:
    found = check_leverage(buy("10"), RiskSnapshot(leverage=leverage), LIMITS)
    assert bool(found) is broken
    if broken:
        assert found[0].field == "symbol"


@pytest.mark.parametrize(
    ("per_symbol", "total", "expected"),
    [
        (3, 8, []),
        (4, 9, []),  # the order makes 5 and 10: at both limits
        (5, 9, ["max_open_orders_per_symbol"]),
        (4, 10, ["max_open_orders_total"]),
        (5, 10, ["max_open_orders_per_symbol", "max_open_orders_total"]),
    ],
)
def test_open_orders_per_symbol_and_in_total(per_symbol: int, total: int, expected: list[str]) -> None:
    snap = RiskSnapshot(open_orders_symbol=per_symbol, open_orders_total=total)
    assert names(check_open_orders(buy("1"), snap, LIMITS)) == expected


@pytest.mark.parametrize(("last_minute", "broken"), [(28, False), (29, False), (30, True)])
def test_orders_per_minute(last_minute: int, broken: bool) -> None:
    assert bool(check_order_rate(buy("1"), RiskSnapshot(orders_last_minute=last_minute), LIMITS)) is broken


@pytest.mark.parametrize(
    ("price", "broken"),
    [("109.99", False), ("110", False), ("110.01", True), ("90", False), ("89.99", True)],
    ids=["under-above", "at-above", "over-above", "at-below", "over-below"],
)
def test_price_band_around_the_reference(price: str, broken: bool) -> None:
    snap = RiskSnapshot(reference_price=D(100), reference_source="mark price")
    found = check_price_band(buy("10", price=price), snap, LIMITS)
    assert bool(found) is broken
    if broken:
        assert found[0].field == "price" and "mark price 100" in found[0].message


def test_price_band_is_skipped_without_a_reference_price() -> None:
    assert check_price_band(buy("10", price="1"), RiskSnapshot(reference_price=None), LIMITS) == []


@pytest.mark.parametrize(
    ("pnl", "broken"), [("-499.99", False), ("-500", False), ("-500.01", True), ("800", False)]
)
def test_daily_loss(pnl: str, broken: bool) -> None:
    assert bool(check_daily_loss(buy("10"), RiskSnapshot(daily_pnl=D(pnl)), LIMITS)) is broken


@pytest.mark.parametrize(("equity", "broken"), [("8001", False), ("8000", False), ("7999", True)])
def test_drawdown_from_the_equity_peak(equity: str, broken: bool) -> None:
    snap = RiskSnapshot(equity=D(equity), equity_peak=D(10000))
    assert bool(check_drawdown(buy("10"), snap, LIMITS)) is broken


def _breaking_everything() -> RiskSnapshot:
    return RiskSnapshot(
        position_notional=D(4900),
        gross_exposure=D(19900),
        correlated=frozenset({KEY, "USDM:ETHUSDT"}),
        correlated_exposure=D(7900),
        open_orders_symbol=5,
        open_orders_total=10,
        orders_last_minute=30,
        reference_price=D(100),
        reference_source="mark price",
        leverage=20,
        daily_pnl=D(-600),
        equity=D(7000),
        equity_peak=D(10000),
    )


def test_every_violation_is_reported_at_once() -> None:
    found = check_order(buy("2000", price="150"), _breaking_everything(), LIMITS)
    assert names(found) == [
        "price_band_pct",
        "max_order_notional",
        "max_position_notional",
        "max_gross_exposure",
        "max_correlated_exposure",
        "max_leverage",
        "max_open_orders_per_symbol",
        "max_open_orders_total",
        "max_orders_per_minute",
        "daily_loss_limit",
        "max_drawdown_pct",
    ]
    assert all(v.message and v.field for v in found)


def test_reduce_only_passes_the_risk_adding_checks_but_not_the_band_counts_or_rate() -> None:
    found = check_order(
        buy("2000", price="150", reduce_only=True, side="SELL"), _breaking_everything(), LIMITS
    )
    assert names(found) == [
        "price_band_pct",
        "max_open_orders_per_symbol",
        "max_open_orders_total",
        "max_orders_per_minute",
    ]


def test_reduce_only_within_the_band_passes_even_at_a_loss_and_in_drawdown() -> None:
    snap = replace(_breaking_everything(), open_orders_symbol=0, open_orders_total=0, orders_last_minute=0)
    assert check_order(buy("2000", price="101", reduce_only=True, side="SELL"), snap, LIMITS) == []


def test_a_closing_order_without_the_flag_passes_loss_and_drawdown() -> None:
    snap = RiskSnapshot(position_notional=D(3000), daily_pnl=D(-900), equity=D(1), equity_peak=D(10))
    assert check_order(buy("1000", side="SELL"), snap, LIMITS) == []
    assert names(check_order(buy("1000"), snap, LIMITS)) == ["daily_loss_limit", "max_drawdown_pct"]


def test_overrides_replace_only_the_fields_they_set() -> None:
    base = {**RiskLimits().values(), "max_order_notional": D(1000), "price_band_pct": D(10)}
    merged = effective_limits(base, {"max_order_notional": D(50), "price_band_pct": None, "max_leverage": 3})
    assert (merged.max_order_notional, merged.price_band_pct, merged.max_leverage) == (D(50), D(10), 3)
    assert merged.overridden == frozenset({"max_order_notional", "max_leverage"})
    assert names(check_order_notional(buy("51"), RiskSnapshot(), merged)) == ["max_order_notional"]
    assert check_order_notional(buy("51"), RiskSnapshot(), effective_limits(base, None)) == []


@pytest.mark.parametrize(
    ("kwargs", "notional", "size_field"),
    [
        ({"quantity": D(2), "price": D(100)}, D(200), "quantity"),
        ({"quantity": D(2), "stop_price": D(90)}, D(180), "quantity"),
        ({"quantity": D(2), "reference_price": D(95)}, D(190), "quantity"),
        ({"quote_quantity": D(250)}, D(250), "quote_quantity"),
        ({"quantity": D(2)}, None, "quantity"),  # MARKET order, no price known: no notional
    ],
)
def test_order_ask_values_the_order(kwargs: dict, notional: D | None, size_field: str) -> None:
    values = {
        "quantity": None,
        "quote_quantity": None,
        "price": None,
        "stop_price": None,
        "reference_price": None,
    }
    ask = order_ask(key=KEY, side="BUY", quote_usdt=D(1), reduce_only=False, **{**values, **kwargs})
    assert (ask.notional, ask.size_field) == (notional, size_field)


def test_order_ask_converts_a_non_usdt_quote() -> None:
    ask = order_ask(
        key="SPOT:ETHBTC",
        side="BUY",
        quantity=D(2),
        quote_quantity=None,
        price=D("0.05"),
        stop_price=None,
        reference_price=None,
        quote_usdt=D(60000),
        reduce_only=False,
    )
    assert ask.notional == D(6000)
