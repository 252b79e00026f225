"""Roles widen by inclusion: admin ⊃ trader ⊃ viewer; no group, no role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from apps.users.roles import has_role, user_roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("viewer_user", ["viewer"]),
        ("trader_user", ["viewer", "trader"]),
        ("admin_user", ["viewer", "trader", "admin"]),
        ("outsider_user", []),
    ],
)
def test_each_persona_holds_its_roles(
    request: pytest.FixtureRequest, persona: str, expected: list[str]
) -> None:
    assert user_roles(request.getfixturevalue(persona)) == expected


def test_a_superuser_holds_every_role() -> None:
    root = User.objects.create_superuser("root", password="x" * 12)
    assert user_roles(root) == ["viewer", "trader", "admin"]


def test_anonymous_and_inactive_users_hold_none(trader_user: User) -> None:
    assert user_roles(AnonymousUser()) == []
    trader_user.is_active = False
    assert not has_role(trader_user, "viewer")
