"""Back-office pages only the admin role may see or change (keys, notification secrets)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.users.roles import has_role

if TYPE_CHECKING:
    from django.http import HttpRequest


class AdminRoleOnly:
    """ModelAdmin mixin: every permission is the admin role's (Django's per-model permissions are not
    used for these pages). Override a method to narrow it further."""

    def _allowed(self, request: HttpRequest) -> bool:
        return has_role(request.user, "admin")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)
