"""Balance and margin pre-checks for order placement."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from apps.positions.domain.margin import Shortfall, futures_margin_check, plain, spot_balance_check

SPOT: dict[str, Any] = {
    "quantity": None,
    "quote_quantity": None,
    "price": None,
    "free_base": D("0"),
    "free_quote": D("0"),
    "taker_fee_rate": D("0.001"),
    "maker_fee_rate": D("0.001"),
    "last_price": D("100"),
    "base_asset": "BTC",
    "quote_asset": "USDT",
}


def spot(**fields: Any) -> list[Shortfall]:
    return spot_balance_check(**(SPOT | fields))


@pytest.mark.parametrize(
    "fields",
    [
        # Binance locks exactly quantity x price and takes the fee from the BTC received.
        {"side": "BUY", "order_type": "LIMIT", "quantity": D("1"), "price": D("100"), "free_quote": D("100")},
        {"side": "BUY", "order_type": "MARKET", "quote_quantity": D("100"), "free_quote": D("100")},
        {"side": "BUY", "order_type": "MARKET", "quantity": D("1"), "free_quote": D("100.1")},
        {"side": "SELL", "order_type": "LIMIT", "quantity": D("0.5"), "price": D("1"), "free_base": D("0.5")},
        {"side": "SELL", "order_type": "MARKET", "quantity": D("0.5"), "free_base": D("0.5")},
        {"side": "SELL", "order_type": "MARKET", "quote_quantity": D("50"), "free_base": D("0.5")},
        # No price to estimate a market order with: the exchange decides.
        {"side": "BUY", "order_type": "MARKET", "quantity": D("1"), "last_price": None},
    ],
)
def test_spot_orders_the_balance_covers_pass(fields: dict[str, Any]) -> None:
    assert spot(**fields) == []


@pytest.mark.parametrize(
    ("fields", "field", "required", "available", "asset"),
    [
        (
            {
                "side": "BUY",
                "order_type": "LIMIT",
                "quantity": D("1"),
                "price": D("100"),
                "free_quote": D("99.99"),
            },
            "quantity",
            "100",
            "99.99",
            "USDT",
        ),
        (
            {"side": "BUY", "order_type": "MARKET", "quote_quantity": D("100"), "free_quote": D("99")},
            "quote_quantity",
            "100",
            "99",
            "USDT",
        ),
        (
            # Sized in base, a market buy is an estimate: last price plus one taker fee of headroom.
            {"side": "BUY", "order_type": "MARKET", "quantity": D("1"), "free_quote": D("100.09")},
            "quantity",
            "100.1",
            "100.09",
            "USDT",
        ),
        (
            {
                "side": "BUY",
                "order_type": "STOP_LOSS",
                "quantity": D("1"),
                "price": D("120"),
                "free_quote": D("110"),
            },
            "quantity",
            "120",
            "110",
            "USDT",
        ),
        (
            {
                "side": "SELL",
                "order_type": "LIMIT",
                "quantity": D("0.5"),
                "price": D("1"),
                "free_base": D("0.4"),
            },
            "quantity",
            "0.5",
            "0.4",
            "BTC",
        ),
        (
            {"side": "SELL", "order_type": "MARKET", "quote_quantity": D("50"), "free_base": D("0.4")},
            "quote_quantity",
            "0.5",
            "0.4",
            "BTC",
        ),
    ],
)
def test_spot_shortfalls_name_the_field_the_amounts_and_the_asset(
    fields: dict[str, Any], field: str, required: str, available: str, asset: str
) -> None:
    [shortfall] = spot(**fields)
    assert shortfall.field == field
    assert shortfall.code == "INSUFFICIENT_BALANCE"
    assert (shortfall.required, shortfall.available, shortfall.asset) == (D(required), D(available), asset)
    assert f"needs {required} {asset}" in shortfall.message
    assert f"only {available} {asset} is free" in shortfall.message


def test_futures_margin_is_notional_over_leverage() -> None:
    ok = futures_margin_check(
        quantity=D("0.1"),
        price_or_mark=D("50000"),
        leverage=10,
        available_balance=D("500"),
        open_order_initial_margin=D("0"),
        reduce_only=False,
    )
    assert ok == []


def test_futures_shortfall_explains_required_against_available() -> None:
    [shortfall] = futures_margin_check(
        quantity=D("0.1"),
        price_or_mark=D("50000"),
        leverage=10,
        available_balance=D("550"),
        open_order_initial_margin=D("100"),
        reduce_only=False,
    )
    assert shortfall == Shortfall(
        field="quantity",
        code="INSUFFICIENT_MARGIN",
        required=D("500"),
        available=D("450"),
        asset="USDT",
        message=(
            "This order needs 500 USDT of initial margin (notional 5000 at 10x leverage) "
            "but only 450 USDT is available."
        ),
    )


def test_reduce_only_futures_orders_need_no_margin() -> None:
    result = futures_margin_check(
        quantity=D("10"),
        price_or_mark=D("50000"),
        leverage=1,
        available_balance=D("0"),
        open_order_initial_margin=D("0"),
        reduce_only=True,
    )
    assert result == []


def test_futures_check_refuses_a_non_positive_leverage() -> None:
    with pytest.raises(ValueError):
        futures_margin_check(
            quantity=D("1"),
            price_or_mark=D("1"),
            leverage=0,
            available_balance=D("1"),
            open_order_initial_margin=D("0"),
            reduce_only=False,
        )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1E+3"), "1000"),
        (D("1E-8"), "0.00000001"),
        (D("0E-8"), "0"),
        (D("100.100"), "100.1"),
        (D("1") / D("3"), "0.33333334"),  # required amounts round up, never understating the need
    ],
)
def test_amounts_in_messages_are_plain_decimals(value: D, text: str) -> None:
    assert plain(value) == text
