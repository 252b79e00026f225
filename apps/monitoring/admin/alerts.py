"""Alert rules (editable by admins, parameters validated like the API), alerts (filters, acknowledge and
resolve actions, their history inline). Any role reads, like the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from apps.monitoring.alerts.domain.params import SPECS
from apps.monitoring.alerts.services import (
    AlertStateError,
    RuleInvalid,
    alert_acknowledge,
    alert_resolve,
    rule_clean,
    rule_create,
    rule_delete,
    rule_update,
)
from apps.monitoring.models import Alert, AlertEvent, AlertRule
from apps.users.roles import has_role

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

_RULE_FIELDS = ("name", "rule_type", "params", "severity", "for_duration_s", "cooldown_s", "enabled")
_STATE_FIELDS = ("created_at", "updated_at", "pending_since", "last_evaluated_at", "last_value", "last_error")


def _params_help() -> str:
    lines = []
    for rule_type, specs in SPECS.items():
        names = ", ".join(f"{n} (default {s.default!r})" for n, s in specs.items()) or "none"
        lines.append(f"{rule_type}: {names}")
    return "Parameters per rule type; missing ones take their default. " + "; ".join(lines)


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = _RULE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["params"].help_text = _params_help()
        self.fields["params"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            clean = rule_clean({name: data.get(name) for name in _RULE_FIELDS})
        except RuleInvalid as error:
            raise ValidationError(_form_errors(error.errors)) from error
        data["params"] = clean["params"]
        return data


def _form_errors(errors: dict[str, Any]) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for field, value in errors.items():
        if isinstance(value, dict):
            flat[field] = [f"{name}: {' '.join(messages_)}" for name, messages_ in value.items()]
        else:
            flat[field] = list(value)
    return flat


class _RoleAccess:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, "viewer")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, "viewer")


@admin.register(AlertRule)
class AlertRuleAdmin(_RoleAccess, admin.ModelAdmin):
    form = AlertRuleForm
    list_display = (
        "name",
        "rule_type",
        "severity",
        "enabled",
        "for_duration_s",
        "cooldown_s",
        "last_evaluated_at",
        "pending_since",
        "last_error",
    )
    list_filter = ("rule_type", "severity", "enabled")
    search_fields = ("name",)
    readonly_fields = _STATE_FIELDS
    fieldsets = (
        (None, {"fields": _RULE_FIELDS}),
        ("Evaluation", {"fields": _STATE_FIELDS}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, "admin")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, "admin")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, "admin")

    def save_model(self, request: HttpRequest, obj: AlertRule, form: Any, change: bool) -> None:  # noqa: FBT001
        # Through the services, so every change is audited and a changed rule restarts cleanly.
        data = {name: form.cleaned_data[name] for name in _RULE_FIELDS}
        if change:
            saved = rule_update(actor=request.user, rule_id=obj.pk, changes=data)
        else:
            saved = rule_create(actor=request.user, data=data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: AlertRule) -> None:
        rule_delete(actor=request.user, rule_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AlertRule]) -> None:
        for rule_id in list(queryset.values_list("pk", flat=True)):
            rule_delete(actor=request.user, rule_id=rule_id)


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    fields = ("at", "event", "actor", "note", "value")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RuleTypeFilter(admin.SimpleListFilter):
    title = "rule type"
    parameter_name = "rule_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(t, t) for t in SPECS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
        value = self.value()
        return queryset.filter(rule__rule_type=value) if value else queryset


@admin.register(Alert)
class AlertAdmin(_RoleAccess, admin.ModelAdmin):
    list_display = ("id", "opened_at", "severity", "state", "title", "key", "acknowledged_by", "resolved_at")
    list_filter = ("state", "severity", RuleTypeFilter, ("opened_at", admin.DateFieldListFilter))
    search_fields = ("title", "message", "key")
    date_hierarchy = "opened_at"
    ordering = ("-opened_at", "-id")
    list_select_related = ("rule", "acknowledged_by")
    inlines = (AlertEventInline,)
    actions = ("acknowledge", "resolve")
    readonly_fields = tuple(f.name for f in Alert._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_act_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, "trader")

    def _each(self, request: HttpRequest, queryset: QuerySet[Alert], action: Any, done: str) -> None:
        for alert_id in list(queryset.values_list("pk", flat=True)):
            try:
                action(alert_id=alert_id, actor=request.user, note="from the admin")
            except AlertStateError as error:
                self.message_user(
                    request, f"Alert #{alert_id}: {' '.join(error.errors['state'])}", messages.WARNING
                )
            else:
                self.message_user(request, f"Alert #{alert_id} {done}.", messages.SUCCESS)

    @admin.action(description="Acknowledge the selected alerts", permissions=["act"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        self._each(request, queryset, alert_acknowledge, "acknowledged")

    @admin.action(description="Resolve the selected alerts", permissions=["act"])
    def resolve(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        self._each(request, queryset, alert_resolve, "resolved")
