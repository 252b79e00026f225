"""Malformed and random requests never produce a 500, and every error body is Binance's {code, msg}."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.futures.tests.server import LiveServer, signed

VALUES = st.one_of(
    st.sampled_from(
        [
            "BTCUSDT",
            "ETHUSDT",
            "BUY",
            "SELL",
            "LIMIT",
            "MARKET",
            "GTC",
            "IOC",
            "FOK",
            "GTX",
            "GTD",
            "BOTH",
            "LONG",
            "SHORT",
            "true",
            "false",
            "0",
            "-1",
            "0.010",
            "1e5",
            "",
            "50000",
            "NaN",
            "[1,2]",
            '[{"symbol":"BTCUSDT"}]',
            "x" * 40,
            "99999999999999999999999",
        ]
    ),
    st.text(max_size=8),
)
NAMES = st.sampled_from(
    [
        "symbol",
        "side",
        "type",
        "quantity",
        "price",
        "timeInForce",
        "positionSide",
        "reduceOnly",
        "newClientOrderId",
        "orderId",
        "origClientOrderId",
        "leverage",
        "marginType",
        "goodTillDate",
        "priceMatch",
        "batchOrders",
        "orderIdList",
        "countdownTime",
        "amount",
        "type",
        "dualSidePosition",
        "incomeType",
        "limit",
        "startTime",
        "endTime",
        "callbackRate",
        "triggerPrice",
        "algoType",
        "algoId",
    ]
)
ENDPOINTS = st.sampled_from(
    [
        ("POST", "/fapi/v1/order"),
        ("GET", "/fapi/v1/order"),
        ("DELETE", "/fapi/v1/order"),
        ("PUT", "/fapi/v1/order"),
        ("POST", "/fapi/v1/batchOrders"),
        ("DELETE", "/fapi/v1/batchOrders"),
        ("PUT", "/fapi/v1/batchOrders"),
        ("POST", "/fapi/v1/leverage"),
        ("POST", "/fapi/v1/marginType"),
        ("POST", "/fapi/v1/positionMargin"),
        ("POST", "/fapi/v1/algoOrder"),
        ("GET", "/fapi/v1/allOrders"),
        ("GET", "/fapi/v1/income"),
        ("GET", "/fapi/v1/userTrades"),
        ("POST", "/fapi/v1/countdownCancelAll"),
        ("POST", "/fapi/v1/positionSide/dual"),
        ("GET", "/fapi/v2/positionRisk"),
        ("DELETE", "/fapi/v1/algoOrder"),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=ENDPOINTS, params=st.dictionaries(NAMES, VALUES, max_size=7))
def test_random_requests_get_binance_shaped_answers(
    live: LiveServer, endpoint: tuple[str, str], params: dict[str, str]
) -> None:
    creds = getattr(test_random_requests_get_binance_shaped_answers, "creds", None)
    if creds is None:
        creds = live.new_account()
        test_random_requests_get_binance_shaped_answers.creds = creds  # type: ignore[attr-defined]
    _, key, secret = creds
    method, path = endpoint
    r = signed(live, method, path, key, secret, **params)
    assert r.status_code < 500, (endpoint, params, r.text)
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"code", "msg"} and isinstance(body["code"], int), body
