"""Fixtures shared by every Django test: fixed personas and API clients logged in as them.

Personas: `viewer_user`, `trader_user`, `admin_user` hold one role each; `outsider_user` is logged in but
holds no role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

# The local exchange fixture (`local_exchange`) is shared by every app's tests and the cross-app ones.
pytest_plugins = ["tests.fixtures.local_exchange"]

PASSWORD = "correct-horse-battery-staple"

# Property tests judge results, not speed: on a loaded 2-core CI machine generation can be slow, and the
# "too slow" health check and the per-example deadline would fail correct code. Explicit @settings still win.
settings.register_profile("trader", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("trader")


def _make_user(username: str, role: str | None) -> User:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=username, password=PASSWORD)
    if role:
        # get_or_create: transactional tests flush the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Login throttling counts live in the cache; every test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def viewer_user(db: None) -> User:
    return _make_user("vera-viewer", "viewer")


@pytest.fixture
def trader_user(db: None) -> User:
    return _make_user("tom-trader", "trader")


@pytest.fixture
def admin_user(db: None) -> User:
    return _make_user("ada-admin", "admin")


@pytest.fixture
def outsider_user(db: None) -> User:
    return _make_user("olga-outsider", None)


@pytest.fixture
def api_client() -> APIClient:
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def trader_client(trader_user: User) -> APIClient:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(trader_user)
    return client
