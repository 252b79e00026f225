"""The one parse layer: wire dicts (schemas.py) → Decimal domain objects (types.py), and requests → wire.

Numbers are read from their string form, never through float. Anything missing that the domain needs raises
KeyError, which the gateway reports as a protocol error rather than guessing a value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from apps.exchange.domain.ratelimits import pools_from_exchange_info
from apps.exchange.domain.types import (
    AccountInfo,
    AccountTrade,
    AlgoOrderReport,
    Balance,
    BookTicker,
    CommissionRates,
    ExchangeInfo,
    Fill,
    FuturesBalance,
    Income,
    Kline,
    MarkPrice,
    OrderBook,
    OrderListReport,
    OrderReport,
    OrderRequest,
    Position,
    PriceLevel,
    PublicTrade,
    SymbolRules,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from apps.exchange import schemas
    from apps.exchange.domain.weights import Market


def dec(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError("refusing a float where the wire format has a decimal string")
    return Decimal(str(value))


def _opt_dec(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return dec(value)


def wire_decimal(value: Decimal) -> str:
    """Plain notation for the wire: never exponent form (Binance answers -1100 to '1E-7')."""
    text = format(value.normalize(), "f")
    return text


# ---------------------------------------------------------------- requests → wire
def order_params(market: Market, req: OrderRequest) -> dict[str, str]:
    params: dict[str, str] = {"symbol": req.symbol, "side": req.side, "type": req.type}
    params["newClientOrderId"] = req.client_order_id
    optional: dict[str, Decimal | None] = {
        "quantity": req.quantity,
        "quoteOrderQty": req.quote_quantity,
        "price": req.price,
        "stopPrice": req.stop_price,
        "callbackRate": req.callback_rate,
        "activationPrice": req.activation_price,
    }
    for key, value in optional.items():
        if value is not None:
            params[key] = wire_decimal(value)
    for key, raw in (
        ("timeInForce", req.time_in_force),
        ("positionSide", req.position_side),
        ("workingType", req.working_type),
        ("selfTradePreventionMode", req.self_trade_prevention_mode),
    ):
        if raw is not None:
            params[key] = raw
    if req.reduce_only is not None:
        params["reduceOnly"] = "true" if req.reduce_only else "false"
    if req.close_position is not None:
        params["closePosition"] = "true" if req.close_position else "false"
    if req.trailing_delta is not None:
        params["trailingDelta"] = str(req.trailing_delta)
    if req.good_till_date_ms is not None:
        params["goodTillDate"] = str(req.good_till_date_ms)
    if market == "spot":
        params["newOrderRespType"] = "FULL"
    else:
        params["newOrderRespType"] = "RESULT"
    params.update(req.extra)
    return params


def algo_order_params(req: OrderRequest) -> dict[str, str]:
    """USD-M conditional orders (STOP/TAKE_PROFIT/TRAILING_STOP_MARKET) go to /fapi/v1/algoOrder."""
    params = order_params("futures", req)
    params.pop("newOrderRespType", None)
    params["clientAlgoId"] = params.pop("newClientOrderId")
    params["algoType"] = "CONDITIONAL"
    if "stopPrice" in params:
        params["triggerPrice"] = params.pop("stopPrice")
    return params


# ---------------------------------------------------------------- wire → domain
def exchange_info(market: Market, wire: schemas.ExchangeInfoWire) -> ExchangeInfo:
    symbols = tuple(
        SymbolRules(
            symbol=s["symbol"],
            market=market,
            status=s.get("status", ""),
            base_asset=s.get("baseAsset", ""),
            quote_asset=s.get("quoteAsset", ""),
            order_types=tuple(s.get("orderTypes", [])),
            filters=tuple(s.get("filters", [])),
            price_precision=s.get("pricePrecision"),
            quantity_precision=s.get("quantityPrecision"),
        )
        for s in wire.get("symbols", [])
    )
    pools = tuple(pools_from_exchange_info(wire.get("rateLimits", [])))  # type: ignore[arg-type]
    return ExchangeInfo(
        market=market, server_time_ms=int(wire.get("serverTime", 0)), pools=pools, symbols=symbols
    )


def _levels(rows: Sequence[Sequence[str]]) -> tuple[PriceLevel, ...]:
    return tuple(PriceLevel(dec(p), dec(q)) for p, q, *_ in rows)


def order_book(symbol: str, wire: schemas.DepthWire) -> OrderBook:
    return OrderBook(symbol, int(wire["lastUpdateId"]), _levels(wire["bids"]), _levels(wire["asks"]))


def book_ticker(wire: schemas.BookTickerWire) -> BookTicker:
    return BookTicker(
        wire["symbol"], dec(wire["bidPrice"]), dec(wire["bidQty"]), dec(wire["askPrice"]), dec(wire["askQty"])
    )


def kline(row: schemas.KlineWire) -> Kline:
    return Kline(
        open_time_ms=int(row[0]),
        open=dec(row[1]),
        high=dec(row[2]),
        low=dec(row[3]),
        close=dec(row[4]),
        volume=dec(row[5]),
        close_time_ms=int(row[6]),
        quote_volume=dec(row[7]),
        trades=int(row[8]),
    )


def public_trade(wire: schemas.TradeWire) -> PublicTrade:
    return PublicTrade(
        int(wire["id"]),
        dec(wire["price"]),
        dec(wire["qty"]),
        int(wire["time"]),
        bool(wire.get("isBuyerMaker", False)),
    )


def order(market: Market, wire: schemas.OrderWire) -> OrderReport:
    executed = dec(wire.get("executedQty", "0"))
    cum_quote = dec(wire.get("cummulativeQuoteQty", wire.get("cumQuote", "0")))
    avg = _opt_dec(wire.get("avgPrice"))
    if avg is None and executed > 0:
        avg = cum_quote / executed
    fills = tuple(
        Fill(dec(f["price"]), dec(f["qty"]), dec(f["commission"]), f["commissionAsset"], int(f["tradeId"]))
        for f in wire.get("fills", [])
    )
    list_id = wire.get("orderListId")
    return OrderReport(
        market=market,
        symbol=wire["symbol"],
        order_id=int(wire["orderId"]),
        client_order_id=_own_client_order_id(wire),
        status=wire.get("status", ""),
        side=wire.get("side", ""),
        type=wire.get("type", ""),
        price=dec(wire.get("price", "0")),
        orig_qty=dec(wire.get("origQty", "0")),
        executed_qty=executed,
        cum_quote=cum_quote,
        avg_price=avg,
        time_in_force=wire.get("timeInForce"),
        stop_price=_opt_dec(wire.get("stopPrice")),
        position_side=wire.get("positionSide"),
        reduce_only=wire.get("reduceOnly"),
        update_time_ms=wire.get("updateTime", wire.get("transactTime", wire.get("time"))),
        fills=fills,
        order_list_id=int(list_id) if list_id is not None and int(list_id) >= 0 else None,
    )


def _own_client_order_id(wire: schemas.OrderWire) -> str:
    """The order's own clientOrderId.

    In spot cancel answers (DELETE order, DELETE openOrders, DELETE orderList's orderReports,
    cancelReplace's cancelResponse) `clientOrderId` is the cancel request's own id and the order's id is
    `origClientOrderId`; no other order object parsed here carries `origClientOrderId` (futures cancels
    answer with the order's id in `clientOrderId`; the amend answer is parsed by `amended_order`).
    """
    return wire.get("origClientOrderId") or wire.get("clientOrderId", "")


def amended_order(wire: schemas.OrderAmendWire) -> OrderReport:
    """Spot PUT order/amend/keepPriority: `{transactTime, executionId, amendedOrder, listStatus?}`.

    `amendedOrder` is not an order object: the quantity is `qty` (no `origQty`), the quote total is spelled
    `cumulativeQuoteQty`, it has no time of its own (the answer's `transactTime` is the amend's), and
    `origClientOrderId` is the id *before* the amend while `clientOrderId` is the order's id now.
    """
    amended = wire["amendedOrder"]
    executed = dec(amended.get("executedQty", "0"))
    cum_quote = dec(amended.get("cumulativeQuoteQty", amended.get("cummulativeQuoteQty", "0")))
    list_id = amended.get("orderListId")
    return OrderReport(
        market="spot",
        symbol=amended["symbol"],
        order_id=int(amended["orderId"]),
        client_order_id=amended.get("clientOrderId", ""),
        status=amended.get("status", ""),
        side=amended.get("side", ""),
        type=amended.get("type", ""),
        price=dec(amended.get("price", "0")),
        orig_qty=dec(amended.get("qty", amended.get("origQty", "0"))),
        executed_qty=executed,
        cum_quote=cum_quote,
        avg_price=cum_quote / executed if executed > 0 else None,
        time_in_force=amended.get("timeInForce"),
        stop_price=_opt_dec(amended.get("stopPrice")),
        position_side=None,
        reduce_only=None,
        update_time_ms=wire.get("transactTime"),
        order_list_id=int(list_id) if list_id is not None and int(list_id) >= 0 else None,
    )


def order_list(wire: schemas.OrderListWire) -> OrderListReport:
    return OrderListReport(
        order_list_id=int(wire["orderListId"]),
        list_client_order_id=wire.get("listClientOrderId", ""),
        symbol=wire.get("symbol", ""),
        contingency_type=wire.get("contingencyType", ""),
        list_status_type=wire.get("listStatusType", ""),
        list_order_status=wire.get("listOrderStatus", ""),
        orders=tuple(order("spot", o) for o in wire.get("orderReports", [])),
    )


def algo_order(wire: schemas.AlgoOrderWire) -> AlgoOrderReport:
    return AlgoOrderReport(
        algo_id=int(wire["algoId"]),
        client_algo_id=wire.get("clientAlgoId", ""),
        symbol=wire.get("symbol", ""),
        side=wire.get("side", ""),
        order_type=wire.get("orderType", ""),
        status=wire.get("algoStatus", ""),
        quantity=dec(wire.get("quantity", "0")),
        trigger_price=_opt_dec(wire.get("triggerPrice")),
        price=_opt_dec(wire.get("price")),
        position_side=wire.get("positionSide"),
        update_time_ms=wire.get("updateTime", wire.get("createTime")),
    )


def canceled_algo_order(wire: schemas.AlgoOrderCancelWire) -> AlgoOrderReport:
    """USD-M DELETE /fapi/v1/algoOrder answers `{algoId, clientAlgoId, code: "200", msg: "success"}`.

    Binance documents no `algoStatus` in this answer: it is an acknowledgement, and a cancel that did not
    happen is refused with an error (-2011 "Unknown order sent." once the order triggered or ended). So a
    successful answer means the algo order is CANCELED now; we say so instead of sending a second call
    (GET algoOrder) that costs weight and could fail after the cancel already went through.
    """
    return AlgoOrderReport(
        algo_id=int(wire["algoId"]),
        client_algo_id=wire.get("clientAlgoId", ""),
        symbol="",
        side="",
        order_type="",
        status="CANCELED",
        quantity=Decimal(0),
        trigger_price=None,
        price=None,
        position_side=None,
        update_time_ms=None,
    )


def spot_account(wire: schemas.SpotAccountWire) -> AccountInfo:
    return AccountInfo(
        market="spot",
        can_trade=bool(wire.get("canTrade", False)),
        can_withdraw=wire.get("canWithdraw"),
        permissions=tuple(wire.get("permissions", [])),
        balances=tuple(
            Balance(b["asset"], dec(b["free"]), dec(b["locked"])) for b in wire.get("balances", [])
        ),
    )


def futures_balance(wire: schemas.FuturesAssetWire) -> FuturesBalance:
    wallet = dec(wire.get("walletBalance", wire.get("balance", "0")))
    pnl = dec(wire.get("unrealizedProfit", wire.get("crossUnPnl", "0")))  # type: ignore[arg-type]
    return FuturesBalance(
        asset=wire["asset"],
        wallet_balance=wallet,
        unrealized_pnl=pnl,
        margin_balance=dec(wire.get("marginBalance", wallet + pnl)),
        available_balance=dec(wire.get("availableBalance", "0")),
    )


def futures_account(wire: schemas.FuturesAccountWire) -> AccountInfo:
    return AccountInfo(
        market="futures",
        can_trade=bool(wire.get("canTrade", True)),
        can_withdraw=None,
        permissions=("FUTURES",),
        futures_balances=tuple(futures_balance(a) for a in wire.get("assets", [])),
        total_wallet_balance=_opt_dec(wire.get("totalWalletBalance")),
        available_balance=_opt_dec(wire.get("availableBalance")),
    )


def position(wire: schemas.PositionRiskWire) -> Position:
    leverage = wire.get("leverage")
    return Position(
        symbol=wire["symbol"],
        position_side=wire.get("positionSide", "BOTH"),
        amount=dec(wire["positionAmt"]),
        entry_price=dec(wire.get("entryPrice", "0")),
        mark_price=dec(wire.get("markPrice", "0")),
        unrealized_pnl=dec(wire.get("unRealizedProfit", "0")),
        liquidation_price=dec(wire.get("liquidationPrice", "0")),
        leverage=int(leverage) if leverage not in (None, "") else None,
        margin_type=wire.get("marginType"),
        notional=dec(wire.get("notional", "0")),
        update_time_ms=wire.get("updateTime"),
    )


def account_trade(market: Market, wire: schemas.AccountTradeWire) -> AccountTrade:
    buyer = wire.get("isBuyer", wire.get("buyer", False))
    return AccountTrade(
        market=market,
        symbol=wire["symbol"],
        trade_id=int(wire["id"]),
        order_id=int(wire["orderId"]),
        side=wire.get("side") or ("BUY" if buyer else "SELL"),
        price=dec(wire["price"]),
        quantity=dec(wire["qty"]),
        quote_quantity=dec(wire.get("quoteQty", "0")),
        commission=dec(wire.get("commission", "0")),
        commission_asset=wire.get("commissionAsset", ""),
        maker=bool(wire.get("isMaker", wire.get("maker", False))),
        realized_pnl=_opt_dec(wire.get("realizedPnl")),
        position_side=wire.get("positionSide"),
        time_ms=int(wire["time"]),
    )


def income(wire: schemas.IncomeWire) -> Income:
    return Income(
        symbol=wire.get("symbol", ""),
        income_type=wire["incomeType"],
        amount=dec(wire["income"]),
        asset=wire["asset"],
        time_ms=int(wire["time"]),
        tran_id=int(wire.get("tranId", 0)),
        trade_id=str(wire.get("tradeId", "")),
        info=wire.get("info", ""),
    )


def futures_commission(wire: schemas.FuturesCommissionWire) -> CommissionRates:
    return CommissionRates(wire["symbol"], dec(wire["makerCommissionRate"]), dec(wire["takerCommissionRate"]))


def spot_commission(wire: schemas.SpotCommissionWire) -> CommissionRates:
    std = wire.get("standardCommission", {})
    return CommissionRates(wire.get("symbol", ""), dec(std.get("maker", "0")), dec(std.get("taker", "0")))


def mark_price(wire: Mapping[str, Any]) -> MarkPrice:
    return MarkPrice(
        symbol=wire["symbol"],
        mark_price=dec(wire["markPrice"]),
        index_price=dec(wire.get("indexPrice", "0")),
        funding_rate=dec(wire.get("lastFundingRate", "0")),
        next_funding_time_ms=int(wire.get("nextFundingTime", 0)),
    )
