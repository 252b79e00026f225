"""Filter validation, one table per market: each filter passing and failing with Binance's own wording.

Spot: BTCUSDT as recorded in August 2025 (tick 0.01, step 0.00001, notional 5..9,000,000, bids and asks
within 0.2x..5x of the average price). Futures: BTCUSDT USD-M from the same month (tick 0.10 from
556.80, step 0.001, market orders up to 120, notional at least 100, limits within 0.95x..1.05x of mark).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from apps.symbols.domain.exchange_info import parse_symbol
from apps.symbols.domain.filters import OpenOrders, OrderIntent, validate_order
from apps.symbols.tests.payloads import futures_btcusdt, spot_btcusdt

SPOT = parse_symbol("SPOT", spot_btcusdt())
FUTURES = parse_symbol("USDM", futures_btcusdt())
AVG = D(100000)


def limit(side: str = "BUY", qty: str = "0.001", price: str = "100000", **extra: object) -> OrderIntent:
    return OrderIntent(side=side, type="LIMIT", quantity=D(qty), price=D(price), **extra)  # type: ignore[arg-type]


def market(side: str = "BUY", qty: str = "0.001", **extra: object) -> OrderIntent:
    return OrderIntent(side=side, type="MARKET", quantity=D(qty), **extra)  # type: ignore[arg-type]


SPOT_CASES = [
    ("a limit order inside every filter", limit(), None, None),
    ("a price off the tick", limit(price="100000.005"), "PRICE_FILTER", "price"),
    ("a price below minPrice", limit(price="0.001"), "PRICE_FILTER", "price"),
    ("a price above maxPrice", limit(side="SELL", price="2000000"), "PRICE_FILTER", "price"),
    (
        "a stop price off the tick",
        OrderIntent(
            side="SELL",
            type="STOP_LOSS_LIMIT",
            quantity=D("0.001"),
            price=D(99000),
            stop_price=D("99000.001"),
        ),
        "PRICE_FILTER",
        "stop_price",
    ),
    ("a bid below 0.2x the average", limit(price="19999.99", qty="1"), "PERCENT_PRICE_BY_SIDE", "price"),
    ("an ask above 5x the average", limit(side="SELL", price="500000.01"), "PERCENT_PRICE_BY_SIDE", "price"),
    ("a quantity below minQty", limit(qty="0.000001"), "LOT_SIZE", "quantity"),
    ("a quantity off the step", limit(qty="0.000015"), "LOT_SIZE", "quantity"),
    ("a quantity above maxQty", limit(qty="9001", price="20000"), "LOT_SIZE", "quantity"),
    ("a limit worth less than minNotional", limit(qty="0.00004"), "NOTIONAL", "quantity"),
    ("a limit worth more than maxNotional", limit(qty="91"), "NOTIONAL", "quantity"),
    ("a market order above the market maxQty", market(qty="98"), "MARKET_LOT_SIZE", "quantity"),
    ("a market order worth less than minNotional", market(qty="0.00004"), "NOTIONAL", "quantity"),
    # applyMaxToMarket is false: a big market order is not held to maxNotional.
    ("a market order worth more than maxNotional", market(qty="97"), None, None),
    (
        "an iceberg in too many parts",
        limit(qty="0.01", iceberg_qty=D("0.0001")),
        "ICEBERG_PARTS",
        "iceberg_qty",
    ),
    ("an iceberg part as big as the order", limit(iceberg_qty=D("0.001")), "ICEBERG_PARTS", "iceberg_qty"),
    (
        "a trailing delta below the minimum",
        OrderIntent(side="SELL", type="STOP_LOSS", quantity=D("0.001"), trailing_delta=5),
        "TRAILING_DELTA",
        "trailing_delta",
    ),
]


@pytest.mark.parametrize(
    ("case", "order", "filter_type", "field"), SPOT_CASES, ids=[c[0] for c in SPOT_CASES]
)
def test_spot_names_the_failing_filter_in_binance_words(
    case: str, order: OrderIntent, filter_type: str | None, field: str | None
) -> None:
    violations = validate_order(SPOT, order, reference_price=AVG)
    if filter_type is None:
        assert violations == []
        return
    first = violations[0]
    assert (first.filter, first.field, first.code) == (filter_type, field, -1013)
    assert first.binance_message == f"Filter failure: {filter_type}"
    assert first.explanation


@pytest.mark.parametrize(
    ("open_orders", "order_type", "filter_type"),
    [
        (OpenOrders(total=199), "LIMIT", None),
        (OpenOrders(total=200), "LIMIT", "MAX_NUM_ORDERS"),
        (OpenOrders(total=10, algo=5), "STOP_LOSS_LIMIT", "MAX_NUM_ALGO_ORDERS"),
        (OpenOrders(total=10, algo=5), "LIMIT", None),
    ],
)
def test_spot_counts_open_orders_against_the_max_num_filters(
    open_orders: OpenOrders, order_type: str, filter_type: str | None
) -> None:
    order = OrderIntent(
        side="SELL",
        type=order_type,
        quantity=D("0.001"),
        price=D(101000),
        stop_price=D(101000) if order_type != "LIMIT" else None,
    )
    violations = validate_order(SPOT, order, reference_price=AVG, open_orders=open_orders)
    assert [v.filter for v in violations] == ([filter_type] if filter_type else [])


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (limit(qty="0"), "Invalid quantity."),
        (limit(price="0"), "Invalid price."),
        (limit(qty="0.000010001"), "Parameter 'quantity' has too much precision."),
        (limit(price="100000.000000001"), "Parameter 'price' has too much precision."),
    ],
)
def test_spot_refuses_malformed_numbers_before_any_filter(order: OrderIntent, message: str) -> None:
    violations = validate_order(SPOT, order, reference_price=AVG)
    assert violations[0].binance_message == message


def test_spot_reports_every_violation_in_the_order_the_symbol_lists_its_filters() -> None:
    violations = validate_order(SPOT, limit(qty="0.000015", price="19999.995"), reference_price=AVG)
    assert [v.filter for v in violations] == ["PRICE_FILTER", "LOT_SIZE", "PERCENT_PRICE_BY_SIDE", "NOTIONAL"]


def test_the_explanation_names_the_limit_and_the_nearest_valid_values() -> None:
    (violation,) = validate_order(SPOT, limit(price="100000.005"), reference_price=AVG)
    assert violation.explanation == (
        "Price 100000.005 does not fit the step of 0.01; the nearest valid values are 100000 and 100000.01."
    )


def test_without_a_reference_price_the_rules_that_need_it_are_skipped() -> None:
    assert validate_order(SPOT, limit(price="10000", qty="0.001"), reference_price=None) == []
    assert validate_order(SPOT, market(qty="0.00001"), reference_price=None) == []


MARK = D(100000)
FUTURES_CASES = [
    ("a limit order inside every filter", limit(qty="0.002"), None, None),
    (
        "a price off the tick",
        limit(qty="0.002", price="100000.05"),
        -4014,
        "Price not increased by tick size.",
    ),
    ("a price below minPrice", limit(price="500", qty="1"), -4013, "Price less than min price."),
    ("a price above maxPrice", limit(side="SELL", price="5000000"), -4002, "Price greater than max price."),
    ("a zero price", limit(price="0"), -4001, "Price less than 0."),
    ("a quantity below minQty", limit(qty="0.0001"), -4004, "Quantity less than min quantity."),
    ("a quantity above maxQty", limit(qty="1001"), -4005, "Quantity greater than max quantity."),
    ("a quantity off the step", limit(qty="0.0015"), -4023, "Qty not increased by step size."),
    (
        "a quantity with more decimals than the contract",
        limit(qty="0.0020"),
        -1111,
        "Precision is over the maximum defined for this asset.",
    ),
    (
        "a bid above 1.05x the mark",
        limit(qty="0.002", price="105000.1"),
        -4016,
        "Limit price can't be higher than 105000.0000.",
    ),
    (
        "an ask below 0.95x the mark",
        limit(side="SELL", qty="0.002", price="94999.9"),
        -4024,
        "Limit price can't be lower than 95000.0000.",
    ),
    # Futures bound only the aggressive side: a far-away passive limit is fine.
    ("a bid far below the mark", limit(qty="0.002", price="60000"), None, None),
    (
        "a limit worth less than the notional",
        limit(price="99000"),
        -4164,
        "Order's notional must be no smaller than 100 (unless you choose reduce only).",
    ),
    ("a reduce-only order below the notional", limit(price="99000", reduce_only=True), None, None),
    (
        "a market order above the market maxQty",
        market(qty="121"),
        -4005,
        "Quantity greater than max quantity.",
    ),
    (
        "a market order below the market minQty",
        market(qty="0.0005"),
        -4004,
        "Quantity less than min quantity.",
    ),
    ("a market order worth the minimum at the mark", market(qty="0.001"), None, None),
]


@pytest.mark.parametrize(
    ("case", "order", "code", "message"), FUTURES_CASES, ids=[c[0] for c in FUTURES_CASES]
)
def test_futures_answer_with_the_code_and_message_of_the_rule(
    case: str, order: OrderIntent, code: int | None, message: str | None
) -> None:
    violations = validate_order(FUTURES, order, reference_price=MARK)
    if code is None:
        assert violations == []
        return
    assert (violations[0].code, violations[0].binance_message) == (code, message)


def test_futures_market_orders_are_held_to_market_lot_size() -> None:
    (violation,) = validate_order(FUTURES, market(qty="121"), reference_price=MARK)
    assert violation.filter == "MARKET_LOT_SIZE"
