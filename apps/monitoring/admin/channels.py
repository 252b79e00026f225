"""Back office: notification channels (secret write-only, changes through the audited services, a test
action) and deliveries (read-only, filterable)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages

from apps.monitoring.delivery.channels import (
    FIELDS,
    channel_check,
    channel_create,
    channel_delete,
    channel_update,
)
from apps.monitoring.delivery.domain.config import flat_errors
from apps.monitoring.delivery.services import channel_test
from apps.monitoring.models import Delivery, NotificationChannel
from apps.users.admin_access import AdminRoleOnly
from apps.users.roles import has_role

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest


# Checked again by the model's clean() when the form validates the instance: reported once, from there.
_MODEL_CHECKED = frozenset({"kind", "min_severity", "events", "config"})


class ChannelForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        strip=True,
        max_length=512,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Webhook signing secret (16+ characters) or Telegram bot token. Write-only: it is never "
        "shown again; leave empty to keep the stored one.",
    )
    remove_secret = forms.BooleanField(required=False, help_text="Remove the stored secret.")

    class Meta:
        model = NotificationChannel
        fields = FIELDS
        help_texts = {
            "events": 'A list of: "opened", "acknowledged", "resolved", "reminder".',
            "config": 'email: {"recipients": ["ops@example.com"]}; webhook: {"url": "https://…", "headers": '
            '{}}; telegram: {"chat_id": -100123, "api_base": "https://api.telegram.org"}; in-app: {}.',
        }

    def chosen_secret(self) -> str | None:
        """None keeps the stored secret, "" removes it, anything else replaces it."""
        if self.cleaned_data.get("remove_secret"):
            return ""
        return self.cleaned_data.get("secret") or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        values = {name: data[name] for name in FIELDS if name in data}
        channel = self.instance if self.instance.pk else None
        errors = flat_errors(channel_check(channel=channel, data=values, secret=self.chosen_secret()))
        for name, problems in errors.items():
            if name in _MODEL_CHECKED:
                continue  # NotificationChannel.clean() reports these itself, after this method
            for problem in problems:
                self.add_error(name if name in self.fields else None, problem)
        return data


@admin.register(NotificationChannel)
class NotificationChannelAdmin(AdminRoleOnly, admin.ModelAdmin):
    form = ChannelForm
    list_display = ("name", "kind", "enabled", "min_severity", "secret_hint", "updated_at")
    list_filter = ("kind", "enabled", "min_severity")
    search_fields = ("name",)
    readonly_fields = ("secret_hint", "master_key_id", "created_at", "updated_at")
    actions = ("send_test",)

    def save_model(self, request: HttpRequest, obj: NotificationChannel, form: Any, change: bool) -> None:  # noqa: FBT001 -- Django signature
        # Through the services, so the admin cannot bypass validation, encryption or the audit.
        data = {name: form.cleaned_data[name] for name in FIELDS if name in form.cleaned_data}
        if change:
            stored = NotificationChannel.objects.get(pk=obj.pk)
            saved = channel_update(actor=request.user, channel=stored, data=data, secret=form.chosen_secret())
        else:
            saved = channel_create(actor=request.user, data=data, secret=form.chosen_secret())
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: NotificationChannel) -> None:
        channel_delete(actor=request.user, channel=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[NotificationChannel]) -> None:
        for channel in queryset:
            channel_delete(actor=request.user, channel=channel)

    @admin.action(description="Send a test message")
    def send_test(self, request: HttpRequest, queryset: QuerySet[NotificationChannel]) -> None:
        for channel in queryset:
            delivery = channel_test(actor=request.user, channel=channel)
            if delivery.status == "sent":
                self.message_user(request, f"{channel}: test message sent.", messages.SUCCESS)
            else:
                self.message_user(
                    request, f"{channel}: {delivery.last_error or delivery.status}", messages.ERROR
                )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "alert",
        "event",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "event", "channel__kind", "channel", ("created_at", admin.DateFieldListFilter))
    search_fields = ("last_error", "alert__title", "channel__name")
    list_select_related = ("channel", "alert")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    list_per_page = 100
    readonly_fields = tuple(f.name for f in Delivery._meta.fields)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, "admin")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, "admin")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
