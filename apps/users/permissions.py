"""DRF permission classes per role; every API view names the least role it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rest_framework.permissions import BasePermission

from apps.users.roles import Role, has_role

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _RolePermission(BasePermission):
    role: ClassVar[Role]
    message = "Your account does not have the role this action needs."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return has_role(request.user, self.role)


class IsViewer(_RolePermission):
    role = "viewer"


class IsTrader(_RolePermission):
    role = "trader"


class IsAdminRole(_RolePermission):
    role = "admin"
