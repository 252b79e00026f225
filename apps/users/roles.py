"""The three roles of the platform. Each role includes the ones before it: admin > trader > viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Role = Literal["viewer", "trader", "admin"]
ROLES: Final[tuple[Role, ...]] = ("viewer", "trader", "admin")


def user_roles(user: AbstractBaseUser | AnonymousUser) -> list[Role]:
    """The roles a user holds, widened by inclusion (an admin can trade and view)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if getattr(user, "is_superuser", False):
        return list(ROLES)
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
    highest = max((ROLES.index(r) for r in ROLES if r in names), default=-1)
    return list(ROLES[: highest + 1])


def has_role(user: AbstractBaseUser | AnonymousUser, role: Role) -> bool:
    return role in user_roles(user)
