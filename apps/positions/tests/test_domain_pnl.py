"""The P&L fold on tables of fills: averaging, partial closes, flips, reopening, fees and funding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from apps.positions.domain.pnl import (
    FillIn,
    FundingIn,
    PositionState,
    apply_fill,
    apply_funding,
    break_even_price,
    fold_fills,
    fold_fills_by_position_side,
    net_pnl,
    unrealized_pnl,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BTC = {"base_asset": "BTC", "quote_asset": "USDT"}


def fill(
    side: str,
    qty: str,
    price: str,
    *,
    fee: str = "0",
    fee_asset: str = "USDT",
    at: int = 0,
    tid: int | None = None,
    ps: str = "BOTH",
    realized: str | None = None,
) -> FillIn:
    return FillIn(
        side=side,  # type: ignore[arg-type]
        quantity=D(qty),
        price=D(price),
        commission=D(fee),
        commission_asset=fee_asset,
        time=T0 + timedelta(seconds=at),
        trade_id=tid if tid is not None else at,
        realized_pnl=None if realized is None else D(realized),
        position_side=ps,  # type: ignore[arg-type]
    )


def seq(*specs: tuple[str, str, str]) -> list[FillIn]:
    """Fills one second apart, ids in the same order."""
    return [fill(side, qty, price, at=i) for i, (side, qty, price) in enumerate(specs)]


@pytest.mark.parametrize(
    ("fills", "quantity", "entry", "realized"),
    [
        pytest.param(seq(("BUY", "1", "100"), ("BUY", "1", "110")), "2", "105", "0", id="long-adds-average"),
        pytest.param(seq(("BUY", "2", "100"), ("SELL", "0.5", "110")), "1.5", "100", "5", id="partial-close"),
        pytest.param(seq(("SELL", "1", "100"), ("SELL", "3", "120")), "-4", "115", "0", id="short-adds"),
        pytest.param(
            seq(("SELL", "1", "100"), ("SELL", "3", "120"), ("BUY", "2", "110")),
            "-2",
            "115",
            "10",
            id="short-partial-cover",
        ),
        pytest.param(
            seq(("BUY", "1", "100"), ("SELL", "3", "90")), "-2", "90", "-10", id="flip-long-to-short"
        ),
        pytest.param(seq(("SELL", "2", "50"), ("BUY", "3", "40")), "1", "40", "20", id="flip-short-to-long"),
        pytest.param(seq(("BUY", "1", "100"), ("SELL", "1", "130")), "0", "0", "30", id="close-resets-entry"),
        pytest.param(
            seq(("SELL", "1", "100"), ("BUY", "1", "120")), "0", "0", "-20", id="short-closed-at-loss"
        ),
        pytest.param(
            seq(("BUY", "1", "100"), ("SELL", "1", "130"), ("BUY", "2", "50")),
            "2",
            "50",
            "30",
            id="reopen-starts-fresh",
        ),
        pytest.param(
            seq(("BUY", "3", "10"), ("SELL", "1", "12"), ("BUY", "1", "16")),
            "3",
            "12",
            "2",
            id="add-after-partial-close-averages-remaining",
        ),
    ],
)
def test_the_fold_follows_binance_position_rules(
    fills: list[FillIn], quantity: str, entry: str, realized: str
) -> None:
    state = fold_fills(fills, **BTC)
    assert (state.quantity, state.entry_price, state.realized_pnl) == (D(quantity), D(entry), D(realized))
    assert state.trade_count == len(fills)


def test_unrealized_pnl_is_signed_by_direction() -> None:
    long = fold_fills(seq(("BUY", "2", "100")), **BTC)
    short = fold_fills(seq(("SELL", "2", "100")), **BTC)
    assert unrealized_pnl(long, D("90")) == D("-20")
    assert unrealized_pnl(short, D("90")) == D("20")
    assert unrealized_pnl(PositionState(), D("90")) == 0


def test_quote_commissions_are_summed_and_taken_off_net_pnl() -> None:
    state = fold_fills(
        [fill("BUY", "1", "100", fee="0.04", at=0), fill("SELL", "1", "110", fee="0.044", at=1)], **BTC
    )
    assert state.commissions == {"USDT": D("0.084")}
    assert state.commission_quote == D("0.084")
    assert net_pnl(state) == D("9.916")


def test_a_base_asset_fee_shrinks_the_holding_and_counts_at_the_fill_price() -> None:
    # Spot: buying 1 BTC with a 0.001 BTC fee leaves 0.999 BTC.
    bought = fold_fills([fill("BUY", "1", "100", fee="0.001", fee_asset="BTC")], **BTC)
    assert (bought.quantity, bought.entry_price) == (D("0.999"), D("100"))
    assert bought.commissions == {"BTC": D("0.001")}
    assert bought.commission_quote == D("0.1")
    assert bought.cost_basis == D("99.9")
    sold = apply_fill(bought, fill("SELL", "0.999", "110", fee="0.10989", at=1), **BTC)
    assert sold.is_flat
    assert sold.realized_pnl == D("9.99")
    # Cash: paid 100, received 109.89 less 0.10989 fee.
    assert net_pnl(sold) == D("109.89") - D("0.10989") - D("100")


def test_a_bnb_fee_is_converted_with_the_given_price() -> None:
    state = fold_fills(
        [fill("BUY", "1", "100", fee="0.0002", fee_asset="BNB")], **BTC, prices={"BNB": D("500")}
    )
    assert state.commissions == {"BNB": D("0.0002")}
    assert state.commission_quote == D("0.1")
    assert state.unconverted_commissions == {}


def test_a_bnb_fee_without_a_price_stays_unconverted_rather_than_guessed() -> None:
    state = fold_fills(
        [fill("BUY", "1", "100", fee="0.0002", fee_asset="BNB", at=0), fill("SELL", "1", "101", at=1)], **BTC
    )
    assert state.commission_quote == 0
    assert state.unconverted_commissions == {"BNB": D("0.0002")}
    assert state.quantity == 1 - 1  # a BNB fee never touches a BTC holding
    assert net_pnl(state) == D("1")


def test_funding_is_kept_apart_from_trading_pnl() -> None:
    state = fold_fills(seq(("BUY", "1", "100")), **BTC)
    state = apply_funding(state, FundingIn(D("-0.5"), "USDT", T0 + timedelta(hours=8)), **BTC)
    state = apply_funding(state, FundingIn(D("0.2"), "USDT", T0 + timedelta(hours=16)), **BTC)
    assert state.funding == D("-0.3")
    assert state.realized_pnl == 0
    assert net_pnl(state, D("101")) == D("0.7")


def test_funding_in_an_asset_without_a_price_is_reported_unconverted() -> None:
    state = apply_funding(PositionState(), FundingIn(D("0.01"), "BNB", T0), **BTC)
    assert state.funding == 0
    assert state.unconverted_funding == {"BNB": D("0.01")}


def test_the_exchanges_realized_pnl_is_summed_for_reconciliation() -> None:
    state = fold_fills(
        [fill("BUY", "1", "100", realized="0", at=0), fill("SELL", "1", "110", realized="10", at=1)], **BTC
    )
    assert state.reported_realized_pnl == state.realized_pnl == D("10")
    assert fold_fills(seq(("BUY", "1", "1")), **BTC).reported_realized_pnl is None


@pytest.mark.parametrize(
    ("fills", "exit_fee", "expected"),
    [
        pytest.param([fill("BUY", "1", "100", fee="0.1")], "0", "100.1", id="long-earns-back-its-fee"),
        pytest.param([fill("SELL", "1", "100", fee="0.1")], "0", "99.9", id="short-earns-back-its-fee"),
        pytest.param(
            [fill("BUY", "1", "100", fee="0.1")], "0.001", D("100.1") / D("0.999"), id="with-exit-fee"
        ),
        pytest.param(
            [fill("BUY", "2", "100", fee="0.2", at=0), fill("SELL", "1", "110", fee="0.11", at=1)],
            "0",
            "90.31",
            id="partial-close-profit-lowers-it",
        ),
        pytest.param(
            [
                fill("BUY", "1", "100", fee="0.1", at=0),
                fill("SELL", "1", "110", fee="0.11", at=1),
                fill("BUY", "1", "200", fee="0.2", at=2),
            ],
            "0",
            "200.2",
            id="reopen-forgets-the-old-position",
        ),
        pytest.param(
            [fill("BUY", "1", "100", at=0), fill("SELL", "3", "90", fee="0.27", at=1)],
            "0",
            "89.91",
            id="flip-keeps-only-the-opening-share-of-the-fee",
        ),
    ],
)
def test_break_even_price_covers_costs_since_the_position_opened(
    fills: list[FillIn], exit_fee: str, expected: str | D
) -> None:
    state = fold_fills(fills, **BTC)
    assert break_even_price(state, exit_fee_rate=D(exit_fee)) == D(expected)


def test_break_even_counts_funding_paid_while_open_and_is_none_when_flat() -> None:
    state = fold_fills(
        [fill("BUY", "1", "100", at=0)], **BTC, funding=[FundingIn(D("-0.5"), "USDT", T0 + timedelta(1))]
    )
    assert state.break_even_price == D("100.5")
    assert fold_fills(seq(("BUY", "1", "1"), ("SELL", "1", "2")), **BTC).break_even_price is None


def test_funding_before_the_position_opened_does_not_move_its_break_even() -> None:
    state = fold_fills([fill("BUY", "1", "100", at=10)], **BTC, funding=[FundingIn(D("-0.5"), "USDT", T0)])
    assert state.break_even_price == D("100")
    assert state.funding == D("-0.5")


def test_fills_are_folded_in_time_then_trade_id_order_whatever_the_input_order() -> None:
    ordered = [
        fill("BUY", "1", "100", at=0, tid=5),
        fill("SELL", "3", "90", at=1, tid=2),
        fill("BUY", "1", "95", at=1, tid=3),
    ]
    assert fold_fills(list(reversed(ordered)), **BTC) == fold_fills(ordered, **BTC)
    assert fold_fills(ordered, **BTC).last_fill == (T0 + timedelta(seconds=1), 3)


def test_a_trade_id_seen_before_is_skipped() -> None:
    first = fill("BUY", "1", "100", tid=7)
    state = fold_fills([first, first, fill("BUY", "1", "100", at=5, tid=7)], **BTC)
    assert (state.quantity, state.trade_count) == (D("1"), 1)
    assert apply_fill(state, first, **BTC) is state
    again = fold_fills([first, fill("SELL", "1", "110", at=1, tid=8)], **BTC, initial=state)
    assert (again.quantity, again.realized_pnl, again.trade_count) == (D("0"), D("10"), 2)


def test_apply_fill_step_by_step_equals_the_fold() -> None:
    fills = seq(("BUY", "1", "100"), ("SELL", "3", "90"), ("BUY", "2", "80"), ("BUY", "1", "85"))
    state = PositionState()
    for f in fills:
        state = apply_fill(state, f, **BTC)
    assert state == fold_fills(fills, **BTC)


def test_hedge_mode_folds_long_and_short_apart() -> None:
    fills = [
        fill("BUY", "1", "100", at=0, ps="LONG"),
        fill("SELL", "2", "105", at=1, ps="SHORT"),
        fill("SELL", "1", "110", at=2, ps="LONG"),
        fill("BUY", "1", "95", at=3, ps="SHORT"),
    ]
    sides = fold_fills_by_position_side(fills, **BTC)
    assert set(sides) == {"LONG", "SHORT"}
    assert (sides["LONG"].quantity, sides["LONG"].realized_pnl) == (D("0"), D("10"))
    assert (sides["SHORT"].quantity, sides["SHORT"].entry_price, sides["SHORT"].realized_pnl) == (
        D("-1"),
        D("105"),
        D("10"),
    )


def test_one_fold_refuses_fills_of_several_position_sides() -> None:
    with pytest.raises(ValueError, match="fold_fills_by_position_side"):
        fold_fills([fill("BUY", "1", "1", ps="LONG"), fill("SELL", "1", "1", at=1, ps="SHORT")], **BTC)


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": 1.0},
        {"price": 0.1},
        {"commission": 0},
        {"realized_pnl": 1.5},
    ],
)
def test_fills_refuse_floats_and_other_non_decimals(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "side": "BUY",
        "quantity": D("1"),
        "price": D("1"),
        "commission": D("0"),
        "commission_asset": "USDT",
        "time": T0,
        "trade_id": 1,
    }
    with pytest.raises(TypeError, match="must be a Decimal"):
        FillIn(**(fields | bad))  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [{"quantity": D("0")}, {"price": D("-1")}, {"side": "buy"}])
def test_fills_refuse_impossible_values(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "side": "BUY",
        "quantity": D("1"),
        "price": D("1"),
        "commission": D("0"),
        "commission_asset": "USDT",
        "time": T0,
        "trade_id": 1,
    }
    with pytest.raises(ValueError):
        FillIn(**(fields | bad))  # type: ignore[arg-type]


def test_a_negative_commission_is_a_rebate() -> None:
    state = fold_fills([fill("BUY", "1", "100", fee="-0.01")], **BTC)
    assert net_pnl(state, D("100")) == D("0.01")
