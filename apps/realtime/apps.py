from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _forget_recipients(**_: Any) -> None:
    from apps.realtime.publish import recipients_changed

    recipients_changed()


class RealtimeConfig(AppConfig):
    name = "apps.realtime"
    verbose_name = "Real-time account events"

    def ready(self) -> None:
        # Publishing caches who holds a role; any change to users or their groups in this process drops
        # that cache at once (other processes catch up within the cache's short lifetime).
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        user = get_user_model()
        post_save.connect(_forget_recipients, sender=user, dispatch_uid="realtime.user_saved")
        post_delete.connect(_forget_recipients, sender=user, dispatch_uid="realtime.user_deleted")
        m2m_changed.connect(
            _forget_recipients, sender=user.groups.through, dispatch_uid="realtime.user_groups"
        )
