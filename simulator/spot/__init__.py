"""Spot trading for the local Binance exchange: REST /api/v3 trading/account and the WebSocket API.

`setup(app, exchange)` is what core's create_app calls (CONTRACT.md). The engine is reachable in-process as
`app[simulator.spot.SPOT_ENGINE]` or `exchange.extensions["spot"].engine` (see `simulator.spot.engine.engine`
for the benchmark-facing API).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from simulator.spot import rest, wsapi
from simulator.spot.engine import SpotEngine
from simulator.spot.extension import CoreMarket, SpotExtension

if TYPE_CHECKING:
    from decimal import Decimal

    from simulator.exchange import Exchange

__all__ = ["SPOT_ENGINE", "SpotEngine", "setup"]

SPOT_ENGINE = web.AppKey("spot_engine", SpotEngine)


def setup(app: web.Application, exchange: Exchange) -> SpotEngine:
    engine = SpotEngine(exchange.symbols, CoreMarket(exchange), exchange.clock.now_ms)
    exchange.register_extension("spot", SpotExtension(engine))

    def on_trade(market: str, symbol: str, price: Decimal, qty: Decimal, time_ms: int) -> None:
        if market == "spot":
            engine.on_public_trade(symbol, price, qty, time_ms)

    def on_event(account_id: str, event: dict[str, Any]) -> None:
        # An order's first fill (cumulative qty == this fill's qty) leaves the unfilled-order count.
        if event.get("e") == "executionReport" and event.get("x") == "TRADE" and event["z"] == event["l"]:
            exchange.ratelimit.order_filled(account_id, "spot")

    exchange.market.add_trade_listener(on_trade)
    exchange.market.register_book_source("spot", engine.book_depth)
    engine.listeners.append(on_event)
    rest.add_routes(app, engine)
    wsapi.add_routes(app, exchange, engine)
    app[SPOT_ENGINE] = engine
    return engine
