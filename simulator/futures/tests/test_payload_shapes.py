"""Our responses and events carry the recorded payloads' keys, JSON types and enum spellings."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.futures.engine import account_views as av
from simulator.futures.engine.algo import AlgoRequest
from simulator.futures.engine.placing import OrderRequest
from simulator.futures.engine.views import ack_view, algo_view, order_view
from simulator.futures.tests.fakes import PAYLOADS, Harness


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def types_of(row: dict[str, Any]) -> dict[str, type]:
    return {k: type(v) for k, v in row.items()}


@pytest.fixture
def trading(h: Harness) -> Harness:
    h.engine.fund("a", {"USDT": D(10000)})
    h.engine.place_order("a", OrderRequest(symbol="BTCUSDT", side="BUY", type="MARKET", quantity=D("0.010")))
    h.engine.place_order(
        "a",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            quantity=D("0.010"),
            price=D(49000),
            time_in_force="GTX",
        ),
    )
    return h


def test_order_views_match_recorded_orders(trading: Harness) -> None:
    order = max(trading.engine.ledger.orders.values(), key=lambda o: o.order_id)
    spec = trading.engine.spec("BTCUSDT")
    recorded = load("futures_batchOrders_new.json")[0]  # kept real JSON types
    ours = ack_view(order, spec)
    assert set(ours) == set(recorded)
    assert types_of(ours) == types_of(recorded)
    assert ours["price"] == "49000.00" and ours["origQty"] == "0.010" and ours["stopPrice"] == "0.00"
    queried = order_view(order, spec)
    assert set(load("futures_openOrder.json")) <= set(queried)
    assert queried["timeInForce"] == "GTX"


def test_position_risk_v3_matches_recorded_keys_and_types(trading: Harness) -> None:
    recorded = load("futures_positionRisk.json")[0]
    ours = av.position_risk(trading.engine, "a", "BTCUSDT", v3=True)[0]
    assert set(ours) == set(recorded)
    numeric_strings = {
        k
        for k, v in recorded.items()
        if isinstance(v, str) and k not in ("symbol", "positionSide", "marginAsset")
    }
    for key in numeric_strings - {"adl", "updateTime"}:
        assert isinstance(ours[key], str), key
        D(ours[key])


def test_account_v3_and_v2_shapes(trading: Harness) -> None:
    v3 = av.account(trading.engine, "a", v3=True)
    recorded = load("futures_account.json")
    assert set(v3) == set(recorded)
    assert set(v3["positions"][0]) == set(recorded["positions"][0])
    assert set(v3["assets"][0]) == set(recorded["assets"][0])
    v2 = av.account(trading.engine, "a", v3=False)
    rec2 = load("futures_account_v2.json")
    assert set(rec2) <= set(v2)
    assert set(rec2["assets"][0]) <= set(v2["assets"][0])
    assert isinstance(v2["multiAssetsMargin"], bool) and isinstance(v2["canTrade"], bool)


def test_user_trade_rows_match_recorded(trading: Harness) -> None:
    row = av.user_trade(trading.engine, trading.engine.ledger.trades[0])
    recorded = load("futures_userTrades.json")[0]
    assert set(row) == set(recorded)
    assert types_of(row) == types_of(recorded)
    assert row["price"] == "50000.10" and row["quoteQty"] == "500.00100"


def test_premium_index_and_funding_rows(trading: Harness) -> None:
    pi = trading.engine.premium_index("BTCUSDT", trading.clock.sim)
    recorded = load("futures_premiumIndex.json")
    assert set(pi) == set(recorded)
    assert types_of(pi) == types_of(recorded)


def test_user_stream_events_match_recorded(trading: Harness) -> None:
    events = {e["e"] + ":" + e.get("o", {}).get("X", ""): e for e in trading.of("a")}
    pairs = [
        ("ORDER_TRADE_UPDATE:NEW", "ws_ORDER_TRADE_UPDATE_new.json"),
        ("ORDER_TRADE_UPDATE:FILLED", "ws_ORDER_TRADE_UPDATE_filled.json"),
        ("TRADE_LITE:", "ws_TRADE_LITE.json"),
        ("ACCOUNT_UPDATE:", "ws_ACCOUNT_UPDATE.json"),
    ]
    for key, name in pairs:
        ours, recorded = events[key], load(name)
        assert set(recorded) <= set(ours), name
        assert types_of(ours)["E"] is int
        inner = "o" if "o" in recorded else "a" if "a" in recorded else None
        if inner == "o":
            assert set(recorded["o"]) <= set(ours["o"]), name
            assert {k: t for k, t in types_of(ours["o"]).items() if k in recorded["o"]} == types_of(
                recorded["o"]
            )
        if inner == "a":
            assert set(recorded["a"]["B"][0]) == set(ours["a"]["B"][0])
            assert set(recorded["a"]["P"][0]) == set(ours["a"]["P"][0])
    lite = events["TRADE_LITE:"]
    assert types_of(lite) == types_of(load("ws_TRADE_LITE.json"))


def test_algo_update_and_view_shapes(trading: Harness) -> None:
    algo = trading.engine.place_algo(
        "a",
        AlgoRequest(
            symbol="BTCUSDT", side="SELL", type="STOP_MARKET", quantity=D("0.010"), trigger_price=D(45000)
        ),
    )
    event = trading.of("a", "ALGO_UPDATE")[-1]
    recorded = load("ws_ALGO_UPDATE_triggered.json")["data"]
    assert set(recorded["o"]) <= set(event["o"])
    assert {k: type(v) for k, v in event["o"].items() if k in recorded["o"]} == types_of(recorded["o"])
    view = algo_view(algo, trading.engine.spec("BTCUSDT"))
    assert {"algoId", "clientAlgoId", "algoStatus", "orderType", "triggerPrice", "createTime"} <= set(view)


def test_leverage_bracket_rows_use_json_numbers(h: Harness) -> None:
    table = h.engine.spec("BTCUSDT").bracket_table()
    row = table[1].to_wire()
    assert row == {
        "bracket": 2,
        "initialLeverage": 100,
        "notionalCap": 600000,
        "notionalFloor": 50000,
        "maintMarginRatio": 0.005,
        "cum": 50,
    }
