"""Writes about users: sessions, tokens and the first admin, each recorded in the audit trail."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.monitoring.services import audit_record

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest


def session_login(*, request: HttpRequest, user: AbstractBaseUser) -> None:
    login(request, user)
    audit_record(actor=user, action="auth.login", target_type="user", target_id=str(user.pk))


def session_logout(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        audit_record(actor=user, action="auth.logout", target_type="user", target_id=str(user.pk))
    logout(request)


def login_failed(*, username: str) -> None:
    # The attempted name is kept (for brute-force review) but never the password.
    audit_record(actor=None, action="auth.login_failed", target_type="user", target_id=username[:150])


def token_issue(*, user: AbstractBaseUser) -> Token:
    """Return the user's API token, creating it on first use."""
    with transaction.atomic():
        token, created = Token.objects.get_or_create(user=user)
        if created:
            audit_record(actor=user, action="auth.token_issued", target_type="user", target_id=str(user.pk))
    return token


@dataclass(frozen=True)
class AdminBootstrap:
    created: bool
    password: str | None


def admin_ensure(*, password: str | None, password_file: Path) -> AdminBootstrap:
    """Create the `admin` superuser on first start.

    The password is `password` when given (TRADER_ADMIN_PASSWORD), else random; a generated one is written
    to `password_file` with mode 600 and returned once so the caller can print it.
    """
    user_model = get_user_model()
    if user_model.objects.filter(username="admin").exists():
        return AdminBootstrap(created=False, password=None)
    generated = password is None
    chosen = password or secrets.token_urlsafe(18)
    with transaction.atomic():
        user = user_model.objects.create_superuser(username="admin", email="", password=chosen)
        user.groups.add(*Group.objects.filter(name__in=("viewer", "trader", "admin")))
        audit_record(actor=None, action="auth.admin_created", target_type="user", target_id=str(user.pk))
    if generated:
        password_file.parent.mkdir(parents=True, exist_ok=True)
        if password_file.exists():
            password_file.unlink()
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(chosen + "\n")
    return AdminBootstrap(created=True, password=chosen)
