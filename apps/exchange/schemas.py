"""Binance's wire format, mirrored exactly (camelCase, numbers as strings). Parsed in domain/parse.py only.

`total=False` where Binance omits fields depending on the request (newOrderRespType, market, version).
"""

from __future__ import annotations

from typing import Any, TypedDict


class ServerTimeWire(TypedDict):
    serverTime: int


class RateLimitWire(TypedDict):
    rateLimitType: str
    interval: str
    intervalNum: int
    limit: int


class SymbolWire(TypedDict, total=False):
    symbol: str
    status: str
    baseAsset: str
    quoteAsset: str
    baseAssetPrecision: int
    quotePrecision: int
    pricePrecision: int
    quantityPrecision: int
    orderTypes: list[str]
    filters: list[dict[str, Any]]
    contractType: str
    marginAsset: str


class ExchangeInfoWire(TypedDict, total=False):
    timezone: str
    serverTime: int
    rateLimits: list[RateLimitWire]
    exchangeFilters: list[dict[str, Any]]
    symbols: list[SymbolWire]


class DepthWire(TypedDict, total=False):
    lastUpdateId: int
    E: int
    T: int
    bids: list[list[str]]
    asks: list[list[str]]


class TickerPriceWire(TypedDict, total=False):
    symbol: str
    price: str
    time: int


class BookTickerWire(TypedDict, total=False):
    symbol: str
    bidPrice: str
    bidQty: str
    askPrice: str
    askQty: str
    time: int


class TradeWire(TypedDict, total=False):
    id: int
    price: str
    qty: str
    quoteQty: str
    time: int
    isBuyerMaker: bool


# A kline is positional: [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, ...]
KlineWire = list[Any]


class FillWire(TypedDict):
    price: str
    qty: str
    commission: str
    commissionAsset: str
    tradeId: int


class OrderWire(TypedDict, total=False):
    """Spot and futures order responses (place, query, cancel); each market adds its own fields."""

    symbol: str
    orderId: int
    orderListId: int
    clientOrderId: str
    origClientOrderId: str
    transactTime: int
    updateTime: int
    time: int
    price: str
    avgPrice: str
    origQty: str
    executedQty: str
    cummulativeQuoteQty: str
    cumQuote: str
    status: str
    timeInForce: str
    type: str
    side: str
    stopPrice: str
    positionSide: str
    reduceOnly: bool
    closePosition: bool
    workingType: str
    selfTradePreventionMode: str
    fills: list[FillWire]


class AmendedOrderWire(TypedDict, total=False):
    """Spot amend keep-priority's `amendedOrder`: `qty` (not `origQty`), `cumulativeQuoteQty` spelled right,
    `origClientOrderId` = the id before the amend, `clientOrderId` = the id after it."""

    symbol: str
    orderId: int
    orderListId: int
    origClientOrderId: str
    clientOrderId: str
    price: str
    qty: str
    executedQty: str
    preventedQty: str
    quoteOrderQty: str
    cumulativeQuoteQty: str
    status: str
    timeInForce: str
    type: str
    side: str
    stopPrice: str
    workingTime: int
    selfTradePreventionMode: str


class OrderAmendWire(TypedDict, total=False):
    """Spot PUT /api/v3/order/amend/keepPriority."""

    transactTime: int
    executionId: int
    amendedOrder: AmendedOrderWire
    listStatus: dict[str, Any]


class OrderListWire(TypedDict, total=False):
    orderListId: int
    contingencyType: str
    listStatusType: str
    listOrderStatus: str
    listClientOrderId: str
    transactionTime: int
    symbol: str
    orders: list[dict[str, Any]]
    orderReports: list[OrderWire]


class AlgoOrderWire(TypedDict, total=False):
    algoId: int
    clientAlgoId: str
    algoType: str
    orderType: str
    symbol: str
    side: str
    positionSide: str
    quantity: str
    algoStatus: str
    triggerPrice: str
    price: str
    workingType: str
    createTime: int
    updateTime: int


class AlgoOrderCancelWire(TypedDict, total=False):
    """USD-M DELETE /fapi/v1/algoOrder: an acknowledgement, no algoStatus."""

    algoId: int
    clientAlgoId: str
    code: str
    msg: str


class SpotBalanceWire(TypedDict):
    asset: str
    free: str
    locked: str


class SpotAccountWire(TypedDict, total=False):
    makerCommission: int
    takerCommission: int
    canTrade: bool
    canWithdraw: bool
    canDeposit: bool
    updateTime: int
    accountType: str
    balances: list[SpotBalanceWire]
    permissions: list[str]
    uid: int


class FuturesAssetWire(TypedDict, total=False):
    asset: str
    walletBalance: str
    unrealizedProfit: str
    marginBalance: str
    availableBalance: str
    crossWalletBalance: str
    maxWithdrawAmount: str
    balance: str
    updateTime: int


class FuturesAccountWire(TypedDict, total=False):
    totalWalletBalance: str
    totalUnrealizedProfit: str
    totalMarginBalance: str
    availableBalance: str
    maxWithdrawAmount: str
    canTrade: bool
    assets: list[FuturesAssetWire]
    positions: list[dict[str, Any]]


class PositionRiskWire(TypedDict, total=False):
    symbol: str
    positionSide: str
    positionAmt: str
    entryPrice: str
    breakEvenPrice: str
    markPrice: str
    unRealizedProfit: str
    liquidationPrice: str
    leverage: str
    marginType: str
    isolatedMargin: str
    notional: str
    updateTime: int


class AccountTradeWire(TypedDict, total=False):
    symbol: str
    id: int
    orderId: int
    price: str
    qty: str
    quoteQty: str
    commission: str
    commissionAsset: str
    time: int
    isBuyer: bool
    isMaker: bool
    buyer: bool
    maker: bool
    side: str
    positionSide: str
    realizedPnl: str


class IncomeWire(TypedDict, total=False):
    symbol: str
    incomeType: str
    income: str
    asset: str
    info: str
    time: int
    tranId: int
    tradeId: str


class FuturesCommissionWire(TypedDict):
    symbol: str
    makerCommissionRate: str
    takerCommissionRate: str


class SpotCommissionWire(TypedDict, total=False):
    symbol: str
    standardCommission: dict[str, str]
    taxCommission: dict[str, str]
    discount: dict[str, Any]


class LeverageWire(TypedDict, total=False):
    symbol: str
    leverage: int
    maxNotionalValue: str


class ListenKeyWire(TypedDict):
    listenKey: str


class ErrorWire(TypedDict):
    code: int
    msg: str
