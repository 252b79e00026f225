"""Property: whatever sequence of orders, cancels and market prints runs, value is only moved, never made.

Σ(free + locked) per asset over all accounts + fees collected + the synthetic market's net flow == what the
accounts were funded with; no balance goes negative; every locked amount belongs to an open order.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal as D
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simulator.errors import BinanceError
from simulator.spot.domain.enums import OrderType, Side, StpMode, TimeInForce
from simulator.spot.domain.requests import NewOrder
from simulator.spot.tests.fakes import make_engine

ACCOUNTS = ("a", "b", "c")
# Half the prices sit at or inside the fake market's spread (49999 / 50001), where users' orders interleave
# with the synthetic levels and with each other.
prices = st.one_of(
    st.sampled_from([D(p) / 2 for p in range(99_996, 100_005)]),
    st.integers(min_value=99_800, max_value=100_200).map(lambda p: D(p) / 2),
)
qtys = st.integers(min_value=1, max_value=80).map(lambda q: D(q) / 100)

place = st.tuples(
    st.just("place"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(list(Side)),
    st.sampled_from(
        [
            "LIMIT_GTC",
            "LIMIT_IOC",
            "LIMIT_FOK",
            "MARKET",
            "MARKET_QUOTE",
            "LIMIT_MAKER",
            "STOP_LOSS",
            "TAKE_PROFIT_LIMIT",
            "ICEBERG",
        ]
    ),
    qtys,
    prices,
    st.sampled_from(list(StpMode)),
)
cancel = st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=50))
print_ = st.tuples(st.just("print"), prices, qtys)
amend = st.tuples(st.just("amend"), st.integers(min_value=0, max_value=50))
order_list = st.tuples(
    st.sampled_from(["oco", "oto", "otoco"]),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(list(Side)),
    qtys,
    st.integers(min_value=20, max_value=150).map(lambda p: D(p)),
)
operations = st.lists(st.one_of(place, place, cancel, print_, amend, order_list), min_size=1, max_size=40)


def place_list(engine: Any, kind: str, account: str, side: Side, qty: D, gap: D) -> None:
    mid = engine.market.last["BTCUSDT"]
    stop_side = OrderType.STOP_LOSS
    profit = NewOrder(symbol="BTCUSDT", side=side, type=OrderType.LIMIT_MAKER, quantity=qty)
    stop = NewOrder(symbol="BTCUSDT", side=side, type=stop_side, quantity=qty)
    if side == Side.SELL:
        profit.price, stop.stop_price, above, below = mid + gap, mid - gap, profit, stop
    else:
        profit.price, stop.stop_price, above, below = mid - gap, mid + gap, stop, profit
    if kind == "oco":
        engine.place_oco(account, above, below, None)
        return
    opposite = Side.BUY if side == Side.SELL else Side.SELL
    working_price = mid - gap if opposite == Side.BUY else mid + gap
    working = NewOrder(
        symbol="BTCUSDT",
        side=opposite,
        type=OrderType.LIMIT,
        quantity=qty,
        price=working_price,
        time_in_force=TimeInForce.GTC,
    )
    engine.place_oto(account, working, [above, below] if kind == "otoco" else [profit], None)


def request(side: Side, kind: str, qty: D, price: D, stp: StpMode) -> NewOrder:
    base: dict[str, Any] = {"symbol": "BTCUSDT", "side": side, "quantity": qty, "stp_mode": stp}
    if kind.startswith("LIMIT_") and kind != "LIMIT_MAKER":
        return NewOrder(type=OrderType.LIMIT, price=price, time_in_force=TimeInForce(kind[6:]), **base)
    if kind == "ICEBERG":
        return NewOrder(
            type=OrderType.LIMIT,
            price=price,
            time_in_force=TimeInForce.GTC,
            iceberg_qty=max(qty / 4, D("0.01")).quantize(D("0.00001")),
            **base,
        )
    if kind == "LIMIT_MAKER":
        return NewOrder(type=OrderType.LIMIT_MAKER, price=price, **base)
    if kind == "MARKET_QUOTE":
        base.pop("quantity")
        return NewOrder(type=OrderType.MARKET, quote_order_qty=qty * 100, **base)
    if kind == "STOP_LOSS":
        return NewOrder(type=OrderType.STOP_LOSS, stop_price=price, **base)
    if kind == "TAKE_PROFIT_LIMIT":
        return NewOrder(
            type=OrderType.TAKE_PROFIT_LIMIT,
            stop_price=price,
            price=price,
            time_in_force=TimeInForce.GTC,
            **base,
        )
    return NewOrder(type=OrderType.MARKET, **base)


def check_invariants(engine: Any, funded: dict[str, D]) -> None:
    assert {k: v for k, v in engine.ledger.totals().items() if v} == funded
    held: defaultdict[tuple[str, str], D] = defaultdict(D)
    for order in engine.orders.values():
        assert order.locked >= 0
        if order.is_open:
            held[(order.account_id, order.locked_asset)] += order.locked
        else:
            assert order.locked == 0
    for account, balances in engine.ledger.accounts.items():
        for asset, balance in balances.items():
            assert balance.free >= 0 and balance.locked >= 0, (account, asset, balance)
            assert balance.locked == held[(account, asset)], (account, asset)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
# Regression: a market buy past the account's own (STP-expired) ask must reserve for the deeper levels.
@example(
    [
        ("place", "a", Side.SELL, "LIMIT_GTC", D("0.5"), D("50000.5"), StpMode.NONE),
        ("place", "a", Side.BUY, "MARKET", D("0.5"), D(50000), StpMode.EXPIRE_MAKER),
    ]
)
def test_orders_cancels_and_prints_conserve_every_asset(ops: list[tuple[Any, ...]]) -> None:
    engine, market, _ = make_engine()
    engine.set_balances("c", {"USDT": D(50000), "BTC": D(1)})
    funded = {k: v for k, v in engine.ledger.totals().items() if v}
    for op in ops:
        try:
            if op[0] == "place":
                _, account, side, kind, qty, price, stp = op
                engine.place(account, request(side, kind, qty, price, stp))
            elif op[0] == "cancel":
                open_orders = sorted(
                    (o for o in engine.orders.values() if o.is_open), key=lambda o: o.order_id
                )
                if open_orders:
                    target = open_orders[op[1] % len(open_orders)]
                    engine.cancel(target.account_id, "BTCUSDT", order_id=target.order_id)
            elif op[0] == "amend":
                resting = [o for o in engine.orders.values() if o.is_open and o.remaining > D("0.02")]
                if resting:
                    target = resting[op[1] % len(resting)]
                    engine.amend(
                        target.account_id,
                        "BTCUSDT",
                        order_id=target.order_id,
                        client_id=None,
                        new_qty=target.executed_qty + D("0.01"),
                        new_client_id_=None,
                    )
            elif op[0] in ("oco", "oto", "otoco"):
                place_list(engine, *op)
            else:
                market.last["BTCUSDT"] = op[1]
                engine.on_public_trade("BTCUSDT", op[1], op[2], 0)
        except BinanceError:
            pass
        check_invariants(engine, funded)
