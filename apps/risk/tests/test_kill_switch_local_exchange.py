"""The kill switch end to end against the local exchange: everything open is canceled and everything held
is closed, as the exchange itself reports afterwards (not as our database believes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.exchange.domain.types import OrderRequest
from apps.orders.models import Order
from apps.risk.models import KillSwitchRun, StepStatus
from apps.risk.tests.conftest import at, cid

D = Decimal
pytestmark = pytest.mark.integration


def _keep(amounts: dict[str, str]) -> None:
    from apps.config.selectors import config_caches_clear
    from apps.config.services import trading_config_activate

    trading_config_activate(actor=None, changes={"spot_close_keep": amounts})
    config_caches_clear()


def _limit(
    gw: Any, market: str, symbol: str, side: str, qty: str, price: Decimal, position_side: str | None = None
) -> None:
    request = OrderRequest(
        symbol=symbol,
        side=side,
        type="LIMIT",
        client_order_id=cid(),
        quantity=D(qty),
        price=price,
        time_in_force="GTC",
        position_side=position_side,  # type: ignore[arg-type]
    )
    gw.place_order(market, request)


def _market(gw: Any, symbol: str, side: str, qty: str, position_side: str | None = None) -> None:
    gw.place_order(
        "futures",
        OrderRequest(
            symbol=symbol,
            side=side,
            type="MARKET",
            client_order_id=cid(),
            quantity=D(qty),
            position_side=position_side,
        ),
    )


def _open_everything(gw: Any) -> None:
    """Orders of every kind the kill switch must find at the exchange (none of them in our database)."""
    spot_bid = gw.book_ticker("spot", "BTCUSDT").bid_price
    _limit(gw, "spot", "BTCUSDT", "BUY", "0.001", at(spot_bid, "0.8"))
    _limit(gw, "spot", "BTCUSDT", "BUY", "0.002", at(spot_bid, "0.7"))
    _limit(gw, "spot", "ETHUSDT", "BUY", "0.01", at(gw.book_ticker("spot", "ETHUSDT").bid_price, "0.8"))
    ask = gw.book_ticker("spot", "BTCUSDT").ask_price
    gw.place_oco(
        "BTCUSDT",
        side="SELL",
        quantity=D("0.5"),
        list_client_order_id=cid(),
        above={"type": "LIMIT_MAKER", "price": str(at(ask, "1.2"))},
        below={"type": "STOP_LOSS", "stopPrice": str(at(ask, "0.8"))},
    )
    mark = gw.ticker_price("futures", "BTCUSDT")
    _limit(gw, "futures", "BTCUSDT", "BUY", "0.01", at(mark, "0.8", "0.1"))
    _limit(gw, "futures", "ETHUSDT", "SELL", "0.1", at(gw.ticker_price("futures", "ETHUSDT"), "1.2"))
    gw.place_algo_order(
        OrderRequest(
            symbol="BTCUSDT",
            side="SELL",
            type="STOP_MARKET",
            client_order_id=cid(),
            quantity=D("0.01"),
            stop_price=at(mark, "0.7", "0.1"),
        )
    )


def _place_through_the_platform(user: Any, gw: Any) -> Order:
    from apps.orders.domain.intent import PlacementIntent
    from apps.orders.placement import order_place
    from apps.orders.submission import order_submit

    price = at(gw.book_ticker("spot", "BTCUSDT").bid_price, "0.75")
    intent = PlacementIntent(
        market="SPOT",
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        quantity=D("0.001"),
        price=price,
        time_in_force="GTC",
    )
    order = order_place(actor=user, intent=intent).order
    order_submit(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == "NEW"
    return order


def _assert_flat(gw: Any, keep_btc: Decimal) -> None:
    assert gw.open_orders("spot") == []
    assert gw.open_orders("futures") == []
    assert gw.open_algo_orders() == []
    assert [p for p in gw.positions() if p.amount != 0] == []
    held = {b.asset: b for b in gw.account("spot").balances}
    assert held["BTC"].free + held["BTC"].locked == keep_btc
    assert "ETH" not in held or held["ETH"].free + held["ETH"].locked < D("0.0001")  # below ETHUSDT's step


def test_engaging_cancels_every_open_order_and_closes_every_position_per_the_exchange(
    gateway: Any, symbols: None, trader_user: Any
) -> None:
    from apps.risk.killswitch.runner import kill_switch_execute
    from apps.risk.selectors import trading_state_effective
    from apps.risk.services import kill_switch_engage

    _open_everything(gateway)
    _market(gateway, "BTCUSDT", "BUY", "0.01")  # one-way long
    _market(gateway, "ETHUSDT", "SELL", "0.1")  # one-way short
    _keep({"BTC": "0.5"})
    ours = _place_through_the_platform(trader_user, gateway)

    engaged = kill_switch_engage(actor=trader_user, scope="all", close_positions=True, reason="drill")
    assert engaged.created
    assert trading_state_effective(market="USDM", symbol="BTCUSDT").state == "HALTED"
    assert (
        kill_switch_engage(actor=trader_user, scope="usdm", close_positions=True, reason="again").run
        == engaged.run
    )

    assert kill_switch_execute(run_id=engaged.run.pk, worker="test-worker") == "completed"
    _assert_flat(gateway, keep_btc=D("0.5"))

    run = KillSwitchRun.objects.get(pk=engaged.run.pk)
    assert run.status == "COMPLETED"
    report = run.report
    assert report["failed"] == [], report["failed"]
    assert report["summary"]["canceled_orders"] == 9  # 4 spot limits, 2 OCO legs, 2 futures limits, 1 algo
    ours.refresh_from_db()
    assert ours.status == "CANCELED"  # our row follows at once (the run's sync step)
    assert report["dust"] == [
        {"symbol": "BNBUSDT", "asset": "BNB", "amount": "0.0004", "note": report["dust"][0]["note"]}
    ]
    closers = Order.objects.filter(created_by__isnull=True, order_type="MARKET")
    assert closers.count() == 4 and set(closers.values_list("status", flat=True)) == {"FILLED"}
    closed = {(c["market"], c["symbol"], c.get("position_side", "")): c for c in report["closed"]}
    assert closed[("USDM", "BTCUSDT", "BOTH")]["side"] == "SELL"
    assert closed[("USDM", "ETHUSDT", "BOTH")]["side"] == "BUY"
    assert closed[("SPOT", "BTCUSDT", "")]["quantity"] == "1.5"
    assert closed[("SPOT", "ETHUSDT", "")]["quantity"] == "5"
    assert all(s.status in (StepStatus.DONE, StepStatus.SKIPPED) for s in run.steps.all())
    # Engaging once the run is done starts a new one (and finds nothing left to do).
    again = kill_switch_engage(actor=trader_user, scope="all", close_positions=True, reason="again")
    assert again.created and again.run.pk != run.pk
    assert kill_switch_execute(run_id=again.run.pk, worker="test-worker") == "completed"
    again.run.refresh_from_db()
    assert again.run.report["closed"] == [] and again.run.report["failed"] == []


def test_hedge_mode_positions_close_per_side_and_a_symbol_scope_leaves_the_rest_alone(
    gateway: Any, symbols: None, admin_user: Any
) -> None:
    from apps.risk.killswitch.runner import kill_switch_execute
    from apps.risk.selectors import trading_state_effective
    from apps.risk.services import kill_switch_engage

    gateway.set_position_mode(hedge=True)
    _market(gateway, "BTCUSDT", "BUY", "0.02", "LONG")
    _market(gateway, "BTCUSDT", "SELL", "0.01", "SHORT")
    _market(gateway, "ETHUSDT", "BUY", "0.1", "LONG")
    mark = gateway.ticker_price("futures", "BTCUSDT")
    _limit(gateway, "futures", "BTCUSDT", "BUY", "0.01", at(mark, "0.8", "0.1"), "LONG")

    engaged = kill_switch_engage(
        actor=admin_user, scope="USDM:BTCUSDT", close_positions=True, reason="one symbol"
    )
    assert trading_state_effective(market="USDM", symbol="BTCUSDT").state == "HALTED"
    assert trading_state_effective(market="USDM", symbol="ETHUSDT").state == "ACTIVE"
    assert kill_switch_execute(run_id=engaged.run.pk, worker="w") == "completed"

    assert gateway.open_orders("futures", "BTCUSDT") == []
    left = {(p.symbol, p.position_side): p.amount for p in gateway.positions() if p.amount != 0}
    assert left == {("ETHUSDT", "LONG"): D("0.1")}
    engaged.run.refresh_from_db()
    sides = sorted((c["position_side"], c["side"]) for c in engaged.run.report["closed"])
    assert sides == [("LONG", "SELL"), ("SHORT", "BUY")]
    held = {b.asset: b.free for b in gateway.account("spot").balances}
    assert held["BTC"] == D("2")  # a USD-M scope never touches spot
