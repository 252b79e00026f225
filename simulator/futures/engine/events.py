"""User-data-stream event builders; field names, types and spellings follow the recorded payloads."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.domain import fmt
from simulator.futures.domain.position import Position, break_even

if TYPE_CHECKING:
    from simulator.futures.domain.order import AlgoOrder, Order
    from simulator.futures.domain.symbol import FuturesSymbol

ZERO = Decimal(0)


def _price(spec: FuturesSymbol, value: Decimal) -> str:
    return fmt.fixed(value, spec.price_precision) if value else "0"


def _qty(spec: FuturesSymbol, value: Decimal) -> str:
    return fmt.fixed(value, spec.quantity_precision) if value else "0"


def _wallet_or_zero(value: Decimal) -> str:
    return fmt.wallet(value) if value else "0"


def order_trade_update(
    order: Order,
    spec: FuturesSymbol,
    *,
    exec_type: str,
    event_ms: int,
    last_qty: Decimal = ZERO,
    last_price: Decimal = ZERO,
    commission: Decimal = ZERO,
    trade_id: int = 0,
    maker: bool = False,
    realized: Decimal = ZERO,
    bids_notional: Decimal = ZERO,
    asks_notional: Decimal = ZERO,
    client_order_id: str | None = None,
) -> dict[str, Any]:
    return {
        "e": "ORDER_TRADE_UPDATE",
        "T": event_ms,
        "E": event_ms,
        "o": {
            "s": order.symbol,
            "c": client_order_id or order.client_order_id,
            "S": order.side,
            "o": order.type,
            "f": order.time_in_force,
            "q": _qty(spec, order.orig_qty),
            "p": _price(spec, order.price),
            "ap": fmt.fixed(order.avg_price, spec.avg_places) if order.executed_qty else "0",
            "sp": _price(spec, order.stop_price),
            "x": exec_type,
            "X": order.status,
            "i": order.order_id,
            "l": _qty(spec, last_qty),
            "z": _qty(spec, order.executed_qty),
            "L": _price(spec, last_price),
            "n": _wallet_or_zero(commission),
            "N": spec.margin_asset,
            "T": event_ms,
            "t": trade_id,
            "b": fmt.fixed(bids_notional, spec.avg_places) if bids_notional else "0",
            "a": fmt.fixed(asks_notional, spec.avg_places) if asks_notional else "0",
            "m": maker,
            "R": order.reduce_only,
            "wt": order.working_type,
            "ot": order.orig_type,
            "ps": order.position_side,
            "cp": order.close_position,
            "rp": _wallet_or_zero(realized),
            "pP": order.price_protect,
            "si": 0,
            "ss": 0,
            "V": order.stp_mode,
            "pm": order.price_match,
            "gtd": order.good_till_date,
            "er": str(order.expiry_reason),
            **(
                {"AP": fmt.plain(order.activate_price or ZERO), "cr": fmt.plain(order.price_rate or ZERO)}
                if order.orig_type == "TRAILING_STOP_MARKET"
                else {}
            ),
        },
    }


def trade_lite(
    order: Order,
    spec: FuturesSymbol,
    *,
    event_ms: int,
    last_qty: Decimal,
    last_price: Decimal,
    trade_id: int,
    maker: bool,
) -> dict[str, Any]:
    return {
        "e": "TRADE_LITE",
        "E": event_ms,
        "T": event_ms,
        "s": order.symbol,
        "q": _qty(spec, order.orig_qty),
        "p": fmt.fixed(order.price, spec.price_precision),
        "m": maker,
        "c": order.client_order_id,
        "S": order.side,
        "L": fmt.fixed(last_price, spec.price_precision),
        "l": fmt.fixed(last_qty, spec.quantity_precision),
        "t": trade_id,
        "i": order.order_id,
    }


def position_entry(
    pos: Position, spec: FuturesSymbol, *, upnl: Decimal, isolated: bool, taker_rate: Decimal
) -> dict[str, Any]:
    return {
        "s": pos.symbol,
        "pa": fmt.plain(pos.amount),
        "ep": fmt.plain(pos.entry_price),
        "cr": _wallet_or_zero(pos.accumulated_realized),
        "up": _wallet_or_zero(upnl),
        "mt": "isolated" if isolated else "cross",
        "iw": _wallet_or_zero(pos.isolated_wallet),
        "ps": pos.position_side,
        "ma": spec.margin_asset,
        "bep": fmt.plain(break_even(pos, taker_rate).quantize(Decimal("0.00000001"))),
    }


def account_update(
    *,
    event_ms: int,
    reason: str,
    balances: list[tuple[str, Decimal, Decimal, Decimal]],
    positions: list[dict[str, Any]],
) -> dict[str, Any]:
    """`balances` rows are (asset, wallet, cross wallet, balance change excluding PnL and fees)."""
    return {
        "e": "ACCOUNT_UPDATE",
        "T": event_ms,
        "E": event_ms,
        "a": {
            "B": [
                {"a": a, "wb": fmt.wallet(wb), "cw": fmt.wallet(cw), "bc": fmt.plain(bc)}
                for a, wb, cw, bc in balances
            ],
            "P": positions,
            "m": reason,
        },
    }


def algo_update(algo: AlgoOrder, spec: FuturesSymbol, *, event_ms: int) -> dict[str, Any]:
    return {
        "e": "ALGO_UPDATE",
        "T": algo.update_time,
        "E": event_ms,
        "o": {
            "caid": algo.client_algo_id,
            "aid": algo.algo_id,
            "at": "CONDITIONAL",
            "o": algo.order_type,
            "s": algo.symbol,
            "S": algo.side,
            "ps": algo.position_side,
            "f": algo.time_in_force,
            "q": fmt.plain(algo.quantity),
            "X": algo.status,
            "ai": str(algo.actual_order_id) if algo.actual_order_id else "",
            "ap": fmt.plain(algo.actual_price),
            "aq": fmt.plain(algo.actual_qty),
            "act": "LIMIT" if algo.order_type in ("STOP", "TAKE_PROFIT") else "MARKET",
            "tp": fmt.plain(algo.trigger_price),
            "p": fmt.plain(algo.price),
            "V": algo.stp_mode,
            "wt": algo.working_type,
            "pm": algo.price_match,
            "cp": algo.close_position,
            "pP": algo.price_protect,
            "R": algo.reduce_only,
            "tt": algo.trigger_time,
            "gtd": algo.good_till_date,
            **({"rm": algo.reject_reason} if algo.reject_reason else {}),
        },
    }


def margin_call(*, event_ms: int, cross_wallet: Decimal | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"e": "MARGIN_CALL", "E": event_ms, "p": rows}
    if cross_wallet is not None:
        out["cw"] = fmt.wallet(cross_wallet)
    return out


def account_config_leverage(*, event_ms: int, symbol: str, leverage: int) -> dict[str, Any]:
    return {"e": "ACCOUNT_CONFIG_UPDATE", "E": event_ms, "T": event_ms, "ac": {"s": symbol, "l": leverage}}


def account_config_multi_assets(*, event_ms: int, enabled: bool) -> dict[str, Any]:
    return {"e": "ACCOUNT_CONFIG_UPDATE", "E": event_ms, "T": event_ms, "ai": {"j": enabled}}


def force_order(order: Order, spec: FuturesSymbol, *, event_ms: int, price: Decimal) -> dict[str, Any]:
    return {
        "e": "forceOrder",
        "E": event_ms,
        "o": {
            "s": order.symbol,
            "S": order.side,
            "o": "LIMIT",
            "f": "IOC",
            "q": _qty(spec, order.orig_qty),
            "p": fmt.fixed(price, spec.price_precision),
            "ap": fmt.fixed(order.avg_price, spec.price_precision),
            "X": order.status,
            "l": _qty(spec, order.executed_qty),
            "z": _qty(spec, order.executed_qty),
            "T": event_ms,
        },
    }
