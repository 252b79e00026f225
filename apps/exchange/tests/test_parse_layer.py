"""Wire format → Decimal domain objects, and requests → wire strings (never floats, never exponents)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.exchange.domain import parse
from apps.exchange.domain.types import OrderRequest

SPOT_ORDER = {
    "symbol": "BTCUSDT",
    "orderId": 28,
    "orderListId": -1,
    "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "transactTime": 1507725176595,
    "price": "0.00000000",
    "origQty": "10.00000000",
    "executedQty": "10.00000000",
    "cummulativeQuoteQty": "10.00000000",
    "status": "FILLED",
    "timeInForce": "GTC",
    "type": "MARKET",
    "side": "SELL",
    "fills": [
        {
            "price": "4000.00000000",
            "qty": "1.00000000",
            "commission": "4.00000000",
            "commissionAsset": "USDT",
            "tradeId": 56,
        },
    ],
}


def test_a_spot_order_report_parses_every_amount_as_decimal() -> None:
    report = parse.order("spot", SPOT_ORDER)  # type: ignore[arg-type]
    assert report.orig_qty == Decimal("10")
    assert report.avg_price == Decimal("1")
    assert report.order_list_id is None
    assert report.fills[0].price == Decimal("4000.00000000")
    assert isinstance(report.fills[0].commission, Decimal)


def test_a_float_on_the_wire_is_refused_rather_than_rounded() -> None:
    with pytest.raises(TypeError):
        parse.dec(0.1)


def test_order_params_are_plain_decimal_strings() -> None:
    req = OrderRequest(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        client_order_id="c1",
        quantity=Decimal("0.00000100"),
        price=Decimal("1E+4"),
        time_in_force="GTC",
        reduce_only=True,
    )
    params = parse.order_params("futures", req)
    assert params["quantity"] == "0.000001"
    assert params["price"] == "10000"
    assert params["newClientOrderId"] == "c1"
    assert params["reduceOnly"] == "true"


def test_conditional_futures_orders_are_sent_as_algo_orders_with_a_trigger_price() -> None:
    req = OrderRequest(
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_MARKET",
        client_order_id="a1",
        quantity=Decimal("1"),
        stop_price=Decimal("45000"),
    )
    params = parse.algo_order_params(req)
    assert params["algoType"] == "CONDITIONAL"
    assert params["triggerPrice"] == "45000"
    assert params["clientAlgoId"] == "a1"
    assert "stopPrice" not in params and "newClientOrderId" not in params


def test_klines_positions_and_income_parse_to_decimals() -> None:
    k = parse.kline(
        [
            1499040000000,
            "0.01634790",
            "0.80000000",
            "0.01575800",
            "0.01577100",
            "148976.11427815",
            1499644799999,
            "2434.19055334",
            308,
            "1756.87402397",
            "28.46694368",
            "0",
        ]
    )
    assert k.high == Decimal("0.80000000") and k.trades == 308
    p = parse.position(
        {
            "symbol": "BTCUSDT",
            "positionSide": "BOTH",
            "positionAmt": "-0.010",
            "entryPrice": "47000.0",
            "markPrice": "47100.5",
            "unRealizedProfit": "-1.005",
            "liquidationPrice": "0",
            "notional": "-471.005",
            "updateTime": 1,
        }
    )
    assert p.amount == Decimal("-0.010") and p.leverage is None
    i = parse.income(
        {
            "symbol": "BTCUSDT",
            "incomeType": "FUNDING_FEE",
            "income": "-0.01",
            "asset": "USDT",
            "time": 5,
            "tranId": 9,
            "tradeId": "",
            "info": "",
        }
    )
    assert i.amount == Decimal("-0.01")


def test_exchange_info_gives_the_limiter_its_pools() -> None:
    info = parse.exchange_info(
        "futures",
        {
            "serverTime": 1,
            "rateLimits": [
                {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200}
            ],
            "symbols": [
                {
                    "symbol": "BTCUSDT",
                    "status": "TRADING",
                    "baseAsset": "BTC",
                    "quoteAsset": "USDT",
                    "pricePrecision": 2,
                    "quantityPrecision": 3,
                    "filters": [{"filterType": "PRICE_FILTER"}],
                }
            ],
        },
    )
    assert info.pools[0].name == "orders:1m"
    assert info.symbols[0].price_precision == 2


def test_a_spot_cancel_answer_reports_the_orders_client_id_from_orig_client_order_id() -> None:
    # DELETE /api/v3/order (Binance's documented example): clientOrderId is the cancel request's own id.
    wire = {
        "symbol": "LTCBTC",
        "origClientOrderId": "myOrder1",
        "orderId": 4,
        "orderListId": -1,
        "clientOrderId": "cancelMyOrder1",
        "transactTime": 1684804350068,
        "price": "2.00000000",
        "origQty": "1.00000000",
        "executedQty": "0.00000000",
        "cummulativeQuoteQty": "0.00000000",
        "status": "CANCELED",
        "timeInForce": "GTC",
        "type": "LIMIT",
        "side": "BUY",
    }
    report = parse.order("spot", wire)  # type: ignore[arg-type]
    assert (report.client_order_id, report.status, report.orig_qty) == ("myOrder1", "CANCELED", Decimal(1))


def test_a_spot_amend_answer_parses_qty_and_the_clientorderid_after_the_amend() -> None:
    wire = {
        "transactTime": 1741926410255,
        "executionId": 75,
        "amendedOrder": {
            "symbol": "BTCUSDT",
            "orderId": 33,
            "orderListId": -1,
            "origClientOrderId": "before",
            "clientOrderId": "after",
            "price": "6.00000000",
            "qty": "5.00000000",
            "executedQty": "1.00000000",
            "preventedQty": "0.00000000",
            "quoteOrderQty": "0.00000000",
            "cumulativeQuoteQty": "6.00000000",
            "status": "PARTIALLY_FILLED",
            "timeInForce": "GTC",
            "type": "LIMIT",
            "side": "SELL",
            "workingTime": 1741926410242,
            "selfTradePreventionMode": "NONE",
        },
    }
    report = parse.amended_order(wire)  # type: ignore[arg-type]
    assert (report.client_order_id, report.orig_qty, report.cum_quote) == ("after", Decimal(5), Decimal(6))
    assert (report.avg_price, report.update_time_ms, report.order_list_id) == (
        Decimal(6),
        1741926410255,
        None,
    )


def test_an_algo_cancel_acknowledgement_is_a_canceled_report() -> None:
    wire = {"algoId": 2146760, "clientAlgoId": "6B2I9XVcJpCjqPAJ4YoFX7", "code": "200", "msg": "success"}
    report = parse.canceled_algo_order(wire)  # type: ignore[arg-type]
    assert (report.algo_id, report.client_algo_id, report.status) == (
        2146760,
        "6B2I9XVcJpCjqPAJ4YoFX7",
        "CANCELED",
    )
