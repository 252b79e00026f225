"""User-data events (SPOT-DOCS user-data-stream.md): executionReport, outboundAccountPosition, balanceUpdate,
listStatus. Field order follows the recorded executionReport payloads."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.spot.domain.fmt import s8

if TYPE_CHECKING:
    from simulator.spot.domain.enums import ExecType
    from simulator.spot.domain.ledger import Balance
    from simulator.spot.domain.order import Order, OrderList

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Execution:
    """What one executionReport reports beyond the order's own state."""

    exec_type: ExecType
    exec_id: int
    time: int
    last_qty: Decimal = ZERO
    last_price: Decimal = ZERO
    commission: Decimal = ZERO
    commission_asset: str | None = None
    trade_id: int = -1
    is_maker: bool = False
    client_order_id: str | None = None  # the cancel request's id on CANCELED (`c`), the order's is then `C`
    reject_reason: str = "NONE"
    prevented_match_id: int | None = None
    prevented_qty: Decimal = ZERO
    counter_order_id: int | None = None


def execution_report(o: Order, ex: Execution) -> dict[str, Any]:
    cancel_id = ex.client_order_id
    out: dict[str, Any] = {
        "e": "executionReport",
        "E": ex.time,
        "s": o.symbol,
        "c": cancel_id if cancel_id is not None else o.client_order_id,
        "S": str(o.side),
        "o": str(o.type),
        "f": o.time_in_force,
        "q": s8(o.orig_qty),
        "p": s8(o.price),
        "P": s8(o.stop_price),
        "F": s8(o.iceberg_qty),
        "g": o.order_list_id,
        "C": o.client_order_id if cancel_id is not None else "",
        "x": str(ex.exec_type),
        "X": str(o.status),
        "r": ex.reject_reason,
        "i": o.order_id,
        "l": s8(ex.last_qty),
        "z": s8(o.executed_qty),
        "L": s8(ex.last_price),
        "n": s8(ex.commission) if ex.commission_asset else "0",
        "N": ex.commission_asset,
        "T": ex.time,
        "t": ex.trade_id,
        "I": ex.exec_id,
        "w": o.is_working and o.is_open,
        "m": ex.is_maker,
        "M": False,
        "O": o.time,
        "Z": s8(o.cum_quote),
        "Y": s8(ex.last_qty * ex.last_price),
        "Q": s8(o.quote_order_qty),
        "W": o.working_time,
        "V": str(o.stp_mode),
    }
    if o.trailing_delta is not None:
        out["d"] = o.trailing_delta
        out["D"] = o.trailing_time
    if o.strategy_id is not None:
        out["j"] = o.strategy_id
    if o.strategy_type is not None:
        out["J"] = o.strategy_type
    if ex.prevented_match_id is not None:
        out.update(
            {
                "v": ex.prevented_match_id,
                "A": s8(o.prevented_qty),
                "B": s8(ex.prevented_qty),
                "u": 1,
                "U": ex.counter_order_id,
                "Cs": o.symbol,
            }
        )
    if o.expiry_reason:
        out["eR"] = o.expiry_reason
    return out


def account_position(time: int, balances: dict[str, Balance]) -> dict[str, Any]:
    return {
        "e": "outboundAccountPosition",
        "E": time,
        "u": time,
        "B": [{"a": asset, "f": s8(b.free), "l": s8(b.locked)} for asset, b in sorted(balances.items())],
    }


def balance_update(time: int, asset: str, delta: Decimal) -> dict[str, Any]:
    return {"e": "balanceUpdate", "E": time, "a": asset, "d": s8(delta), "T": time}


def list_status(lst: OrderList, orders: list[Order], time: int) -> dict[str, Any]:
    return {
        "e": "listStatus",
        "E": time,
        "s": lst.symbol,
        "g": lst.order_list_id,
        "c": lst.contingency_type,
        "l": lst.list_status_type,
        "L": lst.list_order_status,
        "r": "NONE",
        "C": lst.list_client_order_id,
        "T": time,
        "O": [{"s": o.symbol, "i": o.order_id, "c": o.client_order_id} for o in orders],
    }
