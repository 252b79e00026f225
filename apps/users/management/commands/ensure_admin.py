"""Create the first `admin` superuser; print a generated password once and keep it in .run/admin-password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.users.services import admin_ensure
from trader.settings.env import RUN_DIR


class Command(BaseCommand):
    help = "Create the admin superuser if it does not exist (password from TRADER_ADMIN_PASSWORD or random)."

    def handle(self, *args: Any, **options: Any) -> None:
        password_file = RUN_DIR / "admin-password"
        result = admin_ensure(password=settings.TRADER_ADMIN_PASSWORD, password_file=password_file)
        if not result.created:
            self.stdout.write("admin user exists; password unchanged")
        elif settings.TRADER_ADMIN_PASSWORD:
            self.stdout.write("admin user created with the password from TRADER_ADMIN_PASSWORD")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"admin user created. Password (shown once, also in {password_file}): {result.password}"
                )
            )
