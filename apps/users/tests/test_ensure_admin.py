"""The first start creates `admin` once, with a random password kept in a mode-600 file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from apps.users.services import admin_ensure

pytestmark = pytest.mark.django_db


def test_a_random_password_is_generated_saved_and_works(tmp_path: Path) -> None:
    target = tmp_path / "admin-password"
    result = admin_ensure(password=None, password_file=target)
    assert result.created and result.password
    assert target.read_text().strip() == result.password
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    user = authenticate(username="admin", password=result.password)
    assert user is not None and user.is_superuser
    assert sorted(user.groups.values_list("name", flat=True)) == ["admin", "trader", "viewer"]


def test_a_second_start_changes_nothing(tmp_path: Path) -> None:
    first = admin_ensure(password=None, password_file=tmp_path / "p")
    second = admin_ensure(password=None, password_file=tmp_path / "p")
    assert second.created is False and second.password is None
    assert authenticate(username="admin", password=first.password) is not None


def test_the_password_from_the_environment_is_used_and_not_written(tmp_path: Path) -> None:
    result = admin_ensure(password="from-the-env-123", password_file=tmp_path / "p")
    assert result.created
    assert not (tmp_path / "p").exists()
    assert authenticate(username="admin", password="from-the-env-123") is not None
