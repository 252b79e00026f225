"""The evaluation state machine of one rule: given what the condition reads now and what happened before,
open, keep, resolve or wait. Pure: the caller reads the state and applies the decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Action(StrEnum):
    IDLE = "idle"  # condition clear, nothing active
    PENDING = "pending"  # firing, but not yet for the rule's for-duration
    SUPPRESSED = "suppressed"  # would open, but the last resolve is within the cooldown
    OPEN = "open"
    KEEP = "keep"  # already active and still firing
    RESOLVE = "resolve"  # active, and the condition cleared


@dataclass(frozen=True)
class Before:
    """What the store knows about the rule's alert key before this evaluation."""

    active: bool
    pending_since: datetime | None
    last_resolved_at: datetime | None = None
    # A reopen-suppressed event is already recorded for the current firing episode.
    suppression_recorded: bool = False
    subjects: frozenset[str] = frozenset()
    last_notified_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    pending_since: datetime | None
    record_suppression: bool = False
    value_changed: bool = False
    remind: bool = False


def decide(
    *,
    firing: bool,
    subjects: frozenset[str],
    now: datetime,
    for_duration_s: int,
    cooldown_s: int,
    before: Before,
) -> Decision:
    """Decide one evaluation.

    - A firing condition opens an alert only once it has fired continuously for `for_duration_s`
      (counted from the first firing evaluation, `pending_since`), and not within `cooldown_s` of the
      last resolve of the same key.
    - An active alert whose condition cleared resolves; a clear condition also ends the pending episode.
    - While active, a change of the subjects (e.g. which streams are stale) is a value change; new
      subjects remind, at most once per `cooldown_s`.
    """
    if not firing:
        if before.active:
            return Decision(Action.RESOLVE, pending_since=None)
        return Decision(Action.IDLE, pending_since=None)

    if before.active:
        changed = subjects != before.subjects
        gained = bool(subjects - before.subjects)
        spaced = before.last_notified_at is None or now - before.last_notified_at >= timedelta(
            seconds=cooldown_s
        )
        return Decision(
            Action.KEEP,
            pending_since=before.pending_since,
            value_changed=changed,
            remind=changed and gained and spaced,
        )

    pending = (
        before.pending_since if before.pending_since is not None and before.pending_since <= now else now
    )
    if now - pending < timedelta(seconds=for_duration_s):
        return Decision(Action.PENDING, pending_since=pending)
    if before.last_resolved_at is not None and now - before.last_resolved_at < timedelta(seconds=cooldown_s):
        return Decision(
            Action.SUPPRESSED, pending_since=pending, record_suppression=not before.suppression_recorded
        )
    return Decision(Action.OPEN, pending_since=pending)
