"""Leverage brackets, maintenance margin and the liquidation price (fact sheet §8.6)."""

from __future__ import annotations

import json
from decimal import ROUND_DOWN
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.positions.domain.liquidation import (
    Bracket,
    Leg,
    bracket_for,
    initial_margin,
    isolated_liquidation_price,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    parse_bracket_rows,
    parse_leverage_brackets,
)

PAYLOADS = Path("/work/shared/reference/payloads")
# LP is a division carried to 28 digits: the balance equation holds to that precision, not to the last bit.
EXACT = D("1e-20")

# An altcoin table as /fapi/v1/leverageBracket sends it: JSON numbers, cum by Binance's recurrence.
ALT_JSON = """
{"symbol": "XRPUSDT", "brackets": [
  {"bracket": 1, "initialLeverage": 75, "notionalCap": 5000, "notionalFloor": 0,
   "maintMarginRatio": 0.005, "cum": 0.0},
  {"bracket": 2, "initialLeverage": 50, "notionalCap": 50000, "notionalFloor": 5000,
   "maintMarginRatio": 0.01, "cum": 25.0},
  {"bracket": 3, "initialLeverage": 25, "notionalCap": 200000, "notionalFloor": 50000,
   "maintMarginRatio": 0.02, "cum": 525.0},
  {"bracket": 4, "initialLeverage": 20, "notionalCap": 1000000, "notionalFloor": 200000,
   "maintMarginRatio": 0.025, "cum": 1525.0}
]}
"""
ALT = parse_leverage_brackets(json.loads(ALT_JSON))["XRPUSDT"]
# BTCUSDT's first brackets, as strings (the shape some clients and recorders produce).
BTC = parse_bracket_rows(
    [
        {"bracket": "1", "initialLeverage": "125", "notionalCap": "50000", "notionalFloor": "0",
         "maintMarginRatio": "0.004", "cum": "0"},
        {"bracket": "2", "initialLeverage": "100", "notionalCap": "600000", "notionalFloor": "50000",
         "maintMarginRatio": "0.005", "cum": "50"},
        {"bracket": "3", "initialLeverage": "75", "notionalCap": "3000000", "notionalFloor": "600000",
         "maintMarginRatio": "0.0065", "cum": "950"},
    ]
)  # fmt: skip


def balance_gap(legs: list[Leg], wallet: D, price: D, other: D = D(0)) -> D:
    """Margin balance minus maintenance margin if the mark were `price`: zero at the liquidation price."""
    equity = (
        wallet + other + sum((leg.direction * leg.size * (price - leg.entry_price) for leg in legs), D(0))
    )
    maint = sum((maintenance_margin(ALT, leg.size * price) for leg in legs), D(0))
    return equity - maint


def test_the_parser_reads_numbers_and_strings_into_decimals() -> None:
    assert ALT[1] == Bracket(2, 50, D("5000"), D("50000"), D("0.01"), D("25"))
    assert BTC[2].maint_margin_ratio == D("0.0065")
    listed = parse_leverage_brackets([json.loads(ALT_JSON), {"symbol": "BTCUSDT", "brackets": []}][:1])
    assert listed == {"XRPUSDT": ALT}


@pytest.mark.parametrize("bad", [True, None, "abc", [1]])
def test_the_parser_refuses_what_is_not_a_number(bad: object) -> None:
    row = {
        "bracket": 1,
        "initialLeverage": 5,
        "notionalCap": bad,
        "notionalFloor": 0,
        "maintMarginRatio": 0.1,
    }
    with pytest.raises((ValueError, ArithmeticError)):
        parse_bracket_rows([row])


def test_the_parser_sorts_brackets_and_defaults_cum_to_zero() -> None:
    rows = [
        {"bracket": 2, "initialLeverage": 5, "notionalCap": 20, "notionalFloor": 10, "maintMarginRatio": 0.2},
        {"bracket": 1, "initialLeverage": 10, "notionalCap": 10, "notionalFloor": 0, "maintMarginRatio": 0.1},
    ]
    parsed = parse_bracket_rows(rows)
    assert [b.bracket for b in parsed] == [1, 2]
    assert parsed[1].cum == 0


@pytest.mark.parametrize(
    ("notional", "bracket"),
    [("0", 1), ("0.01", 1), ("5000", 1), ("5000.01", 2), ("50000", 2), ("50000.0001", 3), ("-60000", 3)],
)
def test_a_notional_belongs_to_the_bracket_whose_cap_it_does_not_exceed(notional: str, bracket: int) -> None:
    assert bracket_for(ALT, D(notional)).bracket == bracket


def test_beyond_the_last_cap_the_last_bracket_applies() -> None:
    assert bracket_for(ALT, D("5000000")).bracket == 4


@pytest.mark.parametrize(
    ("notional", "expected"),
    [("0", "0"), ("1000", "5"), ("5000", "25"), ("5001", "25.01"), ("50000", "475"), ("60000", "675")],
)
def test_maintenance_margin_is_notional_times_rate_less_cum_and_continuous(
    notional: str, expected: str
) -> None:
    assert maintenance_margin(ALT, D(notional)) == D(expected)


def test_initial_margin_is_notional_over_leverage() -> None:
    assert initial_margin(D("-0.5"), D("40000"), 20) == D("1000")
    with pytest.raises(ValueError):
        initial_margin(D("1"), D("1"), 0)


@pytest.mark.parametrize(
    ("maint", "balance", "expected"),
    [("5", "100", "0.05"), ("0", "-3", "0"), ("5", "5", "1"), ("5", "0", None), ("5", "-1", None)],
)
def test_margin_ratio(maint: str, balance: str, expected: str | None) -> None:
    result = margin_ratio(D(maint), D(balance))
    assert result == (None if expected is None else D(expected))


@pytest.mark.parametrize(
    ("amount", "wallet", "expected"),
    [
        # (iw + cum - q*EP) / (|q|*MMR - q), bracket 1 (MMR 0.5 %), entry 1000
        ("1", "100", D("-900") / D("-0.995")),
        ("-1", "100", D("1100") / D("1.005")),
        ("2", "200", D("-1800") / D("-1.99")),
    ],
)
def test_isolated_liquidation_price_one_way(amount: str, wallet: str, expected: D) -> None:
    lp = isolated_liquidation_price(
        amount=D(amount), entry_price=D("1000"), isolated_wallet=D(wallet), brackets=ALT, mark_price=D("1000")
    )
    assert lp == expected
    assert abs(balance_gap([Leg("BOTH", D(amount), D("1000"))], D(wallet), lp)) < EXACT


@pytest.mark.parametrize(("amount", "wallet"), [("1", "1000"), ("1", "2000"), ("0", "100")])
def test_no_liquidation_price_when_flat_or_when_it_would_not_be_positive(amount: str, wallet: str) -> None:
    # A 1x long loses its whole wallet only at price 0: Binance shows no liquidation price.
    lp = isolated_liquidation_price(
        amount=D(amount), entry_price=D("1000"), isolated_wallet=D(wallet), brackets=ALT, mark_price=D("1000")
    )
    assert lp is None


def test_cross_liquidation_counts_the_other_positions() -> None:
    # TMM1 10 and UPNL1 -40 from other cross positions shrink the cushion of this one.
    legs = [Leg("BOTH", D("2"), D("100"))]
    lp = liquidation_price(
        legs=legs,
        wallet_balance=D("150"),
        brackets=ALT,
        mark_price=D("100"),
        other_maint_margin=D("10"),
        other_unrealized_pnl=D("-40"),
    )
    assert lp == D("-100") / D("-1.99")
    assert abs(balance_gap(legs, D("150"), lp, other=D("-50"))) < EXACT


def test_hedge_mode_prices_long_and_short_together() -> None:
    legs = [Leg("LONG", D("1"), D("100")), Leg("SHORT", D("-0.5"), D("110"))]
    lp = liquidation_price(legs=legs, wallet_balance=D("30"), brackets=ALT, mark_price=D("100"))
    # (30 - 100 + 55) / (1.5 * 0.005 - 1 + 0.5)
    assert lp == D("-15") / D("-0.4925")
    assert abs(balance_gap(legs, D("30"), lp)) < EXACT


def test_a_fully_hedged_position_is_liquidated_by_maintenance_growing_with_price() -> None:
    legs = [Leg("LONG", D("1"), D("100")), Leg("SHORT", D("1"), D("100"))]  # SHORT given positive works too
    lp = liquidation_price(legs=legs, wallet_balance=D("10"), brackets=ALT, mark_price=D("100"))
    assert lp == D("1000")


def test_a_long_whose_liquidation_price_falls_in_a_lower_bracket_is_recomputed_there() -> None:
    # 100 @ 600 = 60000 notional (bracket 3) at 5x; at bracket 3 the LP ≈ 484.44 is in bracket 2.
    legs = [Leg("BOTH", D("100"), D("600"))]
    lp = liquidation_price(legs=legs, wallet_balance=D("12000"), brackets=ALT, mark_price=D("600"))
    assert lp == D("-47975") / D("-99")
    assert bracket_for(ALT, 100 * lp).bracket == 2
    assert abs(balance_gap(legs, D("12000"), lp)) < EXACT


def test_a_short_whose_liquidation_price_rises_into_a_higher_bracket_is_recomputed_there() -> None:
    legs = [Leg("BOTH", D("-100"), D("480"))]
    lp = liquidation_price(legs=legs, wallet_balance=D("4800"), brackets=ALT, mark_price=D("480"))
    assert lp == D("53325") / D("102")
    assert bracket_for(ALT, 100 * lp).bracket == 3
    assert abs(balance_gap(legs, D("4800"), lp)) < EXACT


def test_a_recorded_binance_cross_position() -> None:
    row = json.loads((PAYLOADS / "futures_positionRisk.json").read_text())[0]
    account = json.loads((PAYLOADS / "futures_account.json").read_text())
    lp = liquidation_price(
        legs=[Leg("BOTH", D(row["positionAmt"]), D(row["entryPrice"]))],
        wallet_balance=D(account["totalCrossWalletBalance"]),
        brackets=BTC,
        mark_price=D(row["markPrice"]),
    )
    # Binance cuts maintMargin to 8 decimals (2.43009666712 -> "2.43009666").
    maint = maintenance_margin(BTC, D(row["notional"]))
    assert maint.quantize(D("1e-8"), rounding=ROUND_DOWN) == D(row["maintMargin"])
    # A multi-assets account (USDC counted with a haircut), so only closeness can be expected.
    assert lp is not None
    assert abs(lp - D(row["liquidationPrice"])) / D(row["liquidationPrice"]) < D("0.0001")


@given(
    amount=st.decimals(min_value=D("-300"), max_value=D("300"), places=2).filter(lambda a: a != 0),
    entry=st.decimals(min_value=D("1"), max_value=D("2000"), places=2),
    leverage=st.integers(min_value=1, max_value=50),
)
def test_the_liquidation_price_sits_in_its_own_bracket_where_balance_meets_maintenance(
    amount: D, entry: D, leverage: int
) -> None:
    legs = [Leg("BOTH", amount, entry)]
    wallet = abs(amount) * entry / leverage
    lp = liquidation_price(legs=legs, wallet_balance=wallet, brackets=ALT, mark_price=entry)
    candidates = [
        liquidation_price(legs=legs, wallet_balance=wallet, brackets=[b], mark_price=entry) for b in ALT
    ]
    if lp is None:
        # Only a long can have none: its wallet covers the fall to zero.
        assert amount > 0
        assert all(c is None for c in candidates)
        return
    assert abs(balance_gap(legs, wallet, lp)) < D("1e-18")
    # Maintenance is the upper envelope of the bracket lines, so the first price reached is the
    # highest single-bracket LP for a long and the lowest for a short.
    known = [c for c in candidates if c is not None]
    assert lp == (max(known) if amount > 0 else min(known))
