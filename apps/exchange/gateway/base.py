"""The gateway interface every other app codes against. One real implementation (binance.py), one fake."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

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
        FuturesSymbolConfig,
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


class ExchangeGateway(Protocol):
    """Spot and USD-M access. Every method raises only apps.exchange.domain.errors.ExchangeError subclasses.

    Order ids: pass `order_id` or `client_order_id` (the idempotency key); after an UnknownOutcomeError,
    query by `client_order_id` to learn whether the order exists.
    """

    # ---------------------------------------------------------------- system and market data
    def ping(self, market: Market) -> None: ...
    def server_time(self, market: Market) -> int: ...
    def exchange_info(self, market: Market) -> ExchangeInfo: ...
    def order_book(self, market: Market, symbol: str, *, limit: int = 100) -> OrderBook: ...
    def klines(
        self,
        market: Market,
        symbol: str,
        interval: str,
        *,
        limit: int = 500,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> list[Kline]: ...
    def recent_trades(self, market: Market, symbol: str, *, limit: int = 500) -> list[PublicTrade]: ...
    def ticker_price(self, market: Market, symbol: str) -> Decimal: ...
    def book_ticker(self, market: Market, symbol: str) -> BookTicker: ...
    def mark_price(self, symbol: str) -> MarkPrice: ...

    # ---------------------------------------------------------------- orders
    def place_order(self, market: Market, request: OrderRequest) -> OrderReport: ...
    def query_order(
        self, market: Market, symbol: str, *, order_id: int | None = None, client_order_id: str | None = None
    ) -> OrderReport: ...
    def cancel_order(
        self,
        market: Market,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
        kill_switch: bool = False,
    ) -> OrderReport: ...
    def cancel_all_orders(self, market: Market, symbol: str, *, kill_switch: bool = False) -> None: ...
    def open_orders(self, market: Market, symbol: str | None = None) -> list[OrderReport]: ...
    def cancel_replace_order(
        self,
        symbol: str,
        *,
        cancel_order_id: int | None = None,
        cancel_client_order_id: str | None = None,
        new: OrderRequest,
    ) -> OrderReport: ...
    def amend_order_quantity(
        self,
        symbol: str,
        *,
        new_quantity: Decimal,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderReport: ...
    def modify_futures_order(
        self,
        symbol: str,
        *,
        side: str,
        quantity: Decimal,
        price: Decimal,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderReport: ...
    def place_oco(
        self,
        symbol: str,
        *,
        side: str,
        quantity: Decimal,
        list_client_order_id: str,
        above: dict[str, str],
        below: dict[str, str],
    ) -> OrderListReport: ...
    def place_oto(
        self, symbol: str, *, list_client_order_id: str, working: dict[str, str], pending: dict[str, str]
    ) -> OrderListReport: ...
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
    ) -> OrderListReport: ...
    def cancel_order_list(self, symbol: str, *, list_client_order_id: str) -> OrderListReport: ...
    def place_algo_order(self, request: OrderRequest) -> AlgoOrderReport: ...
    def query_algo_order(self, *, client_algo_id: str) -> AlgoOrderReport: ...
    def cancel_algo_order(self, *, client_algo_id: str) -> AlgoOrderReport: ...
    def open_algo_orders(self, symbol: str | None = None) -> list[AlgoOrderReport]: ...
    def cancel_all_algo_orders(self, symbol: str, *, kill_switch: bool = False) -> None: ...
    def countdown_cancel_all(self, symbol: str, *, countdown_ms: int) -> None: ...

    # ---------------------------------------------------------------- futures settings
    def set_leverage(self, symbol: str, leverage: int) -> int: ...
    def set_margin_type(self, symbol: str, margin_type: str) -> None: ...
    def set_position_mode(self, *, hedge: bool) -> None: ...
    def position_mode_is_hedge(self) -> bool: ...
    def futures_symbol_config(self, symbol: str) -> FuturesSymbolConfig: ...
    def leverage_brackets(self, symbol: str | None = None) -> list[dict[str, Any]]:
        """GET /fapi/v1/leverageBracket as Binance sends it, always a list of {symbol, brackets: [...]}
        (numbers may be JSON numbers: parse with Decimal(str(x)))."""
        ...

    # ---------------------------------------------------------------- account
    def account(self, market: Market) -> AccountInfo: ...
    def balances(self, market: Market) -> list[Balance] | list[FuturesBalance]: ...
    def positions(self, symbol: str | None = None) -> list[Position]: ...
    def account_trades(
        self,
        market: Market,
        symbol: str,
        *,
        start_ms: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[AccountTrade]: ...
    def income(
        self,
        *,
        symbol: str | None = None,
        income_type: str | None = None,
        start_ms: int | None = None,
        limit: int = 100,
    ) -> list[Income]: ...
    def commission_rates(self, market: Market, symbol: str) -> CommissionRates: ...

    # ---------------------------------------------------------------- user data streams
    def futures_listen_key_start(self) -> str: ...
    def futures_listen_key_keepalive(self, listen_key: str) -> None: ...
    def futures_listen_key_close(self, listen_key: str) -> None: ...
