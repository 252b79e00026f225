"""Spot enums with Binance's spellings (SPOT-DOCS enums.md) and the order-status transition table."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class OrderStatus(StrEnum):
    NEW = "NEW"
    PENDING_NEW = "PENDING_NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    EXPIRED_IN_MATCH = "EXPIRED_IN_MATCH"


class ExecType(StrEnum):
    NEW = "NEW"
    CANCELED = "CANCELED"
    REPLACED = "REPLACED"
    REJECTED = "REJECTED"
    TRADE = "TRADE"
    EXPIRED = "EXPIRED"
    TRADE_PREVENTION = "TRADE_PREVENTION"
    AMENDMENT = "AMENDMENT"


class StpMode(StrEnum):
    NONE = "NONE"
    EXPIRE_TAKER = "EXPIRE_TAKER"
    EXPIRE_MAKER = "EXPIRE_MAKER"
    EXPIRE_BOTH = "EXPIRE_BOTH"
    DECREMENT = "DECREMENT"
    # Within one account (the simulator has no trade groups) TRANSFER behaves exactly as DECREMENT.
    TRANSFER = "TRANSFER"


class RespType(StrEnum):
    ACK = "ACK"
    RESULT = "RESULT"
    FULL = "FULL"


class Event(StrEnum):
    """What happens to an order; the transition table maps (status, event) to the next status."""

    ACTIVATE = "ACTIVATE"  # a pending OTO leg starts working
    PARTIAL_FILL = "PARTIAL_FILL"
    FILL = "FILL"
    CANCEL = "CANCEL"
    EXPIRE = "EXPIRE"
    STP_EXPIRE = "STP_EXPIRE"
    TRIGGER = "TRIGGER"  # a stop order's condition is met; it keeps its status and starts working
    AMEND = "AMEND"


ALGO_TYPES = frozenset(
    {OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT}
)
LIMIT_PRICED = frozenset(
    {OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT}
)
STOP_LOSS_TYPES = frozenset({OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT})
FINAL_STATUSES = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.EXPIRED_IN_MATCH,
    }
)
OPEN_STATUSES = frozenset({OrderStatus.NEW, OrderStatus.PENDING_NEW, OrderStatus.PARTIALLY_FILLED})

_S = OrderStatus
_E = Event
TRANSITIONS: dict[tuple[OrderStatus, Event], OrderStatus] = {
    (_S.PENDING_NEW, _E.ACTIVATE): _S.NEW,
    (_S.PENDING_NEW, _E.CANCEL): _S.CANCELED,
    # A pending OTO leg expires when its working leg is canceled or expires (OTO_PHASE_ONE_EXPIRED).
    (_S.PENDING_NEW, _E.EXPIRE): _S.EXPIRED,
    (_S.PENDING_NEW, _E.AMEND): _S.PENDING_NEW,
    (_S.NEW, _E.PARTIAL_FILL): _S.PARTIALLY_FILLED,
    (_S.NEW, _E.FILL): _S.FILLED,
    (_S.NEW, _E.CANCEL): _S.CANCELED,
    (_S.NEW, _E.EXPIRE): _S.EXPIRED,
    (_S.NEW, _E.STP_EXPIRE): _S.EXPIRED_IN_MATCH,
    (_S.NEW, _E.TRIGGER): _S.NEW,
    (_S.NEW, _E.AMEND): _S.NEW,
    (_S.PARTIALLY_FILLED, _E.PARTIAL_FILL): _S.PARTIALLY_FILLED,
    (_S.PARTIALLY_FILLED, _E.FILL): _S.FILLED,
    (_S.PARTIALLY_FILLED, _E.CANCEL): _S.CANCELED,
    # IOC/MARKET remainders and exchange-side expiry after some fills.
    (_S.PARTIALLY_FILLED, _E.EXPIRE): _S.EXPIRED,
    (_S.PARTIALLY_FILLED, _E.STP_EXPIRE): _S.EXPIRED_IN_MATCH,
    (_S.PARTIALLY_FILLED, _E.AMEND): _S.PARTIALLY_FILLED,
}


class InvalidTransition(Exception):
    def __init__(self, status: OrderStatus, event: Event) -> None:
        super().__init__(f"{status} -> {event}")


def next_status(status: OrderStatus, event: Event) -> OrderStatus:
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise InvalidTransition(status, event) from None
