"""Pure formulas: brackets, margin, liquidation price, the position fold and the status tables."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from simulator.futures.domain import brackets as br
from simulator.futures.domain import fmt
from simulator.futures.domain import margin as mg
from simulator.futures.domain.enums import ORDER_TRANSITIONS, InvalidTransition, next_algo_status, next_status
from simulator.futures.domain.errors import FuturesError
from simulator.futures.domain.position import Position, apply_fill, break_even, unrealized
from simulator.futures.domain.symbol import check_notional, check_price, check_quantity
from simulator.futures.tests.fakes import PAYLOADS, SPECS


@pytest.mark.parametrize(("index", "cum"), [(0, "0"), (1, "50"), (2, "950"), (3, "11450"), (4, "131450")])
def test_bracket_cum_follows_binance_recurrence(index: int, cum: str) -> None:
    assert br.MAJOR[index].cum == D(cum)


@pytest.mark.parametrize(
    ("notional", "expected"),
    [
        ("607.52416678", "2.43009666712"),  # futures_positionRisk.json: maintMargin 2.43009666
        ("50000", "200"),
        ("50001", "200.005"),
        ("600000", "2950"),
        ("700000", "3600"),
    ],
)
def test_maintenance_margin_is_continuous_across_tiers(notional: str, expected: str) -> None:
    assert mg.maint_margin(D(1), D(notional), br.MAJOR) == D(expected)


def test_maintenance_margin_matches_recorded_position() -> None:
    row = json.loads((PAYLOADS / "futures_positionRisk.json").read_text())[0]
    mm = mg.maint_margin(D(row["positionAmt"]), D(row["markPrice"]), br.MAJOR)
    assert abs(mm - D(row["maintMargin"])) < D("0.00000001")
    upnl = D(row["positionAmt"]) * (D(row["markPrice"]) - D(row["entryPrice"]))
    assert abs(upnl - D(row["unRealizedProfit"])) < D("0.00000001")
    pos = Position("BTCUSDT", "BOTH", D(row["positionAmt"]), D(row["entryPrice"]))
    assert break_even(pos, D("0.0005")) == D(row["breakEvenPrice"])


@pytest.mark.parametrize(
    ("wallet", "amount", "entry", "expected"),
    [
        # one-way isolated long: (iw + cum - q*EP) / (|q|*MMR - q)
        ("100", "1", "1000", "904.522613065"),
        ("100", "-1", "1000", "1094.527363184"),
        ("0", "0", "1000", "0"),
    ],
)
def test_liquidation_price_isolated(wallet: str, amount: str, entry: str, expected: str) -> None:
    legs = [mg.LegInput("BOTH", D(amount), D(entry))]
    lp = mg.liquidation_price(
        wallet=D(wallet), other_maint=D(0), other_upnl=D(0), legs=legs, brackets=br.ALT, mark=D(entry)
    )
    assert abs(lp - D(expected)) < D("0.0001")


def test_liquidation_price_close_to_recorded_cross_position() -> None:
    row = json.loads((PAYLOADS / "futures_positionRisk.json").read_text())[0]
    acct = json.loads((PAYLOADS / "futures_account.json").read_text())
    legs = [mg.LegInput("BOTH", D(row["positionAmt"]), D(row["entryPrice"]))]
    lp = mg.liquidation_price(
        wallet=D(acct["totalCrossWalletBalance"]),
        other_maint=D(0),
        other_upnl=D(0),
        legs=legs,
        brackets=br.MAJOR,
        mark=D(row["markPrice"]),
    )
    # The recorded account is multi-assets (USDC valued with a haircut), so only closeness is expected.
    assert abs(lp - D(row["liquidationPrice"])) / D(row["liquidationPrice"]) < D("0.0001")


FOLD = [
    # (start amount, start entry, fill qty (signed), fill price, new amount, new entry, realized)
    ("0", "0", "1", "100", "1", "100", "0"),
    ("1", "100", "1", "110", "2", "105", "0"),
    ("2", "105", "-1", "120", "1", "105", "15"),
    ("1", "105", "-3", "90", "-2", "90", "-15"),
    ("-2", "90", "2", "80", "0", "0", "20"),
    ("-1", "50", "-1", "60", "-2", "55", "0"),
]


@pytest.mark.parametrize(("amt", "ep", "qty", "px", "new_amt", "new_ep", "realized"), FOLD)
def test_position_fold(
    amt: str, ep: str, qty: str, px: str, new_amt: str, new_ep: str, realized: str
) -> None:
    pos, got = apply_fill(Position("X", "BOTH", D(amt), D(ep)), D(qty), D(px))
    assert (pos.amount, pos.entry_price, got) == (D(new_amt), D(new_ep), D(realized))
    assert unrealized(pos, D(px)) == pos.amount * (D(px) - pos.entry_price)


@pytest.mark.parametrize(
    ("amount", "mark", "rate", "paid"),
    [
        ("1", "100", "0.0001", "-0.0100"),
        ("-1", "100", "0.0001", "0.0100"),
        ("2", "50", "-0.001", "0.100"),
    ],
)
def test_funding_longs_pay_shorts_when_rate_positive(amount: str, mark: str, rate: str, paid: str) -> None:
    assert mg.funding_payment(D(amount), D(mark), D(rate)) == D(paid)


def test_order_state_table_rejects_resurrection() -> None:
    assert next_status("NEW", "PARTIAL_FILL") == "PARTIALLY_FILLED"
    assert next_status("PARTIALLY_FILLED", "FILL") == "FILLED"
    for terminal in ("FILLED", "CANCELED", "EXPIRED", "EXPIRED_IN_MATCH"):
        for event in ("FILL", "CANCEL", "AMEND"):
            with pytest.raises(InvalidTransition, match=f"{terminal} -> {event}"):
                next_status(terminal, event)
    assert all(src in ("NEW", "PARTIALLY_FILLED") for src, _ in ORDER_TRANSITIONS)
    assert next_algo_status("NEW", "TRIGGER") == "TRIGGERED"
    with pytest.raises(InvalidTransition):
        next_algo_status("FINISHED", "CANCEL")


BTC = SPECS["BTCUSDT"]


@pytest.mark.parametrize(
    ("price", "code"), [("0", -4001), ("1", -4013), ("9999999", -4002), ("50000.05", -4014)]
)
def test_price_filter_rejections(price: str, code: int) -> None:
    with pytest.raises(FuturesError) as err:
        check_price(BTC, D(price))
    assert err.value.code == code


@pytest.mark.parametrize(
    ("qty", "market", "code"),
    [
        ("0", False, -4003),
        ("0.0001", False, -4004),
        ("1001", False, -4005),
        ("121", True, -4005),
        ("0.0015", False, -4023),
    ],
)
def test_quantity_filter_rejections(qty: str, market: bool, code: int) -> None:
    with pytest.raises(FuturesError) as err:
        check_quantity(BTC, D(qty), market=market)
    assert err.value.code == code


def test_min_notional_rejection_names_the_minimum() -> None:
    with pytest.raises(FuturesError) as err:
        check_notional(BTC, D("50000"), D("0.001"))
    assert err.value.code == -4164
    assert "100" in err.value.msg


@pytest.mark.parametrize(
    ("value", "places", "text"), [("1.5", 2, "1.50"), ("0", 8, "0.00000000"), ("91739.9000", 2, "91739.90")]
)
def test_fixed_formatting(value: str, places: int, text: str) -> None:
    assert fmt.fixed(D(value), places) == text
    assert fmt.plain(D("91739.900")) == "91739.9"
