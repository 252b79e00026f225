"""Properties of the P&L fold over any sequence of fills (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.positions.domain.pnl import (
    FillIn,
    PositionState,
    apply_fill,
    fold_fills,
    net_pnl,
    unrealized_pnl,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BTC = {"base_asset": "BTC", "quote_asset": "USDT"}
# Entry prices are divisions carried to 28 significant digits; anything above this is a real error.
TOLERANCE = D("1e-12")

quantities = st.decimals(min_value=D("0.001"), max_value=D("50"), places=3)
prices = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)
fees = st.one_of(
    st.tuples(st.decimals(min_value=D("-0.5"), max_value=D("5"), places=4), st.just("USDT")),
    st.tuples(st.decimals(min_value=D("0"), max_value=D("0.0009"), places=6), st.just("BTC")),
)


@st.composite
def fill_lists(draw: st.DrawFn, *, same_time: bool = False, max_size: int = 25) -> list[FillIn]:
    n = draw(st.integers(min_value=0, max_value=max_size))
    ids = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n, unique=True))
    out = []
    for trade_id in ids:
        fee, fee_asset = draw(fees)
        out.append(
            FillIn(
                side=draw(st.sampled_from(["BUY", "SELL"])),
                quantity=draw(quantities),
                price=draw(prices),
                commission=fee,
                commission_asset=fee_asset,
                time=T0 if same_time else T0 + timedelta(seconds=draw(st.integers(0, 50))),
                trade_id=trade_id,
            )
        )
    return out


def cash_flow_pnl(fills: list[FillIn], mark: D) -> D:
    """What the account gained, counted in cash: quote paid and received, base held valued at `mark`."""
    cash = D(0)
    held = D(0)
    for f in fills:
        cash -= f.signed_quantity * f.price
        held += f.signed_quantity
        if f.commission_asset == "USDT":
            cash -= f.commission
        else:
            held -= f.commission
    return cash + held * mark


@given(fill_lists(), prices)
def test_realized_plus_unrealized_less_fees_equals_cash_flow_pnl(fills: list[FillIn], mark: D) -> None:
    state = fold_fills(fills, **BTC)
    assert abs(net_pnl(state, mark) - cash_flow_pnl(fills, mark)) <= TOLERANCE


@given(fill_lists(same_time=True), st.data())
def test_same_time_fills_in_any_order_fold_to_the_same_state(
    fills: list[FillIn], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(fills))
    assert fold_fills(shuffled, **BTC) == fold_fills(fills, **BTC)


@given(fill_lists(), st.data())
def test_duplicated_fills_are_ignored(fills: list[FillIn], data: st.DataObject) -> None:
    duplicates = data.draw(st.lists(st.sampled_from(fills), max_size=10)) if fills else []
    assert fold_fills(fills + duplicates, **BTC) == fold_fills(fills, **BTC)


@given(fill_lists(), prices, prices)
def test_closing_everything_leaves_nothing_open_and_realizes_the_cash_flow(
    fills: list[FillIn], close_price: D, mark: D
) -> None:
    state = fold_fills(fills, **BTC)
    if not state.is_flat:
        closing = FillIn(
            side="SELL" if state.quantity > 0 else "BUY",
            quantity=abs(state.quantity),
            price=close_price,
            commission=D(0),
            commission_asset="USDT",
            time=T0 + timedelta(days=1),
            trade_id=0,
        )
        fills = [*fills, closing]
        state = apply_fill(state, closing, **BTC)
    assert (state.quantity, state.entry_price) == (0, 0)
    assert unrealized_pnl(state, mark) == 0
    assert abs(net_pnl(state) - cash_flow_pnl(fills, mark)) <= TOLERANCE


@given(fill_lists())
def test_entry_price_is_set_exactly_when_a_position_is_open(fills: list[FillIn]) -> None:
    state = PositionState()
    for f in sorted(fills, key=lambda f: (f.time, f.trade_id)):
        state = apply_fill(state, f, **BTC)
        assert (state.entry_price > 0) == (state.quantity != 0)
    assert state == fold_fills(fills, **BTC)


@settings(max_examples=50)
@given(fill_lists(max_size=10), fill_lists(max_size=10))
def test_folding_in_two_batches_equals_folding_once(first: list[FillIn], second: list[FillIn]) -> None:
    # The second batch comes later in time, as fills fetched on the next poll do.
    later = [
        FillIn(
            side=f.side,
            quantity=f.quantity,
            price=f.price,
            commission=f.commission,
            commission_asset=f.commission_asset,
            time=f.time + timedelta(days=1),
            trade_id=f.trade_id + 2 * 10**9,
        )
        for f in second
    ]
    batched = fold_fills(later, **BTC, initial=fold_fills(first, **BTC))
    assert batched == fold_fills(first + later, **BTC)
