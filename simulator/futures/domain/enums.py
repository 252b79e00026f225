"""Futures enums and the explicit order / algo-order status transition tables."""

from __future__ import annotations

from typing import Final, Literal

Side = Literal["BUY", "SELL"]
PositionSide = Literal["BOTH", "LONG", "SHORT"]
MarginType = Literal["CROSSED", "ISOLATED"]

SIDES: Final = ("BUY", "SELL")
POSITION_SIDES: Final = ("BOTH", "LONG", "SHORT")
ORDER_TYPES: Final = (
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
)
ALGO_TYPES: Final = ("STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET")
TIME_IN_FORCE: Final = ("GTC", "IOC", "FOK", "GTX", "GTD")
WORKING_TYPES: Final = ("MARK_PRICE", "CONTRACT_PRICE")
STP_MODES: Final = ("NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH")
PRICE_MATCH: Final = (
    "NONE",
    "OPPONENT",
    "OPPONENT_5",
    "OPPONENT_10",
    "OPPONENT_20",
    "QUEUE",
    "QUEUE_5",
    "QUEUE_10",
    "QUEUE_20",
)
RESP_TYPES: Final = ("ACK", "RESULT")


def opposite(side: str) -> str:
    return "SELL" if side == "BUY" else "BUY"


class InvalidTransition(Exception):
    pass


# Order status machine: (status, event) -> status. Everything else raises, so a bug that would
# resurrect a finished order fails loudly instead of corrupting a user's position.
ORDER_TRANSITIONS: Final[dict[tuple[str, str], str]] = {
    ("NEW", "PARTIAL_FILL"): "PARTIALLY_FILLED",
    ("NEW", "FILL"): "FILLED",
    ("NEW", "CANCEL"): "CANCELED",
    ("NEW", "EXPIRE"): "EXPIRED",  # IOC/FOK/MARKET remainder, GTD reached, reduce-only race
    ("NEW", "EXPIRE_IN_MATCH"): "EXPIRED_IN_MATCH",  # self-trade prevention
    ("NEW", "AMEND"): "NEW",
    ("PARTIALLY_FILLED", "PARTIAL_FILL"): "PARTIALLY_FILLED",
    ("PARTIALLY_FILLED", "FILL"): "FILLED",
    ("PARTIALLY_FILLED", "CANCEL"): "CANCELED",
    ("PARTIALLY_FILLED", "EXPIRE"): "EXPIRED",
    ("PARTIALLY_FILLED", "EXPIRE_IN_MATCH"): "EXPIRED_IN_MATCH",
    ("PARTIALLY_FILLED", "AMEND"): "PARTIALLY_FILLED",
}

OPEN_STATUSES: Final = frozenset({"NEW", "PARTIALLY_FILLED"})

# Conditional (algo) orders: NEW waits for its trigger; TRIGGERED hands a real order to the matcher
# and turns FINISHED when that order is done. REJECTED = the child order failed at trigger time.
ALGO_TRANSITIONS: Final[dict[tuple[str, str], str]] = {
    ("NEW", "TRIGGER"): "TRIGGERED",
    ("NEW", "CANCEL"): "CANCELED",
    ("NEW", "EXPIRE"): "EXPIRED",
    ("NEW", "REJECT"): "REJECTED",
    ("TRIGGERED", "FINISH"): "FINISHED",
    ("TRIGGERED", "REJECT"): "REJECTED",
}

ALGO_OPEN_STATUSES: Final = frozenset({"NEW"})


def next_status(status: str, event: str) -> str:
    try:
        return ORDER_TRANSITIONS[(status, event)]
    except KeyError:
        raise InvalidTransition(f"{status} -> {event}") from None


def next_algo_status(status: str, event: str) -> str:
    try:
        return ALGO_TRANSITIONS[(status, event)]
    except KeyError:
        raise InvalidTransition(f"{status} -> {event}") from None
