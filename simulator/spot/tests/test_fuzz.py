"""Malformed input never escapes as anything but a Binance error (rendered as 4xx `{"code","msg"}`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.app import create_app
from simulator.config import RateLimitConfig
from simulator.errors import BinanceError
from simulator.params import Params
from simulator.spot.api.context import Ctx
from simulator.spot.api.table import REST, WS, run
from simulator.spot.tests.conftest import config
from simulator.spot.wsapi import WsApi, WsApiState
from simulator.spot.wsapi_session import SESSION_METHODS

NAMES = [
    "symbol",
    "side",
    "type",
    "timeInForce",
    "quantity",
    "quoteOrderQty",
    "price",
    "stopPrice",
    "trailingDelta",
    "icebergQty",
    "newClientOrderId",
    "newOrderRespType",
    "selfTradePreventionMode",
    "orderId",
    "origClientOrderId",
    "cancelRestrictions",
    "cancelReplaceMode",
    "cancelOrderId",
    "newQty",
    "listClientOrderId",
    "aboveType",
    "abovePrice",
    "aboveStopPrice",
    "belowType",
    "belowPrice",
    "belowStopPrice",
    "belowTimeInForce",
    "workingType",
    "workingSide",
    "workingPrice",
    "workingQuantity",
    "workingTimeInForce",
    "pendingType",
    "pendingSide",
    "pendingPrice",
    "pendingQuantity",
    "pendingAboveType",
    "pendingAbovePrice",
    "pendingBelowType",
    "pendingBelowStopPrice",
    "orderListId",
    "startTime",
    "endTime",
    "limit",
    "fromId",
    "omitZeroBalances",
    "computeCommissionRates",
    "strategyType",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "BTCUSDT",
            "ETHBTC",
            "NOPE",
            "BUY",
            "SELL",
            "LIMIT",
            "MARKET",
            "STOP_LOSS",
            "LIMIT_MAKER",
            "TAKE_PROFIT_LIMIT",
            "STOP_LOSS_LIMIT",
            "GTC",
            "IOC",
            "FOK",
            "FULL",
            "ACK",
            "EXPIRE_MAKER",
            "DECREMENT",
            "true",
            "false",
            "",
            "-1",
            "0",
            "1",
            "0.01",
            "50000",
            "1e5",
            "99999999999999999999999",
            "0.000000001",
            "NaN",
            "Infinity",
            "ONLY_NEW",
            "STOP_ON_FAILURE",
            "ALLOW_FAILURE",
        ]
    ),
    st.decimals(min_value=0, max_value=10**6, places=5, allow_nan=False).map(str),
    st.text(max_size=8),
)
VALID = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "0.01",
    "price": "45000",
}
RANDOM = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=9)
# Mostly-valid requests with a few fields broken reach deeper than purely random ones.
PARAMS = st.one_of(
    RANDOM, st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=3).map(lambda d: {**VALID, **d})
)


@pytest.fixture(scope="module")
def world() -> tuple[Any, Any]:
    app = create_app(
        config(
            rate_limits=RateLimitConfig(
                spot_weight_per_min=10**9, spot_orders_per_10s=10**9, spot_orders_per_day=10**9
            )
        )
    )
    exchange = app["exchange"]
    exchange.market.tick()
    account, _ = exchange.create_account({"balances": {"USDT": "1000000", "BTC": "10"}})
    return exchange, account


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(sorted(REST)), params=PARAMS)
def test_random_parameters_only_raise_binance_errors(
    world: tuple[Any, Any], route: tuple[str, str], params: dict[str, str]
) -> None:
    exchange, account = world
    engine = exchange.extensions["spot"].engine
    ctx = Ctx(exchange, engine, account, None, "10.0.0.1")
    try:
        run(REST[route], ctx, Params(list(params.items()), exchange.symbols))
    except BinanceError as err:
        assert 400 <= err.status < 500 and err.code < 0
    for balance in engine.ledger.assets(account.account_id).values():
        assert balance.free >= 0 and balance.locked >= 0


_APIS: dict[int, WsApi] = {}


def ws_api(exchange: Any) -> WsApi:
    # One WsApi per exchange: each registers an event listener on the engine.
    if id(exchange) not in _APIS:
        _APIS[id(exchange)] = WsApi(exchange, exchange.extensions["spot"].engine)
    return _APIS[id(exchange)]


JSON_VALUES = st.one_of(VALUES, st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(sorted(WS) + sorted(SESSION_METHODS) + ["nope"]),
    params=st.dictionaries(
        st.sampled_from([*NAMES, "apiKey", "signature", "timestamp", "subscriptionId"]),
        JSON_VALUES,
        max_size=8,
    ),
)
def test_random_websocket_requests_get_4xx_envelopes(
    world: tuple[Any, Any], method: str, params: dict[str, Any]
) -> None:
    exchange, _ = world
    api = ws_api(exchange)
    state = WsApiState(session=None, ip="10.0.0.2", connected_since=0)  # type: ignore[arg-type]
    answer = api.answer(state, json.dumps({"id": 1, "method": method, "params": params}))
    assert answer["id"] == 1 and answer["status"] < 500, answer
    if answer["status"] != 200:
        assert set(answer["error"]) == {"code", "msg"}
