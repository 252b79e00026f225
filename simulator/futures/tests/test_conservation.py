"""Property: wallets move only by realized P&L, fees and funding (plus transfers), for every account."""

from __future__ import annotations

import contextlib
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.futures.domain.errors import FuturesError
from simulator.futures.engine.funding import INTERVAL_MS
from simulator.futures.engine.placing import OrderRequest
from simulator.futures.tests.fakes import Harness

ACCOUNTS = ("a", "b", "c")
ALLOWED = {"TRANSFER", "REALIZED_PNL", "COMMISSION", "FUNDING_FEE", "INSURANCE_CLEAR"}

order_op = st.tuples(
    st.just("order"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(["BUY", "SELL"]),
    st.sampled_from(["MARKET", "LIMIT"]),
    st.integers(min_value=2, max_value=400),  # qty in 0.001 BTC
    st.integers(min_value=-30, max_value=30),  # limit price offset in 10 USDT
    st.booleans(),  # reduceOnly
)
market_op = st.tuples(st.just("move"), st.integers(min_value=-400, max_value=400))
funding_op = st.tuples(st.just("funding"))
cancel_op = st.tuples(st.just("cancel"), st.sampled_from(ACCOUNTS))
margin_op = st.tuples(st.just("margin"), st.sampled_from(ACCOUNTS), st.sampled_from(["ISOLATED", "CROSSED"]))
leverage_op = st.tuples(
    st.just("leverage"), st.sampled_from(ACCOUNTS), st.integers(min_value=1, max_value=125)
)


def apply(h: Harness, op: tuple) -> None:  # type: ignore[type-arg]
    eng = h.engine
    kind = op[0]
    if kind == "order":
        _, acc, side, typ, qty, offset, reduce = op
        price = h.market.prices["BTCUSDT"] + D(offset) * 10 if typ == "LIMIT" else None
        req = OrderRequest(
            symbol="BTCUSDT",
            side=side,
            type=typ,
            quantity=D(qty) / 1000,
            price=price,
            time_in_force="GTC" if typ == "LIMIT" else None,
            reduce_only=reduce,
        )
        with contextlib.suppress(FuturesError):
            eng.place_order(acc, req)
    elif kind == "move":
        new = h.market.prices["BTCUSDT"] + D(op[1]) * 10
        h.market.prices["BTCUSDT"] = max(new, D(30000))
        eng.on_public_trade("BTCUSDT", h.market.prices["BTCUSDT"], D(1))
        h.tick(advance_ms=100)
    elif kind == "funding":
        h.tick(advance_ms=100, sim_advance_ms=INTERVAL_MS)
    elif kind == "margin":
        with contextlib.suppress(FuturesError):
            eng.change_margin_type(op[1], "BTCUSDT", op[2])
    elif kind == "leverage":
        with contextlib.suppress(FuturesError):
            eng.change_leverage(op[1], "BTCUSDT", op[2])
    else:
        eng.cancel_all(op[1], "BTCUSDT")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(order_op, market_op, funding_op, cancel_op, leverage_op, margin_op), min_size=1, max_size=30
    )
)
def test_wallets_change_only_by_pnl_fees_and_funding(ops: list) -> None:  # type: ignore[type-arg]
    h = Harness()
    for acc in ACCOUNTS:
        h.engine.fund(acc, {"USDT": D(3000)})
    h.tick()
    for op in ops:
        apply(h, op)
    kinds = {r["incomeType"] for r in h.engine.ledger.income}
    assert kinds <= ALLOWED
    for acc in ACCOUNTS:
        wallet = h.engine.account(acc).wallet["USDT"]
        ledger = sum((D(r["income"]) for r in h.engine.ledger.income if r["account_id"] == acc), D(0))
        assert wallet == ledger
        assert wallet >= 0
        trades = [t for t in h.engine.ledger.trades if t["account_id"] == acc]
        realized = sum((D(t["realizedPnl"]) for t in trades), D(0))
        fees = sum((D(t["commission"]) for t in trades), D(0))
        funding = sum(
            (
                D(r["income"])
                for r in h.engine.ledger.income
                if r["account_id"] == acc and r["incomeType"] in ("FUNDING_FEE", "INSURANCE_CLEAR")
            ),
            D(0),
        )
        assert wallet == D(3000) + realized - fees + funding
        # positions are consistent with the fills that built them
        net = sum((D(t["qty"]) if t["side"] == "BUY" else -D(t["qty"]) for t in trades), D(0))
        assert h.engine.account(acc).position("BTCUSDT", "BOTH").amount == net
        for order in h.engine.ledger.orders.values():
            assert order.executed_qty <= order.orig_qty
