"""Risk in the back office: trading state history (a new state can be added, audited like the API's),
kill switch runs with their steps and report, risk alerts. History is never edited or deleted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html

from apps.risk.domain.state import Scope
from apps.risk.models import DeadmanHeartbeat, KillSwitchRun, KillSwitchStep, RiskAlert, TradingState
from apps.risk.services import RiskActionRefused, check_trading_state_change, do_trading_state_set
from apps.users.roles import has_role

if TYPE_CHECKING:
    from django.http import HttpRequest


class _RoleAccess:
    """Role-based like the API: any role reads; writes are decided per admin class."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, "viewer")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, "viewer")


class _NoWrites(_RoleAccess):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TradingStateForm(forms.ModelForm):
    class Meta:
        model = TradingState
        fields = ("market", "symbol", "state", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        symbol = (data.get("symbol") or "").strip().upper()
        if symbol and not data.get("market"):
            raise ValidationError("A symbol needs its market.")
        data["symbol"] = symbol
        if not (data.get("reason") or "").strip():
            raise ValidationError({"reason": "A reason is required."})
        user = getattr(self, "user", None)
        try:
            check_trading_state_change(
                actor=user, scope=Scope(data.get("market", ""), symbol), state=data["state"]
            )
        except (RiskActionRefused, KeyError) as exc:
            raise ValidationError(str(exc)) from None
        return data


@admin.register(TradingState)
class TradingStateAdmin(_RoleAccess, admin.ModelAdmin):
    form = TradingStateForm
    list_display = ("created_at", "scope_label", "state", "source", "actor", "reason")
    list_filter = ("state", "source", "market")
    search_fields = ("symbol", "reason")
    date_hierarchy = "created_at"

    @admin.display(description="scope")
    def scope_label(self, row: TradingState) -> str:
        return row.scope.label

    def get_form(
        self,
        request: HttpRequest,
        obj: Any = None,
        change: bool = False,  # noqa: FBT001, FBT002 -- Django's signature
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # type: ignore[attr-defined]
        return form

    def save_model(
        self,
        request: HttpRequest,
        obj: TradingState,
        form: Any,
        change: bool,  # noqa: FBT001 -- Django's signature
    ) -> None:
        # Through the service: a new history row, audited with before/after, published.
        saved = do_trading_state_set(
            actor=request.user,  # type: ignore[arg-type]
            scope=Scope(obj.market, obj.symbol),
            state=obj.state,
            reason=obj.reason,
        )
        obj.pk = saved.pk

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, "trader")  # a trader may only tighten (checked by the form)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KillSwitchStepInline(_NoWrites, admin.TabularInline):
    model = KillSwitchStep
    extra = 0
    fields = ("key", "status", "attempts", "detail", "result", "error", "order", "started_at", "finished_at")
    readonly_fields = fields


@admin.register(KillSwitchRun)
class KillSwitchRunAdmin(_NoWrites, admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "scope",
        "close_positions",
        "status",
        "engaged_by",
        "attempts",
        "finished_at",
    )
    list_filter = ("status", "close_positions")
    readonly_fields = (
        "scope",
        "close_positions",
        "reason",
        "status",
        "engaged_by",
        "attempts",
        "lease_owner",
        "lease_until",
        "created_at",
        "updated_at",
        "finished_at",
        "report_pretty",
    )
    exclude = ("report",)
    inlines = (KillSwitchStepInline,)

    @admin.display(description="report")
    def report_pretty(self, run: KillSwitchRun) -> str:
        text = json.dumps(run.report, indent=2, cls=DjangoJSONEncoder)
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", text)


@admin.register(RiskAlert)
class RiskAlertAdmin(_NoWrites, admin.ModelAdmin):
    list_display = (
        "opened_at",
        "trigger",
        "scope",
        "severity",
        "action",
        "fire_count",
        "resolved_at",
        "message",
    )
    list_filter = ("trigger", "severity", "action")
    readonly_fields = tuple(f.name for f in RiskAlert._meta.fields)


@admin.register(DeadmanHeartbeat)
class DeadmanHeartbeatAdmin(_NoWrites, admin.ModelAdmin):
    list_display = ("enabled", "countdown_ms", "symbols", "last_success_at", "last_error_at", "last_error")
    readonly_fields = tuple(f.name for f in DeadmanHeartbeat._meta.fields)
