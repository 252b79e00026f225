"""The real gateway: typed methods over the pipeline, python-binance underneath, one parse layer on top."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.exchange.domain import parse
from apps.exchange.domain.parse import wire_decimal
from apps.exchange.domain.types import FuturesSymbolConfig

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.exchange.domain.types import (
        AccountInfo,
        AccountTrade,
        AlgoOrderReport,
        Balance,
        BookTicker,
        CommissionRates,
        ExchangeInfo,
        FuturesBalance,
        Income,
        Kline,
        MarkPrice,
        OrderBook,
        OrderListReport,
        OrderReport,
        OrderRequest,
        Position,
        PublicTrade,
    )
    from apps.exchange.domain.weights import Market
    from apps.exchange.gateway.pipeline import Pipeline


def _ids(order_id: int | None, client_order_id: str | None, *, orig: bool = True) -> dict[str, str]:
    if order_id is None and not client_order_id:
        raise ValueError("pass order_id or client_order_id")
    if order_id is not None:
        return {"orderId": str(order_id)}
    return {"origClientOrderId" if orig else "clientOrderId": str(client_order_id)}


def _opt(**values: Any) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if v is not None}


def _prefixed(prefix: str, leg: dict[str, str]) -> dict[str, str]:
    """An order-list leg in Binance's spelling: {"type": ..} under "working" is workingType."""
    return {f"{prefix}{k[0].upper()}{k[1:]}": v for k, v in leg.items()}


def _list_params(symbol: str, list_client_order_id: str) -> dict[str, str]:
    return {"symbol": symbol, "listClientOrderId": list_client_order_id, "newOrderRespType": "FULL"}


class BinanceGateway:
    def __init__(self, pipeline: Pipeline) -> None:
        self.p = pipeline

    def _call(self, name: str, params: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.p.call(name, params, **kw)

    # ---------------------------------------------------------------- system and market data
    def ping(self, market: Market) -> None:
        self._call(f"{market}.ping")

    def server_time(self, market: Market) -> int:
        return int(self._call(f"{market}.time")["serverTime"])

    def exchange_info(self, market: Market) -> ExchangeInfo:
        info = parse.exchange_info(market, self._call(f"{market}.exchange_info"))
        # Every read of exchangeInfo refreshes the limits the limiter enforces.
        self.p.limiter.limits_store(market, info.pools)
        return info

    def order_book(self, market: Market, symbol: str, *, limit: int = 100) -> OrderBook:
        return parse.order_book(
            symbol, self._call(f"{market}.depth", {"symbol": symbol, "limit": str(limit)})
        )

    def klines(
        self,
        market: Market,
        symbol: str,
        interval: str,
        *,
        limit: int = 500,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> list[Kline]:
        params = {"symbol": symbol, "interval": interval, "limit": str(limit)} | _opt(
            startTime=start_ms, endTime=end_ms
        )
        return [parse.kline(row) for row in self._call(f"{market}.klines", params)]

    def recent_trades(self, market: Market, symbol: str, *, limit: int = 500) -> list[PublicTrade]:
        rows = self._call(f"{market}.trades", {"symbol": symbol, "limit": str(limit)})
        return [parse.public_trade(r) for r in rows]

    def ticker_price(self, market: Market, symbol: str) -> Decimal:
        return parse.dec(self._call(f"{market}.ticker_price", {"symbol": symbol})["price"])

    def book_ticker(self, market: Market, symbol: str) -> BookTicker:
        return parse.book_ticker(self._call(f"{market}.book_ticker", {"symbol": symbol}))

    def mark_price(self, symbol: str) -> MarkPrice:
        return parse.mark_price(self._call("futures.mark_price", {"symbol": symbol}))

    # ---------------------------------------------------------------- orders
    def place_order(self, market: Market, request: OrderRequest) -> OrderReport:
        return parse.order(market, self._call(f"{market}.order.place", parse.order_params(market, request)))

    def query_order(
        self, market: Market, symbol: str, *, order_id: int | None = None, client_order_id: str | None = None
    ) -> OrderReport:
        params = {"symbol": symbol} | _ids(order_id, client_order_id)
        return parse.order(market, self._call(f"{market}.order.query", params))

    def cancel_order(
        self,
        market: Market,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
        kill_switch: bool = False,
    ) -> OrderReport:
        params = {"symbol": symbol} | _ids(order_id, client_order_id)
        return parse.order(market, self._call(f"{market}.order.cancel", params, kill_switch=kill_switch))

    def cancel_all_orders(self, market: Market, symbol: str, *, kill_switch: bool = False) -> None:
        self._call(f"{market}.order.cancel_all", {"symbol": symbol}, kill_switch=kill_switch)

    def open_orders(self, market: Market, symbol: str | None = None) -> list[OrderReport]:
        return [parse.order(market, o) for o in self._call(f"{market}.open_orders", _opt(symbol=symbol))]

    def cancel_replace_order(
        self,
        symbol: str,
        *,
        cancel_order_id: int | None = None,
        cancel_client_order_id: str | None = None,
        new: OrderRequest,
    ) -> OrderReport:
        params = parse.order_params("spot", new) | {"cancelReplaceMode": "STOP_ON_FAILURE"}
        if cancel_order_id is not None:
            params["cancelOrderId"] = str(cancel_order_id)
        elif cancel_client_order_id:
            params["cancelOrigClientOrderId"] = cancel_client_order_id
        else:
            raise ValueError("pass cancel_order_id or cancel_client_order_id")
        return parse.order("spot", self._call("spot.order.cancel_replace", params)["newOrderResponse"])

    def amend_order_quantity(
        self,
        symbol: str,
        *,
        new_quantity: Decimal,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderReport:
        # Without newClientOrderId Binance gives the amended order a random new clientOrderId; ours is the
        # platform's idempotency key, so keep it (Binance allows reusing the current id as the new one).
        if not client_order_id:
            client_order_id = self.query_order("spot", symbol, order_id=order_id).client_order_id
        params = {"symbol": symbol, "newQty": wire_decimal(new_quantity)} | _ids(order_id, client_order_id)
        params["newClientOrderId"] = client_order_id
        return parse.amended_order(self._call("spot.order.amend", params))

    def modify_futures_order(
        self,
        symbol: str,
        *,
        side: str,
        quantity: Decimal,
        price: Decimal,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderReport:
        params = {
            "symbol": symbol,
            "side": side,
            "quantity": wire_decimal(quantity),
            "price": wire_decimal(price),
        }
        return parse.order(
            "futures", self._call("futures.order.modify", params | _ids(order_id, client_order_id))
        )

    def place_oco(
        self,
        symbol: str,
        *,
        side: str,
        quantity: Decimal,
        list_client_order_id: str,
        above: dict[str, str],
        below: dict[str, str],
    ) -> OrderListReport:
        params = {
            "symbol": symbol,
            "side": side,
            "quantity": wire_decimal(quantity),
            "listClientOrderId": list_client_order_id,
            "newOrderRespType": "FULL",
        }
        params |= {f"above{k[0].upper()}{k[1:]}": v for k, v in above.items()}
        params |= {f"below{k[0].upper()}{k[1:]}": v for k, v in below.items()}
        return parse.order_list(self._call("spot.order_list.oco", params))

    def place_oto(
        self, symbol: str, *, list_client_order_id: str, working: dict[str, str], pending: dict[str, str]
    ) -> OrderListReport:
        """One working order; the pending one is placed by the exchange once the working one fills."""
        params = _list_params(symbol, list_client_order_id)
        params |= _prefixed("working", working) | _prefixed("pending", pending)
        return parse.order_list(self._call("spot.order_list.oto", params))

    def place_otoco(
        self,
        symbol: str,
        *,
        list_client_order_id: str,
        working: dict[str, str],
        pending_side: str,
        pending_quantity: Decimal,
        pending_above: dict[str, str],
        pending_below: dict[str, str],
    ) -> OrderListReport:
        """One working order; once it fills, an OCO pair (one side, one quantity) becomes live."""
        params = _list_params(symbol, list_client_order_id)
        params |= {"pendingSide": pending_side, "pendingQuantity": wire_decimal(pending_quantity)}
        params |= _prefixed("working", working)
        params |= _prefixed("pendingAbove", pending_above) | _prefixed("pendingBelow", pending_below)
        return parse.order_list(self._call("spot.order_list.otoco", params))

    def cancel_order_list(self, symbol: str, *, list_client_order_id: str) -> OrderListReport:
        params = {"symbol": symbol, "listClientOrderId": list_client_order_id}
        return parse.order_list(self._call("spot.order_list.cancel", params))

    def place_algo_order(self, request: OrderRequest) -> AlgoOrderReport:
        return parse.algo_order(self._call("futures.algo_order.place", parse.algo_order_params(request)))

    def query_algo_order(self, *, client_algo_id: str) -> AlgoOrderReport:
        return parse.algo_order(self._call("futures.algo_order.query", {"clientAlgoId": client_algo_id}))

    def cancel_algo_order(self, *, client_algo_id: str) -> AlgoOrderReport:
        wire = self._call("futures.algo_order.cancel", {"clientAlgoId": client_algo_id})
        return parse.canceled_algo_order(wire)

    def open_algo_orders(self, symbol: str | None = None) -> list[AlgoOrderReport]:
        return [parse.algo_order(a) for a in self._call("futures.open_algo_orders", _opt(symbol=symbol))]

    def cancel_all_algo_orders(self, symbol: str, *, kill_switch: bool = False) -> None:
        self._call("futures.algo_order.cancel_all", {"symbol": symbol}, kill_switch=kill_switch)

    def countdown_cancel_all(self, symbol: str, *, countdown_ms: int) -> None:
        self._call("futures.countdown_cancel_all", {"symbol": symbol, "countdownTime": str(countdown_ms)})

    # ---------------------------------------------------------------- futures settings
    def set_leverage(self, symbol: str, leverage: int) -> int:
        return int(self._call("futures.leverage", {"symbol": symbol, "leverage": str(leverage)})["leverage"])

    def set_margin_type(self, symbol: str, margin_type: str) -> None:
        self._call("futures.margin_type", {"symbol": symbol, "marginType": margin_type})

    def set_position_mode(self, *, hedge: bool) -> None:
        self._call("futures.position_mode", {"dualSidePosition": "true" if hedge else "false"})

    def position_mode_is_hedge(self) -> bool:
        return bool(self._call("futures.position_mode.query")["dualSidePosition"])

    def futures_symbol_config(self, symbol: str) -> FuturesSymbolConfig:
        rows = self._call("futures.symbol_config", {"symbol": symbol})
        row = next(r for r in rows if r["symbol"] == symbol)
        brackets = self._call("futures.leverage_bracket", {"symbol": symbol})
        # With a symbol Binance answers one object; some deployments wrap it in a list.
        table = brackets[0] if isinstance(brackets, list) else brackets
        max_leverage = max(int(b["initialLeverage"]) for b in table["brackets"])
        return FuturesSymbolConfig(symbol, str(row["marginType"]), int(row["leverage"]), max_leverage)

    def leverage_brackets(self, symbol: str | None = None) -> list[dict[str, Any]]:
        answer = self._call("futures.leverage_bracket", _opt(symbol=symbol))
        # With a symbol Binance answers one object, without one a list.
        return [answer] if isinstance(answer, dict) else list(answer)

    # ---------------------------------------------------------------- account
    def account(self, market: Market) -> AccountInfo:
        if market == "spot":
            return parse.spot_account(self._call("spot.account", {"omitZeroBalances": "true"}))
        return parse.futures_account(self._call("futures.account"))

    def balances(self, market: Market) -> list[Balance] | list[FuturesBalance]:
        if market == "spot":
            return list(self.account("spot").balances)
        return [parse.futures_balance(b) for b in self._call("futures.balance")]

    def positions(self, symbol: str | None = None) -> list[Position]:
        return [parse.position(p) for p in self._call("futures.position_risk", _opt(symbol=symbol))]

    def account_trades(
        self,
        market: Market,
        symbol: str,
        *,
        start_ms: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[AccountTrade]:
        name = "spot.my_trades" if market == "spot" else "futures.user_trades"
        params = {"symbol": symbol, "limit": str(limit)} | _opt(startTime=start_ms, fromId=from_id)
        return [parse.account_trade(market, t) for t in self._call(name, params)]

    def income(
        self,
        *,
        symbol: str | None = None,
        income_type: str | None = None,
        start_ms: int | None = None,
        limit: int = 100,
    ) -> list[Income]:
        params = {"limit": str(limit)} | _opt(symbol=symbol, incomeType=income_type, startTime=start_ms)
        return [parse.income(i) for i in self._call("futures.income", params)]

    def commission_rates(self, market: Market, symbol: str) -> CommissionRates:
        if market == "spot":
            return parse.spot_commission(self._call("spot.commission", {"symbol": symbol}))
        return parse.futures_commission(self._call("futures.commission_rate", {"symbol": symbol}))

    # ---------------------------------------------------------------- user data streams
    def futures_listen_key_start(self) -> str:
        return str(self._call("futures.listen_key.start")["listenKey"])

    def futures_listen_key_keepalive(self, listen_key: str) -> None:
        self._call("futures.listen_key.keepalive", {"listenKey": listen_key})

    def futures_listen_key_close(self, listen_key: str) -> None:
        self._call("futures.listen_key.close", {"listenKey": listen_key})
