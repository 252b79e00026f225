"""Our margin arithmetic against the real local exchange, through python-binance over sockets.

Positions are opened with market orders on fresh accounts; then positionRisk, leverageBracket and
userTrades are read back and recomputed with apps.positions.domain: the liquidation price must be
within one tick of the exchange's, and the P&L fold over the account's trades must give the exchange's
realized P&L, entry price and unrealized P&L at its mark price.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from apps.positions.domain.liquidation import (
    Bracket,
    Leg,
    liquidation_price,
    maintenance_margin,
    parse_leverage_brackets,
)
from apps.positions.domain.pnl import (
    FillIn,
    PositionState,
    fold_fills,
    fold_fills_by_position_side,
    unrealized_pnl,
)
from tests.fixtures.local_exchange import LocalExchange

pytestmark = pytest.mark.integration

ZERO = Decimal(0)
# realizedPnl and unRealizedProfit come rounded to 8 decimals; each rounding may cost half a unit.
WIRE_ROUNDING = Decimal("0.000000005")


class Exchange:
    """One fresh futures account on the local exchange, with the few reads these tests compare."""

    def __init__(self, url: str, account: dict[str, Any]) -> None:
        cls = type("SimClient", (Client,), {"FUTURES_URL": f"{url}/fapi", "API_URL": f"{url}/api"})
        self.client: Client = cls(account["api_key"], account["api_secret"], ping=False)
        info = self.client.futures_exchange_info()
        self.symbols = {s["symbol"]: s for s in info["symbols"]}

    def filter(self, symbol: str, kind: str, key: str) -> Decimal:
        row = next(f for f in self.symbols[symbol]["filters"] if f["filterType"] == kind)
        return Decimal(row[key])

    def quantity_for(self, symbol: str, notional: Decimal) -> Decimal:
        """About `notional` worth, a multiple of 4 steps so halves and quarters are valid quantities."""
        mark = Decimal(self.client.futures_mark_price(symbol=symbol)["markPrice"])
        lot = 4 * self.filter(symbol, "LOT_SIZE", "stepSize")
        return (notional / mark / lot).to_integral_value(rounding=ROUND_CEILING) * lot

    def setup(self, symbol: str, *, margin_type: str, leverage: int) -> None:
        try:
            self.client.futures_change_margin_type(symbol=symbol, marginType=margin_type)
        except BinanceAPIException as exc:
            if exc.code != -4046:  # already that margin type
                raise
        self.client.futures_change_leverage(symbol=symbol, leverage=leverage)

    def market(self, symbol: str, side: str, quantity: Decimal, position_side: str | None = None) -> None:
        extra = {"positionSide": position_side} if position_side else {}
        self.client.futures_create_order(
            symbol=symbol, side=side, type="MARKET", quantity=f"{quantity:f}", **extra
        )

    def brackets(self, symbol: str) -> tuple[Bracket, ...]:
        return parse_leverage_brackets(self.client.futures_leverage_bracket(symbol=symbol))[symbol]

    def fills(self, symbol: str) -> list[FillIn]:
        return [
            FillIn(
                side=t["side"],
                quantity=Decimal(t["qty"]),
                price=Decimal(t["price"]),
                commission=Decimal(t["commission"]),
                commission_asset=t["commissionAsset"],
                time=datetime.fromtimestamp(t["time"] / 1000, UTC),
                trade_id=int(t["id"]),
                realized_pnl=Decimal(t["realizedPnl"]),
                position_side=t["positionSide"],
            )
            for t in self.client.futures_account_trades(symbol=symbol, limit=1000)
        ]

    def cross_wallet(self) -> Decimal:
        usdt = next(b for b in self.client.futures_account_balance() if b["asset"] == "USDT")
        return Decimal(usdt["crossWalletBalance"])

    def risk_with_cross_wallet(self) -> tuple[list[dict[str, Any]], Decimal]:
        """positionRisk and the cross wallet of the same instant (a funding payment may land between)."""
        for _ in range(5):
            before = self.cross_wallet()
            rows = [r for r in self.client.futures_position_information() if Decimal(r["positionAmt"])]
            if self.cross_wallet() == before:
                return rows, before
        raise AssertionError("the cross wallet kept changing while positionRisk was read")


@pytest.fixture
def exchange_with(local_exchange: LocalExchange) -> Iterator[Callable[[str], Exchange]]:
    """A fresh account holding this many USDT of futures wallet: small enough for a cross position
    to have a liquidation price at all."""
    local_exchange.reset()

    def make(futures_usdt: str) -> Exchange:
        account = local_exchange.create_account(futures_balances={"USDT": futures_usdt})
        return Exchange(local_exchange.url, account)

    yield make
    local_exchange.control("DELETE", "faults")


def base_of(exchange: Exchange, symbol: str) -> dict[str, str]:
    row = exchange.symbols[symbol]
    return {"base_asset": row["baseAsset"], "quote_asset": row["quoteAsset"]}


def assert_fold_matches(state: PositionState, row: dict[str, Any], fills: list[FillIn]) -> None:
    assert state.quantity == Decimal(row["positionAmt"])
    assert state.entry_price == Decimal(row["entryPrice"])
    exchange_realized = sum((f.realized_pnl or ZERO for f in fills), ZERO)
    assert state.realized_pnl != 0, "the scenario should realize something"
    assert abs(state.realized_pnl - exchange_realized) <= WIRE_ROUNDING * len(fills)
    assert state.reported_realized_pnl == exchange_realized
    upnl = unrealized_pnl(state, Decimal(row["markPrice"]))
    assert abs(upnl - Decimal(row["unRealizedProfit"])) <= 2 * WIRE_ROUNDING


def assert_within_a_tick(ours: Decimal | None, row: dict[str, Any], tick: Decimal) -> None:
    theirs = Decimal(row["liquidationPrice"])
    assert ours is not None, f"exchange says {theirs}"
    assert abs(ours - theirs) <= tick, f"ours {ours} vs exchange {theirs} (tick {tick})"


def test_isolated_position_after_a_flip(exchange_with: Callable[[str], Exchange]) -> None:
    exchange = exchange_with("1000")
    symbol = "BTCUSDT"
    exchange.setup(symbol, margin_type="ISOLATED", leverage=10)
    size = exchange.quantity_for(symbol, Decimal("600"))
    exchange.market(symbol, "BUY", size)
    exchange.market(symbol, "SELL", size / 2)
    exchange.market(symbol, "SELL", size)  # through zero: short half the size

    [row] = exchange.client.futures_position_information(symbol=symbol)
    fills = exchange.fills(symbol)
    state = fold_fills(fills, **base_of(exchange, symbol))
    assert state.quantity < 0
    assert_fold_matches(state, row, fills)

    lp = liquidation_price(
        legs=[Leg("BOTH", Decimal(row["positionAmt"]), Decimal(row["entryPrice"]))],
        wallet_balance=Decimal(row["isolatedWallet"]),
        brackets=exchange.brackets(symbol),
        mark_price=Decimal(row["markPrice"]),
    )
    assert_within_a_tick(lp, row, exchange.filter(symbol, "PRICE_FILTER", "tickSize"))


def test_cross_positions_price_each_other_in(exchange_with: Callable[[str], Exchange]) -> None:
    exchange = exchange_with("400")
    exchange.setup("ETHUSDT", margin_type="CROSSED", leverage=20)
    exchange.setup("SOLUSDT", margin_type="CROSSED", leverage=20)
    eth = exchange.quantity_for("ETHUSDT", Decimal("3000"))
    exchange.market("ETHUSDT", "BUY", eth)
    exchange.market("ETHUSDT", "SELL", eth / 2)
    sol = exchange.quantity_for("SOLUSDT", Decimal("4000"))
    exchange.market("SOLUSDT", "SELL", sol)
    exchange.market("SOLUSDT", "BUY", sol / 4)
    rows, wallet = exchange.risk_with_cross_wallet()
    by_symbol = {r["symbol"]: r for r in rows}
    assert set(by_symbol) == {"ETHUSDT", "SOLUSDT"}

    states: dict[str, PositionState] = {}
    brackets: dict[str, tuple[Bracket, ...]] = {}
    for symbol, row in by_symbol.items():
        fills = exchange.fills(symbol)
        states[symbol] = fold_fills(fills, **base_of(exchange, symbol))
        brackets[symbol] = exchange.brackets(symbol)
        assert_fold_matches(states[symbol], row, fills)

    for symbol, row in by_symbol.items():
        [other] = [s for s in by_symbol if s != symbol]
        other_row = by_symbol[other]
        other_notional = abs(Decimal(other_row["positionAmt"])) * Decimal(other_row["markPrice"])
        lp = liquidation_price(
            legs=[Leg("BOTH", states[symbol].quantity, states[symbol].entry_price)],
            wallet_balance=wallet,
            brackets=brackets[symbol],
            mark_price=Decimal(row["markPrice"]),
            other_maint_margin=maintenance_margin(brackets[other], other_notional),
            other_unrealized_pnl=unrealized_pnl(states[other], Decimal(other_row["markPrice"])),
        )
        assert_within_a_tick(lp, row, exchange.filter(symbol, "PRICE_FILTER", "tickSize"))


def test_hedge_mode_long_and_short_of_one_symbol(exchange_with: Callable[[str], Exchange]) -> None:
    exchange = exchange_with("150")
    symbol = "BTCUSDT"
    exchange.client.futures_change_position_mode(dualSidePosition="true")
    exchange.setup(symbol, margin_type="CROSSED", leverage=20)
    size = exchange.quantity_for(symbol, Decimal("2000"))
    exchange.market(symbol, "BUY", size, "LONG")
    exchange.market(symbol, "SELL", size / 4, "SHORT")
    exchange.market(symbol, "SELL", size / 2, "LONG")  # closes half the long: realizes

    rows, wallet = exchange.risk_with_cross_wallet()
    by_side = {r["positionSide"]: r for r in rows}
    assert set(by_side) == {"LONG", "SHORT"}
    fills = exchange.fills(symbol)
    states = fold_fills_by_position_side(fills, **base_of(exchange, symbol))
    long_fills = [f for f in fills if f.position_side == "LONG"]
    assert_fold_matches(states["LONG"], by_side["LONG"], long_fills)
    assert states["SHORT"].quantity == Decimal(by_side["SHORT"]["positionAmt"])

    lp = liquidation_price(
        legs=[Leg(side, states[side].quantity, states[side].entry_price) for side in ("LONG", "SHORT")],
        wallet_balance=wallet,
        brackets=exchange.brackets(symbol),
        mark_price=Decimal(by_side["LONG"]["markPrice"]),
    )
    tick = exchange.filter(symbol, "PRICE_FILTER", "tickSize")
    assert_within_a_tick(lp, by_side["LONG"], tick)
    assert_within_a_tick(lp, by_side["SHORT"], tick)
