"""The trading state rules, as a table: each state by order kind, spot sell-down, hedge and one-way closes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.orders.domain.intent import PlacementIntent
from apps.risk.domain.state import (
    GLOBAL,
    EffectiveState,
    Holdings,
    Scope,
    ScopeError,
    TradingStateValue,
    effective_state,
    is_tightening,
    most_restrictive,
    order_refusal,
    parse_scope,
)

D = Decimal
A, R, H = TradingStateValue.ACTIVE, TradingStateValue.REDUCE_ONLY, TradingStateValue.HALTED


def spot(
    side: str, qty: str | None = "0.5", order_type: str = "LIMIT", quote: str | None = None
) -> PlacementIntent:
    return PlacementIntent(
        market="SPOT",
        symbol="BTCUSDT",
        side=side,
        type=order_type,
        quantity=D(qty) if qty else None,
        quote_quantity=D(quote) if quote else None,
        price=D("50000") if order_type == "LIMIT" else None,
    )


def fut(
    side: str, qty: str = "1", *, reduce_only: bool = False, close: bool = False, ps: str = ""
) -> PlacementIntent:
    return PlacementIntent(
        market="USDM",
        symbol="BTCUSDT",
        side=side,
        type="MARKET",
        quantity=D(qty),
        reduce_only=reduce_only,
        close_position=close,
        position_side=ps,
    )


SPOT_HELD = Holdings(spot_base=D("1"))
ONE_WAY = Holdings(futures={"BOTH": D("2")})
HEDGE = Holdings(futures={"LONG": D("2"), "SHORT": D("-3")})

CASES = [
    # state, intent, holdings, refused field (None: allowed)
    (A, spot("BUY"), SPOT_HELD, None),
    (A, spot("SELL", "5"), SPOT_HELD, None),
    (A, fut("BUY"), ONE_WAY, None),
    (H, spot("SELL", "0.1"), SPOT_HELD, ""),
    (H, fut("SELL", reduce_only=True), ONE_WAY, ""),
    (H, fut("SELL", close=True), ONE_WAY, ""),
    (R, spot("BUY"), SPOT_HELD, "side"),
    (R, spot("BUY", order_type="MARKET"), SPOT_HELD, "side"),
    (R, spot("SELL", "0.5"), SPOT_HELD, None),  # sell-down within the holding reduces
    (R, spot("SELL", "1"), SPOT_HELD, None),  # the whole holding
    (R, spot("SELL", "1.0001"), SPOT_HELD, "quantity"),  # more than held would go short/fail
    (R, spot("SELL", None, "MARKET", quote="100"), SPOT_HELD, "quantity"),  # quote-sized: not checkable
    (R, spot("SELL", "0.1"), Holdings(), "quantity"),  # nothing recorded
    (R, fut("BUY"), ONE_WAY, "reduce_only"),
    (R, fut("SELL"), ONE_WAY, "reduce_only"),  # opposite side but not flagged: could flip
    (R, fut("SELL", reduce_only=True), ONE_WAY, None),
    (R, fut("SELL", close=True), ONE_WAY, None),
    (R, fut("SELL", "1", ps="LONG"), HEDGE, None),  # closing the long side
    (R, fut("SELL", "2", ps="LONG"), HEDGE, None),
    (R, fut("SELL", "2.5", ps="LONG"), HEDGE, "quantity"),
    (R, fut("BUY", "3", ps="SHORT"), HEDGE, None),  # closing the short side
    (R, fut("BUY", "1", ps="LONG"), HEDGE, "side"),  # grows the long
    (R, fut("SELL", "1", ps="SHORT"), HEDGE, "side"),  # grows the short
]


@pytest.mark.parametrize(("state", "intent", "holdings", "field"), CASES)
def test_the_trading_state_lets_through_only_what_it_allows(state, intent, holdings, field) -> None:
    refusal = order_refusal(intent, EffectiveState(state, GLOBAL, "test"), holdings)
    if field is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.field == field
        assert f"Trading is {state} for all (test)" in refusal.explanation


def test_the_strictest_applicable_scope_decides() -> None:
    current = {
        GLOBAL: ("ACTIVE", ""),
        Scope("USDM"): ("REDUCE_ONLY", "stream down"),
        Scope("USDM", "ETHUSDT"): ("HALTED", "manual"),
    }
    assert effective_state(current, "SPOT", "BTCUSDT").state == A
    assert effective_state(current, "USDM", "BTCUSDT") == EffectiveState(R, Scope("USDM"), "stream down")
    assert effective_state(current, "USDM", "ETHUSDT").state == H
    current[GLOBAL] = ("HALTED", "all off")
    assert effective_state(current, "SPOT", "BTCUSDT").scope == GLOBAL
    assert most_restrictive(["ACTIVE", "HALTED", "REDUCE_ONLY"]) == H
    assert most_restrictive([]) == A


def test_tightening_goes_active_to_reduce_only_to_halted() -> None:
    assert is_tightening("ACTIVE", "REDUCE_ONLY") and is_tightening("REDUCE_ONLY", "HALTED")
    assert is_tightening("HALTED", "HALTED")
    assert not is_tightening("HALTED", "REDUCE_ONLY") and not is_tightening("REDUCE_ONLY", "ACTIVE")


@pytest.mark.parametrize(
    ("text", "scope", "label"),
    [
        ("all", GLOBAL, "all"),
        ("ALL", GLOBAL, "all"),
        ("spot", Scope("SPOT"), "spot"),
        ("usdm", Scope("USDM"), "usdm"),
        ("USDM:BTCUSDT", Scope("USDM", "BTCUSDT"), "USDM:BTCUSDT"),
        ("spot:ethusdt", Scope("SPOT", "ETHUSDT"), "SPOT:ETHUSDT"),
    ],
)
def test_scopes_parse_and_print_back(text: str, scope: Scope, label: str) -> None:
    assert parse_scope(text) == scope
    assert parse_scope(text).label == label
    assert parse_scope(label) == scope


@pytest.mark.parametrize("text", ["", "futures", "COIN:BTCUSD", "USDM:", "USDM:BTC-USDT"])
def test_a_scope_that_names_nothing_known_is_refused(text: str) -> None:
    with pytest.raises(ScopeError):
        parse_scope(text)


def test_a_wider_scope_covers_a_narrower_one() -> None:
    assert GLOBAL.covers(Scope("SPOT", "BTCUSDT"))
    assert Scope("USDM").covers(Scope("USDM", "BTCUSDT"))
    assert not Scope("USDM").covers(Scope("SPOT"))
    assert not Scope("USDM", "BTCUSDT").covers(Scope("USDM"))
    assert not Scope("USDM").covers(GLOBAL)
