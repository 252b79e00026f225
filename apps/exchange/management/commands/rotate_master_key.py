"""`manage.py rotate_master_key`: re-encrypt every stored secret under the current TRADER_MASTER_KEY.

The exchange credentials and the notification channels' secrets (webhook HMAC keys, Telegram bot tokens)
are sealed with the same key, so both must move before the previous key is removed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.exchange.domain.errors import ConfigurationError
from apps.exchange.services import master_key_rotate
from apps.monitoring.delivery.channels import channel_secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt stored exchange and notification-channel secrets with TRADER_MASTER_KEY. "
        "Put the old key in "
        "TRADER_MASTER_KEY_PREVIOUS first; remove it once this command has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = master_key_rotate(actor=None)
            channels = channel_secrets_reencrypt(actor=None)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {changed} credential(s) and {channels} notification channel secret(s) "
                "under the current master key."
            )
        )
