"""The spot Extension (control API, persistence, ticks) and the adapter from core's market to the engine."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from simulator.market import ticker as tickers
from simulator.spot.domain.enums import Side
from simulator.spot.engine.views import query

if TYPE_CHECKING:
    from simulator.accounts import Account
    from simulator.exchange import Exchange
    from simulator.spot.engine import SpotEngine

log = logging.getLogger(__name__)
AVG_WINDOW_MS = 5 * 60_000
ZERO = Decimal(0)


class CoreMarket:
    """The engine's MarketPort over core's MarketData (spot feeds)."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._avg: dict[str, tuple[int, Decimal | None]] = {}
        self._taken: dict[str, tuple[int, dict[tuple[Side, Decimal], Decimal]]] = {}

    def last_price(self, symbol: str) -> Decimal | None:
        price = self.exchange.market.feed("spot", symbol).last_price
        return price if price > 0 else None

    def avg_price(self, symbol: str) -> Decimal | None:
        # Cached per second: a placement burst must not recompute the 5-minute window every time.
        now = self.exchange.clock.now_ms()
        cached = self._avg.get(symbol)
        if cached is not None and cached[0] == now // 1000:
            return cached[1]
        feed = self.exchange.market.feed("spot", symbol)
        price = tickers.compute(feed, now, AVG_WINDOW_MS).weighted_avg
        value = price if price > 0 else self.last_price(symbol)
        self._avg[symbol] = (now // 1000, value)
        return value

    def synthetic_levels(self, symbol: str, side: Side, depth: int) -> list[tuple[Decimal, Decimal]]:
        # Core names levels by the side they rest on; a BUY taker consumes the SELL (ask) levels.
        resting = "SELL" if side == Side.BUY else "BUY"
        feed = self.exchange.market.feed("spot", symbol)
        levels = feed.synthetic_levels(resting, depth)
        taken = self._taken_now(symbol, feed.tick_no)
        if not taken:
            return levels
        out = [(price, qty - taken.get((side, price), ZERO)) for price, qty in levels]
        return [(price, qty) for price, qty in out if qty > 0]

    def consume(self, symbol: str, side: Side, price: Decimal, qty: Decimal) -> None:
        feed = self.exchange.market.feed("spot", symbol)
        taken = self._taken_now(symbol, feed.tick_no)
        taken[(side, price)] = taken.get((side, price), ZERO) + qty

    def _taken_now(self, symbol: str, tick_no: int) -> dict[tuple[Side, Decimal], Decimal]:
        """What takers consumed from the synthetic book since core last rebuilt it (once per tick)."""
        stamp, taken = self._taken.get(symbol, (-1, {}))
        if stamp != tick_no:
            taken = {}
            self._taken[symbol] = (tick_no, taken)
        return taken

    def record_trade(
        self,
        symbol: str,
        price: Decimal,
        qty: Decimal,
        buyer_is_maker: bool,  # noqa: FBT001
        time_ms: int,
    ) -> None:
        self.exchange.market.record_trade("spot", symbol, price, qty, buyer_is_maker, time_ms)


def _parse_amounts(raw: Any) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    if not isinstance(raw, dict):
        return out
    for asset, amount in raw.items():
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            log.warning("ignoring balance %s=%r", asset, amount)
            continue
        if value.is_finite() and value >= 0:
            out[str(asset)] = value
    return out


class SpotExtension:
    def __init__(self, engine: SpotEngine) -> None:
        self.engine = engine

    def on_account_created(self, account: Account, body: dict[str, Any]) -> None:
        """`balances` sets spot balances; optional `spot_commission: {"maker","taker"}` sets the fee rates."""
        balances = _parse_amounts(body.get("balances"))
        if balances:
            self.engine.set_balances(account.account_id, balances)
        rates = _parse_amounts(body.get("spot_commission"))
        if "maker" in rates or "taker" in rates:
            maker, taker = self.engine.rates(account.account_id)
            self.engine.commission[account.account_id] = (
                rates.get("maker", maker),
                rates.get("taker", taker),
            )

    def account_snapshot(self, account_id: str) -> dict[str, Any]:
        balances = {
            asset: {"free": f"{b.free:.8f}", "locked": f"{b.locked:.8f}"}
            for asset, b in sorted(self.engine.ledger.assets(account_id).items())
        }
        return {"balances": balances, "open_orders": [self._row(o) for o in self.engine.open_for(account_id)]}

    def _row(self, order: Any) -> dict[str, Any]:
        return {"account_id": order.account_id, "market": "spot", **query(order)}

    def find_orders(self, client_order_id: str) -> list[dict[str, Any]]:
        return [self._row(o) for o in self.engine.orders.values() if o.client_order_id == client_order_id]

    def reset(self) -> None:
        self.engine.reset()

    def dump_state(self) -> dict[str, Any]:
        return self.engine.dump_state()

    def load_state(self, data: dict[str, Any]) -> None:
        self.engine.load_state(data)

    def on_tick(self, now_ms: int, sim_ms: int) -> None:
        self.engine.on_tick(now_ms, sim_ms)
