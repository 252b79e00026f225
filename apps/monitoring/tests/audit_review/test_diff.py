"""What an audit event changed, field by field."""

from __future__ import annotations

from typing import Any

import pytest

from apps.monitoring.audit_review.diff import field_changes


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, None, []),
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1, "b": 2}, {"a": 1, "b": 3}, [("b", "2", "3", "changed")]),
        (None, {"x": "1.50"}, [("x", "", '"1.50"', "added")]),
        ({"x": [1, 2]}, None, [("x", "[1, 2]", "", "removed")]),
        ({"b": 1}, {"a": {"n": 1}}, [("a", "", '{"n": 1}', "added"), ("b", "1", "", "removed")]),
        (5, 6, [("", "5", "6", "changed")]),
        (None, "on", [("", "", '"on"', "added")]),
        ([1], None, [("", "[1]", "", "removed")]),
        ("same", "same", []),
        ({}, {}, []),
    ],
)
def test_changes(before: Any, after: Any, expected: list[tuple[str, str, str, str]]) -> None:
    assert [(c.field, c.before, c.after, c.kind) for c in field_changes(before, after)] == expected


def test_unchanged_fields_are_listed_on_request() -> None:
    changes = field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3}, include_unchanged=True)
    assert [(c.field, c.kind) for c in changes] == [("a", "unchanged"), ("b", "changed")]
