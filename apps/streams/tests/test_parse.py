"""Recorded real user-data events parse into typed, Decimal-valued events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.streams.domain import events as ev
from apps.streams.domain.parse import EventFormatError, parse_event, unwrap
from apps.streams.tests.payloads import load, user_events


def test_a_spot_execution_report_of_a_new_order_has_no_trade() -> None:
    event = parse_event(load("ws_executionReport_new.json"))
    assert isinstance(event, ev.OrderUpdate)
    assert (event.market, event.symbol, event.status, event.execution_type) == (
        "SPOT",
        "BTCUSDT",
        "NEW",
        "NEW",
    )
    assert event.client_order_id == "c4wyKsIhoAaittTYlIVLqk" and event.order_id == 5340845958
    assert event.quantity == Decimal("0.00028400") and event.price == Decimal("52789.10000000")
    assert event.trade is None and event.order_list_id is None
    assert event.cumulative_qty == 0 and event.transaction_time_ms == 1616627567900


def test_a_spot_trade_report_carries_its_trade_with_commission() -> None:
    event = parse_event(load("ws_executionReport_trade_filled.json"))
    assert isinstance(event, ev.OrderUpdate) and event.trade is not None
    assert event.trade.trade_id == 726946523
    assert event.trade.quantity == Decimal("0.00028600") and event.trade.price == Decimal("52436.85000000")
    assert event.trade.commission == Decimal("0.00000029") and event.trade.commission_asset == "BTC"
    assert event.trade.quote_quantity == Decimal("14.99693910") and event.trade.is_maker is False
    assert event.cumulative_quote == Decimal("14.99693910")


def test_a_spot_account_position_keeps_free_and_locked_per_asset() -> None:
    event = parse_event(load("ws_outboundAccountPosition.json"))
    assert isinstance(event, ev.SpotAccountPosition)
    assert event.balances[0] == ev.SpotBalance("BTC", Decimal("0.00225109"), Decimal("0.00123000"))


def test_the_recorded_futures_sequence_parses_in_order() -> None:
    parsed = [parse_event(e) for e in user_events("ws_futures_user_sequence_open_close.jsonl")]
    assert [type(e).__name__ for e in parsed[:4]] == [
        "TradeLite",
        "OrderUpdate",
        "FuturesAccountUpdate",
        "OrderUpdate",
    ]
    filled = parsed[3]
    assert isinstance(filled, ev.OrderUpdate) and filled.trade is not None
    assert filled.trade.realized_pnl == 0 and filled.trade.commission == Decimal("0.09173990")
    assert filled.cumulative_quote == Decimal("91739.90000") * Decimal("0.002")
    update = parsed[2]
    assert isinstance(update, ev.FuturesAccountUpdate) and update.reason == "ORDER"
    assert update.positions[0].amount == Decimal("0.002") and update.positions[0].position_side == "BOTH"
    close = parsed[7]
    assert isinstance(close, ev.OrderUpdate) and close.reduce_only and close.trade is not None
    assert close.trade.realized_pnl == Decimal("-1.77340000")


def test_an_algo_update_names_the_order_it_triggered() -> None:
    triggered = parse_event(load("ws_ALGO_UPDATE_triggered.json"))
    finished = parse_event(load("ws_ALGO_UPDATE_finished.json"))
    assert isinstance(triggered, ev.AlgoUpdate) and isinstance(finished, ev.AlgoUpdate)
    assert triggered.status == "TRIGGERED" and triggered.actual_order_id == 88937381063
    assert triggered.algo_id == 1000000033225453 and triggered.trigger_price == Decimal("0.13855")
    assert finished.status == "FINISHED" and finished.actual_quantity == Decimal(38)


def test_trade_lite_and_a_triggered_stop_fill_parse() -> None:
    lite = parse_event(load("ws_TRADE_LITE.json"))
    assert isinstance(lite, ev.TradeLite) and lite.trade_id == 4467432841
    assert lite.last_quantity == Decimal("0.037")
    stop = parse_event(load("ws_ORDER_TRADE_UPDATE_stop_market_triggered_filled.json"))
    assert isinstance(stop, ev.OrderUpdate) and stop.original_type == "STOP_MARKET"
    assert stop.stop_price == Decimal("0.8500000")


def test_wrappers_of_combined_streams_and_the_ws_api_are_removed() -> None:
    bare = {"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "0.1", "T": 2}
    assert unwrap({"stream": "k", "data": bare}) == bare
    assert unwrap({"subscriptionId": 0, "event": bare}) == bare
    event = parse_event({"subscriptionId": 0, "event": bare})
    assert event == ev.SpotBalanceUpdate(event_time_ms=1, asset="BTC", delta=Decimal("0.1"), clear_time_ms=2)


def test_listen_key_expired_accepts_a_string_event_time() -> None:
    event = parse_event({"e": "listenKeyExpired", "E": "1736996475556", "listenKey": "abc"})
    assert event == ev.ListenKeyExpired(event_time_ms=1736996475556, listen_key="abc")


def test_a_float_amount_is_refused_and_an_unknown_event_is_kept_unhandled() -> None:
    with pytest.raises(EventFormatError):
        parse_event({"e": "balanceUpdate", "E": 1, "a": "BTC", "d": 0.1, "T": 2})
    with pytest.raises(EventFormatError):
        parse_event({"e": "executionReport", "E": 1})
    other = parse_event({"e": "ACCOUNT_CONFIG_UPDATE", "E": 1, "ac": {"s": "BTCUSDT", "l": 5}})
    assert isinstance(other, ev.Unhandled) and other.event_type == "ACCOUNT_CONFIG_UPDATE"
