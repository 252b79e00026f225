"""The order state machine as one explicit table: (status, event) → next status. Nothing else moves an order.

Anything not in the table raises InvalidTransition; callers log it and leave the order as it was.
Edges marked "exchange" are ones only a report from Binance can cause (an ack, a fill, an expiry...);
the others are our own decisions (asking to cancel, giving up on knowing an outcome).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class OrderStatus(StrEnum):
    PENDING_NEW = "PENDING_NEW"  # saved, not yet acknowledged by the exchange
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    PENDING_CANCEL = "PENDING_CANCEL"  # we asked to cancel; Binance has not confirmed
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    EXPIRED_IN_MATCH = "EXPIRED_IN_MATCH"  # self-trade prevention expired it
    UNKNOWN = "UNKNOWN"  # we do not know what the exchange did; only reconciliation leaves this state


class OrderEvent(StrEnum):
    ACCEPT = "ACCEPT"  # the exchange acknowledged the order
    REJECT = "REJECT"  # the exchange refused it (or, after UNKNOWN, never received it)
    PARTIAL_FILL = "PARTIAL_FILL"
    FILL = "FILL"
    CANCEL_REQUEST = "CANCEL_REQUEST"  # we sent a cancel
    CANCEL = "CANCEL"  # the exchange confirms the order is canceled
    CANCEL_REJECT = "CANCEL_REJECT"  # the exchange refused our cancel
    EXPIRE = "EXPIRE"
    EXPIRE_IN_MATCH = "EXPIRE_IN_MATCH"
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"  # a request timed out or a stream dropped: reconcile, never guess


S = OrderStatus
E = OrderEvent

TERMINAL: Final[frozenset[OrderStatus]] = frozenset(
    {S.FILLED, S.CANCELED, S.REJECTED, S.EXPIRED, S.EXPIRED_IN_MATCH}
)

TRANSITIONS: Final[dict[tuple[OrderStatus, OrderEvent], OrderStatus]] = {
    # Submitting.
    (S.PENDING_NEW, E.ACCEPT): S.NEW,  # exchange
    (S.PENDING_NEW, E.REJECT): S.REJECTED,  # exchange
    (S.PENDING_NEW, E.OUTCOME_UNKNOWN): S.UNKNOWN,  # timeout / 5XX on submit: never re-sent blindly
    # A MARKET or IOC order can come back already (partly) filled or expired in the placement response,
    # and the user stream can overtake the response: the exchange skips NEW from our point of view.
    (S.PENDING_NEW, E.PARTIAL_FILL): S.PARTIALLY_FILLED,  # exchange
    (S.PENDING_NEW, E.FILL): S.FILLED,  # exchange
    (S.PENDING_NEW, E.EXPIRE): S.EXPIRED,  # exchange
    (S.PENDING_NEW, E.EXPIRE_IN_MATCH): S.EXPIRED_IN_MATCH,  # exchange
    (S.PENDING_NEW, E.CANCEL): S.CANCELED,  # exchange: canceled elsewhere before our ack arrived
    # Working.
    (S.NEW, E.PARTIAL_FILL): S.PARTIALLY_FILLED,  # exchange
    (S.NEW, E.FILL): S.FILLED,  # exchange
    (S.NEW, E.CANCEL_REQUEST): S.PENDING_CANCEL,
    (S.NEW, E.CANCEL): S.CANCELED,  # exchange: canceled by Binance or from another client
    (S.NEW, E.EXPIRE): S.EXPIRED,  # exchange
    (S.NEW, E.EXPIRE_IN_MATCH): S.EXPIRED_IN_MATCH,  # exchange
    (S.NEW, E.OUTCOME_UNKNOWN): S.UNKNOWN,
    # Each further partial fill is an event of its own, so this state loops on itself.
    (S.PARTIALLY_FILLED, E.PARTIAL_FILL): S.PARTIALLY_FILLED,  # exchange
    (S.PARTIALLY_FILLED, E.FILL): S.FILLED,  # exchange
    (S.PARTIALLY_FILLED, E.CANCEL_REQUEST): S.PENDING_CANCEL,
    (S.PARTIALLY_FILLED, E.CANCEL): S.CANCELED,  # exchange
    (S.PARTIALLY_FILLED, E.EXPIRE): S.EXPIRED,  # exchange: IOC remainder, exchange cancel
    (S.PARTIALLY_FILLED, E.EXPIRE_IN_MATCH): S.EXPIRED_IN_MATCH,  # exchange
    (S.PARTIALLY_FILLED, E.OUTCOME_UNKNOWN): S.UNKNOWN,
    # Canceling: fills can still race our cancel. A partial fill leaves the cancel in flight; a full fill
    # or an expiry ends the order before the cancel lands.
    (S.PENDING_CANCEL, E.CANCEL): S.CANCELED,  # exchange
    (S.PENDING_CANCEL, E.PARTIAL_FILL): S.PENDING_CANCEL,  # exchange
    (S.PENDING_CANCEL, E.FILL): S.FILLED,  # exchange
    (S.PENDING_CANCEL, E.EXPIRE): S.EXPIRED,  # exchange
    (S.PENDING_CANCEL, E.EXPIRE_IN_MATCH): S.EXPIRED_IN_MATCH,  # exchange
    # A refused cancel ("Unknown order sent.") does not say whether the order is live, filled or gone,
    # and the state before PENDING_CANCEL is not enough to know: ask the exchange.
    (S.PENDING_CANCEL, E.CANCEL_REJECT): S.UNKNOWN,  # exchange
    (S.PENDING_CANCEL, E.OUTCOME_UNKNOWN): S.UNKNOWN,
    # Reconciling: the order is whatever the exchange reports when queried by origClientOrderId.
    (S.UNKNOWN, E.ACCEPT): S.NEW,  # exchange
    (S.UNKNOWN, E.PARTIAL_FILL): S.PARTIALLY_FILLED,  # exchange
    (S.UNKNOWN, E.FILL): S.FILLED,  # exchange
    (S.UNKNOWN, E.CANCEL): S.CANCELED,  # exchange
    (S.UNKNOWN, E.EXPIRE): S.EXPIRED,  # exchange
    (S.UNKNOWN, E.EXPIRE_IN_MATCH): S.EXPIRED_IN_MATCH,  # exchange
    (S.UNKNOWN, E.REJECT): S.REJECTED,  # exchange: "Order does not exist." — the submit never arrived
}


class InvalidTransition(Exception):
    """An event the table does not allow from the order's current status: "NEW -> CANCEL_REJECT"."""

    def __init__(
        self, current: OrderStatus | str, event: OrderEvent | str, target: str | None = None
    ) -> None:
        self.current = str(current)
        self.event = str(event)
        super().__init__(f"{self.current} -> {target or self.event}")


def next_status(current: OrderStatus, event: OrderEvent) -> OrderStatus:
    """The status `event` moves an order in `current` to; raises InvalidTransition when there is none."""
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise InvalidTransition(current, event) from None


# How each status Binance reports (REST, executionReport `X`, ORDER_TRADE_UPDATE `X`) reads as an event.
_REPORTED_EVENT: Final[dict[str, OrderEvent]] = {
    "NEW": E.ACCEPT,
    "PARTIALLY_FILLED": E.PARTIAL_FILL,
    "FILLED": E.FILL,
    "CANCELED": E.CANCEL,
    "REJECTED": E.REJECT,
    "EXPIRED": E.EXPIRE,
    "EXPIRED_IN_MATCH": E.EXPIRE_IN_MATCH,
}


def apply_exchange_status(current: OrderStatus, reported: str) -> list[tuple[OrderEvent, OrderStatus]]:
    """The transitions that bring an order in `current` to what the exchange reports, in order.

    - `[]` when there is nothing to do: the order already has that status, or Binance reports a status it
      uses for states we track ourselves (PENDING_NEW of a waiting OTO leg, PENDING_CANCEL).
    - One step when the table has the edge.
    - Two steps through UNKNOWN when it has not, but reconciliation from UNKNOWN has: e.g. we think a
      cancel is pending and the exchange says NEW, so the cancel is lost; the order goes to UNKNOWN and
      is resolved from there, which is exactly the path a reconcile takes, recorded as such.
    Raises InvalidTransition when no path exists (a FILLED order reported CANCELED), and ValueError for a
    status Binance does not have.
    """
    if reported in ("PENDING_NEW", "PENDING_CANCEL"):
        return []
    event = _REPORTED_EVENT.get(reported)
    if event is None:
        raise ValueError(f"unknown exchange order status {reported!r}")
    target = OrderStatus(reported)
    if current == target:
        return []
    direct = TRANSITIONS.get((current, event))
    if direct is not None:
        return [(event, direct)]
    if (current, E.OUTCOME_UNKNOWN) in TRANSITIONS and (S.UNKNOWN, event) in TRANSITIONS:
        return [(E.OUTCOME_UNKNOWN, S.UNKNOWN), (event, TRANSITIONS[(S.UNKNOWN, event)])]
    raise InvalidTransition(current, event, reported)
