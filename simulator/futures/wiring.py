"""`setup(app, exchange)`: builds the futures runtime, registers routes, extension and listeners."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.adapters import CoreMarket, CoreSymbols
from simulator.futures.api import account, algo, index_klines, market, orders, userstream
from simulator.futures.api.common import RUNTIME_KEY
from simulator.futures.engine.engine import FuturesEngine

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.accounts import Account
    from simulator.exchange import Exchange


@dataclass
class FuturesRuntime:
    exchange: Exchange
    engine: FuturesEngine
    streams: userstream.UserStreams
    symbols: CoreSymbols
    # fundingRate/fundingInfo per-IP budget: ip -> (5-minute window start, calls in it)
    funding_calls: dict[str, tuple[int, int]] = field(default_factory=dict)


class FuturesExtension:
    """core's Extension protocol for the futures part."""

    def __init__(self, rt: FuturesRuntime) -> None:
        self.rt = rt

    def on_account_created(self, account: Account, body: dict[str, Any]) -> None:
        balances = body.get("futures_balances") or {}
        self.rt.engine.fund(account.account_id, {str(k): Decimal(str(v)) for k, v in balances.items()})

    def account_snapshot(self, account_id: str) -> dict[str, Any]:
        return self.rt.engine.snapshot(account_id)

    def find_orders(self, client_order_id: str) -> list[dict[str, Any]]:
        return self.rt.engine.find_orders(client_order_id)

    def reset(self) -> None:
        self.rt.engine.reset()
        self.rt.streams.reset()

    def dump_state(self) -> dict[str, Any]:
        # listenKeys survive a restart so a client's reconnect to the same URL keeps receiving its events.
        return {**self.rt.engine.dump(), "listen_keys": self.rt.streams.dump()}

    def load_state(self, data: dict[str, Any]) -> None:
        self.rt.engine.load(data)
        self.rt.streams.load(data.get("listen_keys", []))

    def on_tick(self, now_ms: int, sim_ms: int) -> None:
        rt = self.rt
        rt.engine.tick(now_ms, sim_ms, [s.symbol for s in rt.exchange.symbols.all("futures")])
        rt.streams.expire(now_ms)


ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/fapi/v1/exchangeInfo", market.get_exchange_info),
    ("GET", "/fapi/v1/premiumIndex", market.get_premium_index),
    ("GET", "/fapi/v1/fundingRate", market.get_funding_rate),
    ("GET", "/fapi/v1/fundingInfo", market.get_funding_info),
    ("GET", "/fapi/v1/openInterest", market.get_open_interest),
    ("GET", "/fapi/v1/markPriceKlines", market.get_mark_price_klines),
    ("GET", "/fapi/v1/indexPriceKlines", index_klines.get_index_price_klines),
    ("GET", "/fapi/v1/premiumIndexKlines", index_klines.get_premium_index_klines),
    ("POST", "/fapi/v1/order", orders.post_order),
    ("POST", "/fapi/v1/order/test", orders.post_order_test),
    ("GET", "/fapi/v1/order", orders.get_order),
    ("DELETE", "/fapi/v1/order", orders.delete_order),
    ("PUT", "/fapi/v1/order", orders.put_order),
    ("POST", "/fapi/v1/batchOrders", orders.post_batch),
    ("PUT", "/fapi/v1/batchOrders", orders.put_batch),
    ("DELETE", "/fapi/v1/batchOrders", orders.delete_batch),
    ("DELETE", "/fapi/v1/allOpenOrders", orders.delete_all_open),
    ("GET", "/fapi/v1/openOrders", orders.get_open_orders),
    ("GET", "/fapi/v1/openOrder", orders.get_open_order),
    ("GET", "/fapi/v1/allOrders", orders.get_all_orders),
    ("POST", "/fapi/v1/countdownCancelAll", orders.post_countdown),
    ("POST", "/fapi/v1/algoOrder", algo.post_algo),
    ("GET", "/fapi/v1/algoOrder", algo.get_algo),
    ("DELETE", "/fapi/v1/algoOrder", algo.delete_algo),
    ("DELETE", "/fapi/v1/algoOpenOrders", algo.delete_algo_open),
    ("GET", "/fapi/v1/openAlgoOrders", algo.get_open_algos),
    ("GET", "/fapi/v1/allAlgoOrders", algo.get_all_algos),
    ("POST", "/fapi/v1/leverage", account.post_leverage),
    ("POST", "/fapi/v1/marginType", account.post_margin_type),
    ("GET", "/fapi/v1/positionSide/dual", account.get_dual),
    ("POST", "/fapi/v1/positionSide/dual", account.post_dual),
    ("GET", "/fapi/v1/multiAssetsMargin", account.get_multi_assets),
    ("POST", "/fapi/v1/multiAssetsMargin", account.post_multi_assets),
    ("POST", "/fapi/v1/positionMargin", account.post_position_margin),
    ("GET", "/fapi/v2/account", account.get_account_v2),
    ("GET", "/fapi/v3/account", account.get_account_v3),
    ("GET", "/fapi/v2/balance", account.get_balance),
    ("GET", "/fapi/v3/balance", account.get_balance),
    ("GET", "/fapi/v2/positionRisk", account.get_position_risk_v2),
    ("GET", "/fapi/v3/positionRisk", account.get_position_risk_v3),
    ("GET", "/fapi/v1/userTrades", account.get_user_trades),
    ("GET", "/fapi/v1/income", account.get_income),
    ("GET", "/fapi/v1/leverageBracket", account.get_leverage_bracket),
    ("GET", "/fapi/v2/leverageBracket", account.get_leverage_bracket),
    ("GET", "/fapi/v1/commissionRate", account.get_commission_rate),
    ("GET", "/fapi/v1/accountConfig", account.get_account_config),
    ("GET", "/fapi/v1/symbolConfig", account.get_symbol_config),
    ("GET", "/fapi/v1/forceOrders", account.get_force_orders),
    ("POST", "/fapi/v1/listenKey", userstream.post_listen_key),
    ("PUT", "/fapi/v1/listenKey", userstream.put_listen_key),
    ("DELETE", "/fapi/v1/listenKey", userstream.delete_listen_key),
    ("GET", "/fstream/private/ws/{key}", userstream.private_ws_path),
    ("GET", "/fstream/private/ws", userstream.private_ws_query),
    ("GET", "/fstream/private/stream", userstream.private_stream),
]


def build_runtime(
    exchange: Exchange, *, listen_key_validity_ms: int = userstream.VALIDITY_MS
) -> FuturesRuntime:
    symbols = CoreSymbols(exchange)
    streams = userstream.UserStreams(listen_key_validity_ms)
    engine = FuturesEngine(
        market=CoreMarket(exchange),
        clock=exchange.clock,
        symbols=symbols,
        sink=streams.deliver,
        all_symbols=symbols.all,
    )
    return FuturesRuntime(exchange, engine, streams, symbols)


def setup(app: web.Application, exchange: Exchange) -> None:
    rt = build_runtime(exchange)
    app[RUNTIME_KEY] = rt
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    exchange.register_extension("futures", FuturesExtension(rt))
    exchange.register_user_stream("futures", rt.streams.is_key, userstream.legacy_ws)

    def on_trade(market_name: str, symbol: str, price: Decimal, qty: Decimal, _time_ms: int) -> None:
        if market_name == "futures":
            rt.engine.on_public_trade(symbol, price, qty)

    exchange.market.add_trade_listener(on_trade)
    exchange.market.register_book_source("futures", rt.engine.book_levels)
