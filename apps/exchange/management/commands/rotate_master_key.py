"""`manage.py rotate_master_key`: re-encrypt every exchange secret under the current TRADER_MASTER_KEY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.exchange.domain.errors import ConfigurationError
from apps.exchange.services import master_key_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt stored exchange secrets with TRADER_MASTER_KEY. Put the old key in "
        "TRADER_MASTER_KEY_PREVIOUS first; remove it once this command has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = master_key_rotate(actor=None)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {changed} credential(s) under the current master key.")
        )
