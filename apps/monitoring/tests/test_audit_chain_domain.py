"""The hash chain as pure functions: any change, removal or reordering is found at the right event."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.monitoring.domain.audit_chain import GENESIS, ChainLink, chain_hash, first_break


def build_chain(contents: list[dict[str, Any]]) -> list[ChainLink]:
    links: list[ChainLink] = []
    prev = GENESIS
    for index, content in enumerate(contents, start=1):
        digest = chain_hash(prev, content)
        links.append(ChainLink(event_id=index, prev_hash=prev, hash=digest, content=content))
        prev = digest
    return links


contents_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "action": st.text(min_size=1, max_size=20),
            "after": st.one_of(st.none(), st.dictionaries(st.text(), st.text())),
        }
    ),
    min_size=1,
    max_size=15,
)


def test_hash_is_independent_of_key_order() -> None:
    assert chain_hash(GENESIS, {"a": 1, "b": "x"}) == chain_hash(GENESIS, {"b": "x", "a": 1})


def test_hash_depends_on_the_previous_hash() -> None:
    assert chain_hash(GENESIS, {"a": 1}) != chain_hash("f" * 64, {"a": 1})


def test_an_empty_chain_holds() -> None:
    assert first_break([]) is None


@given(contents_strategy)
def test_an_untouched_chain_holds(contents: list[dict[str, Any]]) -> None:
    assert first_break(build_chain(contents)) is None


@given(contents_strategy, st.data())
def test_a_changed_event_is_reported_at_that_event(
    contents: list[dict[str, Any]], data: st.DataObject
) -> None:
    links = build_chain(contents)
    victim = data.draw(st.integers(min_value=0, max_value=len(links) - 1))
    tampered = dict(links[victim].content, action=links[victim].content["action"] + "!")
    links[victim] = ChainLink(links[victim].event_id, links[victim].prev_hash, links[victim].hash, tampered)
    broken = first_break(links)
    assert broken is not None
    assert broken.event_id == victim + 1
    assert "changed" in broken.reason


@given(contents_strategy.filter(lambda c: len(c) >= 2), st.data())
def test_a_removed_event_is_reported_at_the_next_one(
    contents: list[dict[str, Any]], data: st.DataObject
) -> None:
    links = build_chain(contents)
    victim = data.draw(st.integers(min_value=0, max_value=len(links) - 2))
    survivor = links[victim + 1]
    del links[victim]
    broken = first_break(links)
    assert broken is not None
    assert broken.event_id == survivor.event_id
    assert "previous-hash" in broken.reason


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", "risk.limits.raise"), ("after", {"max_notional": "999999"}), ("before", None)],
)
def test_rewriting_a_field_and_its_hash_still_breaks_the_next_link(field: str, value: Any) -> None:
    links = build_chain(
        [{"action": "a", "after": None, "before": {"x": "1"}}, {"action": "b", "after": None}]
    )
    first = links[0]
    rewritten_content = dict(first.content, **{field: value})
    # An attacker who recomputes the changed event's own hash still breaks the link that follows it.
    links[0] = ChainLink(
        first.event_id, first.prev_hash, chain_hash(first.prev_hash, rewritten_content), rewritten_content
    )
    broken = first_break(links)
    assert broken is not None
    assert broken.event_id == 2
