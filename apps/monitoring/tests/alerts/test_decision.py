"""The evaluation state machine: tables of single decisions, and properties over whole timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.monitoring.alerts.domain.decision import Action, Before, decide

T0 = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


NOTHING = Before(active=False, pending_since=None)


@pytest.mark.parametrize(
    ("firing", "now", "for_s", "cool_s", "before", "action", "pending"),
    [
        # clear, nothing active: idle, no pending episode
        (False, s(0), 30, 60, NOTHING, Action.IDLE, None),
        (False, s(0), 30, 60, Before(active=False, pending_since=s(-10)), Action.IDLE, None),
        # firing: pending until the for-duration has passed, then open
        (True, s(0), 30, 60, NOTHING, Action.PENDING, s(0)),
        (True, s(29), 30, 60, Before(active=False, pending_since=s(0)), Action.PENDING, s(0)),
        (True, s(30), 30, 60, Before(active=False, pending_since=s(0)), Action.OPEN, s(0)),
        # no for-duration: opens on the first firing evaluation
        (True, s(0), 0, 60, NOTHING, Action.OPEN, s(0)),
        # cooldown after the last resolve
        (
            True,
            s(30),
            0,
            60,
            Before(active=False, pending_since=None, last_resolved_at=s(0)),
            Action.SUPPRESSED,
            s(30),
        ),
        (
            True,
            s(60),
            0,
            60,
            Before(active=False, pending_since=s(30), last_resolved_at=s(0)),
            Action.OPEN,
            s(30),
        ),
        # active alert: keep while firing, resolve when clear
        (True, s(100), 30, 60, Before(active=True, pending_since=s(0)), Action.KEEP, s(0)),
        (False, s(100), 30, 60, Before(active=True, pending_since=s(0)), Action.RESOLVE, None),
        # a pending start in the future (clock moved back) restarts the episode now
        (True, s(0), 30, 60, Before(active=False, pending_since=s(100)), Action.PENDING, s(0)),
    ],
)
def test_decide_table(
    firing: bool,
    now: datetime,
    for_s: int,
    cool_s: int,
    before: Before,
    action: Action,
    pending: datetime | None,
) -> None:
    decision = decide(
        firing=firing, subjects=frozenset(), now=now, for_duration_s=for_s, cooldown_s=cool_s, before=before
    )
    assert decision.action is action
    assert decision.pending_since == pending


def test_suppression_is_recorded_once_per_episode() -> None:
    first = Before(active=False, pending_since=s(10), last_resolved_at=s(0))
    again = Before(active=False, pending_since=s(10), last_resolved_at=s(0), suppression_recorded=True)
    kwargs = {"firing": True, "subjects": frozenset(), "now": s(20), "for_duration_s": 0, "cooldown_s": 60}
    assert decide(before=first, **kwargs).record_suppression is True
    assert decide(before=again, **kwargs).record_suppression is False


@pytest.mark.parametrize(
    ("before_subjects", "now_subjects", "last_notified", "changed", "remind"),
    [
        ({"a"}, {"a"}, s(0), False, False),
        ({"a"}, {"a", "b"}, s(0), True, True),  # a new subject, notified long ago
        ({"a"}, {"a", "b"}, s(250), True, False),  # a new subject within the re-notify interval
        ({"a", "b"}, {"a"}, s(0), True, False),  # a subject went away: recorded, no reminder
        ({"a"}, {"b"}, None, True, True),
    ],
)
def test_value_changes_and_reminders(
    before_subjects: set[str],
    now_subjects: set[str],
    last_notified: datetime | None,
    changed: bool,
    remind: bool,
) -> None:
    before = Before(
        active=True, pending_since=s(0), subjects=frozenset(before_subjects), last_notified_at=last_notified
    )
    decision = decide(
        firing=True,
        subjects=frozenset(now_subjects),
        now=s(300),
        for_duration_s=0,
        cooldown_s=60,
        before=before,
    )
    assert decision.action is Action.KEEP
    assert (decision.value_changed, decision.remind) == (changed, remind)


def _run(timeline: list[bool], *, step: int, for_s: int, cool_s: int) -> list[tuple[int, Action]]:
    """Feed a timeline of readings (one per `step` seconds) through decide, applying each decision the
    way the evaluator does; returns (time, action) of every evaluation."""
    active = False
    pending: datetime | None = None
    resolved_at: datetime | None = None
    recorded = False
    out = []
    for i, firing in enumerate(timeline):
        now = s(i * step)
        d = decide(
            firing=firing,
            subjects=frozenset(),
            now=now,
            for_duration_s=for_s,
            cooldown_s=cool_s,
            before=Before(
                active=active,
                pending_since=pending,
                last_resolved_at=resolved_at,
                suppression_recorded=recorded,
            ),
        )
        if d.pending_since != pending:
            recorded = False
        pending = d.pending_since
        recorded = recorded or d.record_suppression
        if d.action is Action.OPEN:
            active = True
        elif d.action is Action.RESOLVE:
            active, resolved_at = False, now
        out.append((i * step, d.action))
    return out


@settings(max_examples=300, deadline=None)
@given(
    timeline=st.lists(st.booleans(), min_size=1, max_size=60),
    step=st.integers(min_value=1, max_value=30),
    for_s=st.integers(min_value=0, max_value=120),
    cool_s=st.integers(min_value=0, max_value=300),
)
def test_timeline_properties(timeline: list[bool], step: int, for_s: int, cool_s: int) -> None:
    actions = _run(timeline, step=step, for_s=for_s, cool_s=cool_s)
    episode_start: int | None = None
    last_resolve: int | None = None
    active = False
    for (t, action), firing in zip(actions, timeline, strict=True):
        if not firing:
            episode_start = None
        elif episode_start is None:
            episode_start = t
        if action is Action.OPEN:
            # never before the condition held for the for-duration, never within the cooldown
            assert firing and not active
            assert episode_start is not None and t - episode_start >= for_s
            assert last_resolve is None or t - last_resolve >= cool_s
            active = True
        elif action is Action.RESOLVE:
            assert active and not firing
            active, last_resolve = False, t
        elif action is Action.KEEP:
            assert active and firing
        else:
            assert not active
        # a condition that held long enough outside any cooldown is open by now
        if (
            firing
            and episode_start is not None
            and t - episode_start >= for_s
            and (last_resolve is None or t - last_resolve >= cool_s)
        ):
            assert active
