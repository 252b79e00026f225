"""The local order book against Binance's algorithm: tables for the join rules, hypothesis for the sync."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.marketdata.domain.book import LocalBook, Outcome, tops_equal
from apps.marketdata.domain.events import DepthDiff

D = Decimal


def diff(first: int, last: int, pu: int | None = None, bids: tuple = (), asks: tuple = ()) -> DepthDiff:
    return DepthDiff(E=last, U=first, u=last, pu=pu, bids=bids, asks=asks)


@pytest.mark.parametrize(
    ("market", "snapshot_id", "first", "expected"),
    [
        ("spot", 100, diff(90, 100), Outcome.STALE),
        ("spot", 100, diff(95, 101), Outcome.APPLIED),
        ("spot", 100, diff(101, 105), Outcome.APPLIED),
        ("spot", 100, diff(102, 105), Outcome.GAP),
        ("usdm", 100, diff(90, 99, 89), Outcome.STALE),
        ("usdm", 100, diff(95, 100, 94), Outcome.APPLIED),
        ("usdm", 100, diff(101, 105, 100), Outcome.APPLIED),  # between two events: pu joins
        ("usdm", 100, diff(102, 105, 101), Outcome.GAP),
    ],
)
def test_first_event_rule(market: str, snapshot_id: int, first: DepthDiff, expected: Outcome) -> None:
    book = LocalBook(market)
    book.snapshot(snapshot_id, [(D(1), D(1))], [(D(2), D(1))])
    assert book.apply(first) is expected


def test_spot_continuity_and_gap() -> None:
    book = LocalBook("spot")
    book.snapshot(10, [], [])
    assert book.apply(diff(9, 12, bids=((D(5), D(1)),))) is Outcome.APPLIED
    assert book.apply(diff(13, 14)) is Outcome.APPLIED
    assert book.apply(diff(13, 14)) is Outcome.STALE  # a duplicate (connection overlap)
    assert book.apply(diff(16, 17)) is Outcome.GAP


def test_futures_uses_pu() -> None:
    book = LocalBook("usdm")
    book.snapshot(10, [], [])
    assert book.apply(diff(8, 12, 7)) is Outcome.APPLIED
    assert book.apply(diff(15, 18, 12)) is Outcome.APPLIED  # U jumps, pu joins: fine on USD-M
    assert book.apply(diff(20, 22, 19)) is Outcome.GAP


def test_buffered_before_snapshot_and_zero_removes() -> None:
    book = LocalBook("spot")
    assert book.apply(diff(5, 6, bids=((D(9), D(1)),))) is Outcome.BUFFERED
    assert book.apply(diff(7, 8, bids=((D(9), D(0)), (D(8), D(2))))) is Outcome.BUFFERED
    assert book.snapshot(6, [(D(9), D(1))], [(D(10), D(1))]) is Outcome.APPLIED
    assert book.top(5).bids == ((D(8), D(2)),) and book.last_update_id == 8


# ---------------------------------------------------------------- hypothesis: an exchange and a client
prices = st.integers(min_value=1, max_value=30)
changes = st.lists(
    st.tuples(st.booleans(), prices, st.integers(min_value=0, max_value=3)), min_size=0, max_size=4
)


@settings(max_examples=200, deadline=None)
@given(
    market=st.sampled_from(["spot", "usdm"]),
    updates=st.lists(changes, min_size=1, max_size=40),
    snapshot_at=st.integers(min_value=0, max_value=40),
    listen_from=st.integers(min_value=0, max_value=40),
    drop=st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
)
def test_book_converges_or_detects_the_gap(
    market: str, updates: list, snapshot_at: int, listen_from: int, drop: int | None
) -> None:
    """Whatever the snapshot moment, the client that starts listening before it ends with the exchange's
    book; a lost diff after the join is always reported as a gap."""
    listen_from = min(listen_from, snapshot_at)
    bids: dict[Decimal, Decimal] = {}
    asks: dict[Decimal, Decimal] = {}
    update_id, prev_u = 1000, 1000
    diffs, snapshot = [], None
    for index, batch in enumerate(updates):
        if index == snapshot_at:
            snapshot = (update_id, dict(bids), dict(asks))
        first = update_id + 1
        update_id += max(1, len(batch))
        b, a = [], []
        for is_bid, price, qty in batch:
            side, out, p = (bids, b, D(price)) if is_bid else (asks, a, D(price) + 100)
            side.pop(p, None) if qty == 0 else side.__setitem__(p, D(qty))
            out.append((p, D(qty)))
        diffs.append(DepthDiff(E=index, U=first, u=update_id, pu=prev_u, bids=tuple(b), asks=tuple(a)))
        prev_u = update_id
    if snapshot is None:
        snapshot = (update_id, dict(bids), dict(asks))
    book = LocalBook(market)
    outcomes = []
    for index, d in enumerate(diffs):
        if index < listen_from:
            continue
        if index == snapshot_at:
            outcomes.append(book.snapshot(snapshot[0], snapshot[1].items(), snapshot[2].items()))
        if drop is not None and index == drop:
            continue
        outcomes.append(book.apply(d))
    if snapshot_at >= len(diffs):
        outcomes.append(book.snapshot(snapshot[0], snapshot[1].items(), snapshot[2].items()))
    lost_after_join = (
        drop is not None and listen_from <= drop and drop < len(diffs) and diffs[drop].u > snapshot[0]
    )
    if lost_after_join and drop != len(diffs) - 1:
        assert Outcome.GAP in outcomes
        return
    if lost_after_join:  # the very last diff was lost: nothing after it can reveal the gap yet
        return
    assert Outcome.GAP not in outcomes
    assert tops_equal(book.top(50), bids.items(), asks.items(), 50)
