"""The order state table, exhaustively: every (status, event) pair moves as specified here or raises."""

from __future__ import annotations

import pytest

from apps.orders.domain.state import (
    TERMINAL,
    TRANSITIONS,
    InvalidTransition,
    OrderEvent,
    OrderStatus,
    apply_exchange_status,
    next_status,
)

S, E = OrderStatus, OrderEvent

# The specification, written out independently of the table in the code: status → {event: next status}.
SPEC: dict[OrderStatus, dict[OrderEvent, OrderStatus]] = {
    S.PENDING_NEW: {
        E.ACCEPT: S.NEW,
        E.REJECT: S.REJECTED,
        E.OUTCOME_UNKNOWN: S.UNKNOWN,
        E.PARTIAL_FILL: S.PARTIALLY_FILLED,
        E.FILL: S.FILLED,
        E.EXPIRE: S.EXPIRED,
        E.EXPIRE_IN_MATCH: S.EXPIRED_IN_MATCH,
        E.CANCEL: S.CANCELED,
    },
    S.NEW: {
        E.PARTIAL_FILL: S.PARTIALLY_FILLED,
        E.FILL: S.FILLED,
        E.CANCEL_REQUEST: S.PENDING_CANCEL,
        E.CANCEL: S.CANCELED,
        E.EXPIRE: S.EXPIRED,
        E.EXPIRE_IN_MATCH: S.EXPIRED_IN_MATCH,
        E.OUTCOME_UNKNOWN: S.UNKNOWN,
    },
    S.PARTIALLY_FILLED: {
        E.PARTIAL_FILL: S.PARTIALLY_FILLED,
        E.FILL: S.FILLED,
        E.CANCEL_REQUEST: S.PENDING_CANCEL,
        E.CANCEL: S.CANCELED,
        E.EXPIRE: S.EXPIRED,
        E.EXPIRE_IN_MATCH: S.EXPIRED_IN_MATCH,
        E.OUTCOME_UNKNOWN: S.UNKNOWN,
    },
    S.PENDING_CANCEL: {
        E.CANCEL: S.CANCELED,
        E.PARTIAL_FILL: S.PENDING_CANCEL,
        E.FILL: S.FILLED,
        E.EXPIRE: S.EXPIRED,
        E.EXPIRE_IN_MATCH: S.EXPIRED_IN_MATCH,
        E.CANCEL_REJECT: S.UNKNOWN,
        E.OUTCOME_UNKNOWN: S.UNKNOWN,
    },
    S.UNKNOWN: {
        E.ACCEPT: S.NEW,
        E.PARTIAL_FILL: S.PARTIALLY_FILLED,
        E.FILL: S.FILLED,
        E.CANCEL: S.CANCELED,
        E.EXPIRE: S.EXPIRED,
        E.EXPIRE_IN_MATCH: S.EXPIRED_IN_MATCH,
        E.REJECT: S.REJECTED,
    },
    S.FILLED: {},
    S.CANCELED: {},
    S.REJECTED: {},
    S.EXPIRED: {},
    S.EXPIRED_IN_MATCH: {},
}

EVERY_PAIR = [(status, event) for status in OrderStatus for event in OrderEvent]


def test_the_specification_covers_every_status() -> None:
    assert set(SPEC) == set(OrderStatus)
    assert len(EVERY_PAIR) == 10 * 10


@pytest.mark.parametrize(("status", "event"), EVERY_PAIR, ids=[f"{s}+{e}" for s, e in EVERY_PAIR])
def test_every_status_and_event_moves_as_specified_or_raises(status: OrderStatus, event: OrderEvent) -> None:
    expected = SPEC[status].get(event)
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            next_status(status, event)
        assert str(refused.value) == f"{status} -> {event}"
    else:
        assert next_status(status, event) == expected


def test_the_table_has_no_edge_the_specification_lacks() -> None:
    assert {(s, e): t for s, row in SPEC.items() for e, t in row.items()} == TRANSITIONS


def test_finished_orders_never_move_again() -> None:
    assert {status for status, row in SPEC.items() if not row} == TERMINAL


def test_every_live_status_can_fall_back_to_unknown_and_every_outcome_can_be_reconciled() -> None:
    live = set(OrderStatus) - TERMINAL - {S.UNKNOWN}
    assert all(TRANSITIONS[(status, E.OUTCOME_UNKNOWN)] == S.UNKNOWN for status in live)
    reachable_from_unknown = {
        TRANSITIONS[(S.UNKNOWN, e)] for e in OrderEvent if (S.UNKNOWN, e) in TRANSITIONS
    }
    assert reachable_from_unknown == TERMINAL | {S.NEW, S.PARTIALLY_FILLED}


@pytest.mark.parametrize(
    ("current", "reported", "path"),
    [
        (S.PENDING_NEW, "NEW", [(E.ACCEPT, S.NEW)]),
        (S.PENDING_NEW, "FILLED", [(E.FILL, S.FILLED)]),
        (S.NEW, "PARTIALLY_FILLED", [(E.PARTIAL_FILL, S.PARTIALLY_FILLED)]),
        (S.NEW, "NEW", []),
        (S.PARTIALLY_FILLED, "PARTIALLY_FILLED", []),
        (S.PENDING_CANCEL, "CANCELED", [(E.CANCEL, S.CANCELED)]),
        (S.PENDING_CANCEL, "PARTIALLY_FILLED", [(E.PARTIAL_FILL, S.PENDING_CANCEL)]),
        # The cancel was lost: the exchange still has the order working. Through UNKNOWN, as reconcile goes.
        (S.PENDING_CANCEL, "NEW", [(E.OUTCOME_UNKNOWN, S.UNKNOWN), (E.ACCEPT, S.NEW)]),
        (S.NEW, "REJECTED", [(E.OUTCOME_UNKNOWN, S.UNKNOWN), (E.REJECT, S.REJECTED)]),
        (S.UNKNOWN, "EXPIRED_IN_MATCH", [(E.EXPIRE_IN_MATCH, S.EXPIRED_IN_MATCH)]),
        (S.FILLED, "FILLED", []),
        # Statuses Binance reports for states we track ourselves need no transition.
        (S.NEW, "PENDING_CANCEL", []),
        (S.PENDING_NEW, "PENDING_NEW", []),
    ],
)
def test_an_exchange_report_maps_to_the_path_of_transitions(
    current: OrderStatus, reported: str, path: list[tuple[OrderEvent, OrderStatus]]
) -> None:
    assert apply_exchange_status(current, reported) == path


@pytest.mark.parametrize(
    ("current", "reported"), [(S.FILLED, "CANCELED"), (S.CANCELED, "NEW"), (S.REJECTED, "FILLED")]
)
def test_a_report_that_would_reopen_a_finished_order_raises(current: OrderStatus, reported: str) -> None:
    with pytest.raises(InvalidTransition, match=f"{current} -> {reported}"):
        apply_exchange_status(current, reported)


def test_a_status_binance_does_not_have_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown exchange order status"):
        apply_exchange_status(S.NEW, "ALMOST_FILLED")
