"""Every exchangeInfo filter is enforced with Binance's -1013 "Filter failure: <FILTER>"."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from simulator.errors import BinanceError
from simulator.spot.domain.enums import OrderType, Side, TimeInForce
from simulator.spot.domain.filters import OpenCounts, OrderCheck, check_filters
from simulator.spot.domain.requests import NewOrder
from simulator.spot.tests.fakes import make_engine
from simulator.symbols import SymbolRegistry

GTC = TimeInForce.GTC


def order(kind: OrderType = OrderType.LIMIT, side: Side = Side.BUY, **kw: Any) -> NewOrder:
    defaults: dict[str, Any] = {"quantity": D("0.01")}
    if kind in (OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT):
        defaults.update(price=D(50000), time_in_force=GTC)
    defaults.update(kw)
    return NewOrder(symbol="BTCUSDT", side=side, type=kind, **defaults)


@pytest.mark.parametrize(
    ("req", "failure"),
    [
        (order(price=D("50000.001")), "PRICE_FILTER"),
        (order(price=D("0.001")), "PRICE_FILTER"),
        (order(price=D("2000000")), "PRICE_FILTER"),
        (order(OrderType.STOP_LOSS, Side.SELL, stop_price=D("40000.005")), "PRICE_FILTER"),
        (order(price=D(120000)), "PERCENT_PRICE_BY_SIDE"),
        (order(side=Side.SELL, price=D(20000)), "PERCENT_PRICE_BY_SIDE"),
        (order(quantity=D("0.000001")), "LOT_SIZE"),
        (order(quantity=D("0.000015")), "LOT_SIZE"),
        (order(quantity=D("10000")), "LOT_SIZE"),
        (order(quantity=D("0.00009")), "NOTIONAL"),
        (order(OrderType.MARKET, quantity=D("0.00005")), "NOTIONAL"),
        (order(OrderType.MARKET, quantity=None, quote_order_qty=D(1)), "NOTIONAL"),
        (order(OrderType.MARKET, quantity=D(200)), "MARKET_LOT_SIZE"),
        (order(quantity=D(1), iceberg_qty=D("0.005")), "ICEBERG_PARTS"),
        (order(OrderType.STOP_LOSS, Side.SELL, trailing_delta=5), "TRAILING_DELTA"),
        (order(OrderType.STOP_LOSS, Side.SELL, trailing_delta=3000), "TRAILING_DELTA"),
    ],
)
def test_filter_failures_name_the_filter(req: NewOrder, failure: str) -> None:
    engine, _, _ = make_engine()
    with pytest.raises(BinanceError) as info:
        engine.place("a", req)
    assert (info.value.code, info.value.msg) == (-1013, f"Filter failure: {failure}")
    assert not engine.orders


def test_orders_inside_every_filter_pass() -> None:
    spec = SymbolRegistry().get("spot", "BTCUSDT")
    check = OrderCheck(side=Side.BUY, type=OrderType.LIMIT, qty=D("0.01"), price=D("50000.01"))
    assert check_filters(spec.filters, check, avg_price=D(50000), counts=OpenCounts()) is None


def test_max_num_orders_counts_open_orders_per_symbol() -> None:
    engine, _, _ = make_engine()
    engine.symbols.update("spot", "BTCUSDT", filters=[{"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 2}])
    try:
        for _ in range(2):
            engine.place("a", order(price=D(40000)))
        with pytest.raises(BinanceError) as info:
            engine.place("a", order(price=D(40000)))
        assert info.value.msg == "Filter failure: MAX_NUM_ORDERS"
        engine.place("b", order(price=D(40000)))  # per account
    finally:
        engine.symbols.load()


def test_max_num_algo_orders_counts_untriggered_stops() -> None:
    engine, _, _ = make_engine()
    for _ in range(5):
        engine.place("a", order(OrderType.STOP_LOSS, Side.SELL, stop_price=D(40000)))
    with pytest.raises(BinanceError) as info:
        engine.place("a", order(OrderType.STOP_LOSS, Side.SELL, stop_price=D(40000)))
    assert info.value.msg == "Filter failure: MAX_NUM_ALGO_ORDERS"
    engine.place("a", order(price=D(40000)))  # plain orders are not algo orders
