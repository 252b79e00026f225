"""REST response shapes for orders and algo orders (fields and formats as in the recorded payloads)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.domain import fmt

if TYPE_CHECKING:
    from simulator.futures.domain.order import AlgoOrder, Order
    from simulator.futures.domain.symbol import FuturesSymbol

ZERO = Decimal(0)


def order_view(order: Order, spec: FuturesSymbol, *, with_time: bool = True) -> dict[str, Any]:
    pp, qp = spec.price_precision, spec.quantity_precision
    out: dict[str, Any] = {
        "orderId": order.order_id,
        "symbol": order.symbol,
        "status": order.status,
        "clientOrderId": order.client_order_id,
        "price": fmt.fixed(order.price, pp),
        "avgPrice": fmt.fixed(order.avg_price, spec.avg_places),
        "origQty": fmt.fixed(order.orig_qty, qp),
        "executedQty": fmt.fixed(order.executed_qty, qp),
        "cumQty": fmt.fixed(order.executed_qty, qp),
        "cumQuote": fmt.fixed(order.cum_quote, spec.avg_places),
        "timeInForce": order.time_in_force,
        "type": order.type,
        "reduceOnly": order.reduce_only,
        "closePosition": order.close_position,
        "side": order.side,
        "positionSide": order.position_side,
        "stopPrice": fmt.fixed(order.stop_price, pp),
        "workingType": order.working_type,
        "priceProtect": order.price_protect,
        "origType": order.orig_type,
        "priceMatch": order.price_match,
        "selfTradePreventionMode": order.stp_mode,
        "goodTillDate": order.good_till_date,
    }
    if order.orig_type == "TRAILING_STOP_MARKET":
        out["activatePrice"] = fmt.fixed(order.activate_price or ZERO, pp)
        out["priceRate"] = fmt.plain(order.price_rate or ZERO)
    if with_time:
        out["time"] = order.time
    out["updateTime"] = order.update_time
    return out


def ack_view(order: Order, spec: FuturesSymbol) -> dict[str, Any]:
    # POST /fapi/v1/order answers ACK and RESULT alike with the full order object minus "time".
    return order_view(order, spec, with_time=False)


def algo_view(algo: AlgoOrder, spec: FuturesSymbol) -> dict[str, Any]:
    pp = spec.price_precision
    return {
        "algoId": algo.algo_id,
        "clientAlgoId": algo.client_algo_id,
        "algoType": "CONDITIONAL",
        "orderType": algo.order_type,
        "symbol": algo.symbol,
        "side": algo.side,
        "positionSide": algo.position_side,
        "timeInForce": algo.time_in_force,
        "quantity": fmt.fixed(algo.quantity, spec.quantity_precision),
        "algoStatus": algo.status,
        "actualOrderId": str(algo.actual_order_id) if algo.actual_order_id else "",
        "actualPrice": fmt.fixed(algo.actual_price, pp) if algo.actual_price else "0",
        "triggerPrice": fmt.fixed(algo.trigger_price, pp),
        "price": fmt.fixed(algo.price, pp),
        "icebergQuantity": None,
        "tpTriggerPrice": "0",
        "tpPrice": "0",
        "slTriggerPrice": "0",
        "slPrice": "0",
        "tpOrderType": "",
        "selfTradePreventionMode": algo.stp_mode,
        "workingType": algo.working_type,
        "priceMatch": algo.price_match,
        "closePosition": algo.close_position,
        "priceProtect": algo.price_protect,
        "reduceOnly": algo.reduce_only,
        "activatePrice": fmt.fixed(algo.activate_price, pp) if algo.activate_price is not None else "",
        "callbackRate": fmt.plain(algo.callback_rate) if algo.callback_rate is not None else "",
        "createTime": algo.create_time,
        "updateTime": algo.update_time,
        "triggerTime": algo.trigger_time,
        "goodTillDate": algo.good_till_date,
    }
