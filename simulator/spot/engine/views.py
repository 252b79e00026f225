"""REST/WS API renderings of orders, trades and order lists (field order as in the recorded payloads)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.spot.domain.enums import OrderType
from simulator.spot.domain.fmt import s8

if TYPE_CHECKING:
    from simulator.spot.domain.order import Order, OrderList, Trade

STOP_TYPES = frozenset(
    {OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT}
)


def ack(o: Order, transact_time: int) -> dict[str, Any]:
    return {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "clientOrderId": o.client_order_id,
        "transactTime": transact_time,
    }


def _conditional(o: Order, out: dict[str, Any], *, query: bool) -> None:
    if query or o.type in STOP_TYPES:
        out["stopPrice"] = s8(o.stop_price)
    if query or o.iceberg_qty:
        out["icebergQty"] = s8(o.iceberg_qty)
    if o.trailing_delta is not None:
        out["trailingDelta"] = o.trailing_delta
        out["trailingTime"] = o.trailing_time  # -1 until the trailing stop activates
    if o.strategy_id is not None:
        out["strategyId"] = o.strategy_id
    if o.strategy_type is not None:
        out["strategyType"] = o.strategy_type
    if o.prevented_match_id is not None:
        out["preventedMatchId"] = o.prevented_match_id
        out["preventedQuantity"] = s8(o.prevented_qty)
    if o.expiry_reason:
        out["expiryReason"] = o.expiry_reason


def result(o: Order, transact_time: int) -> dict[str, Any]:
    out = ack(o, transact_time)
    out.update(
        {
            "price": s8(o.price),
            "origQty": s8(o.orig_qty),
            "executedQty": s8(o.executed_qty),
            "origQuoteOrderQty": s8(o.quote_order_qty),
            "cummulativeQuoteQty": s8(o.cum_quote),
            "status": str(o.status),
            "timeInForce": o.time_in_force,
            "type": str(o.type),
            "side": str(o.side),
        }
    )
    # Recorded order: workingTime, then the conditional fields (icebergQty ...), then fills and STP mode.
    out["workingTime"] = o.working_time
    _conditional(o, out, query=False)
    out["selfTradePreventionMode"] = str(o.stp_mode)
    return out


def full(o: Order, transact_time: int, fills: list[dict[str, Any]]) -> dict[str, Any]:
    out = result(o, transact_time)
    stp = out.pop("selfTradePreventionMode")
    out["fills"] = fills
    out["selfTradePreventionMode"] = stp
    return out


def placed(o: Order, transact_time: int, fills: list[dict[str, Any]], resp_type: str) -> dict[str, Any]:
    if resp_type == "ACK":
        return ack(o, transact_time)
    if resp_type == "RESULT":
        return result(o, transact_time)
    return full(o, transact_time, fills)


def query(o: Order) -> dict[str, Any]:
    out: dict[str, Any] = {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "clientOrderId": o.client_order_id,
        "price": s8(o.price),
        "origQty": s8(o.orig_qty),
        "executedQty": s8(o.executed_qty),
        "cummulativeQuoteQty": s8(o.cum_quote),
        "status": str(o.status),
        "timeInForce": o.time_in_force,
        "type": str(o.type),
        "side": str(o.side),
    }
    _conditional(o, out, query=True)
    out.update(
        {
            "time": o.time,
            "updateTime": o.update_time,
            "isWorking": o.is_working,
            "workingTime": o.working_time,
            "origQuoteOrderQty": s8(o.quote_order_qty),
            "selfTradePreventionMode": str(o.stp_mode),
        }
    )
    return out


def canceled(o: Order, cancel_client_id: str, transact_time: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "symbol": o.symbol,
        "origClientOrderId": o.client_order_id,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "clientOrderId": cancel_client_id,
        "transactTime": transact_time,
        "price": s8(o.price),
        "origQty": s8(o.orig_qty),
        "executedQty": s8(o.executed_qty),
        "origQuoteOrderQty": s8(o.quote_order_qty),
        "cummulativeQuoteQty": s8(o.cum_quote),
        "status": str(o.status),
        "timeInForce": o.time_in_force,
        "type": str(o.type),
        "side": str(o.side),
    }
    _conditional(o, out, query=False)
    out["selfTradePreventionMode"] = str(o.stp_mode)
    return out


def fill(t: Trade) -> dict[str, Any]:
    return {
        "price": s8(t.price),
        "qty": s8(t.qty),
        "commission": s8(t.commission),
        "commissionAsset": t.commission_asset,
        "tradeId": t.trade_id,
    }


def my_trade(t: Trade) -> dict[str, Any]:
    return {
        "symbol": t.symbol,
        "id": t.trade_id,
        "orderId": t.order_id,
        "orderListId": t.order_list_id,
        "price": s8(t.price),
        "qty": s8(t.qty),
        "quoteQty": s8(t.quote_qty),
        "commission": s8(t.commission),
        "commissionAsset": t.commission_asset,
        "time": t.time,
        "isBuyer": t.is_buyer,
        "isMaker": t.is_maker,
        "isBestMatch": True,
    }


def order_list(lst: OrderList, orders: list[Order]) -> dict[str, Any]:
    return {
        "orderListId": lst.order_list_id,
        "contingencyType": lst.contingency_type,
        "listStatusType": lst.list_status_type,
        "listOrderStatus": lst.list_order_status,
        "listClientOrderId": lst.list_client_order_id,
        "transactionTime": lst.transaction_time,
        "symbol": lst.symbol,
        "orders": [
            {"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id} for o in orders
        ],
    }


def order_list_placed(lst: OrderList, orders: list[Order], transact_time: int) -> dict[str, Any]:
    out = order_list(lst, orders)
    out["orderReports"] = [result(o, transact_time) for o in orders]
    return out
