"""Back office: credentials (add, verify, activate, retire; secrets write-only), call log, limiter, breaker.

Credential changes go through services.py, so the admin cannot bypass validation, encryption or the audit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages

from apps.exchange import services
from apps.exchange.domain.errors import ExchangeError
from apps.exchange.domain.secrets import CredentialFormatError, validate_credential
from apps.exchange.models import ApiCallLog, ApiCredential
from apps.users.admin_access import AdminRoleOnly

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


class _WriteOnlyTextarea(forms.Textarea):
    """Never renders a value back into the page, not even after a validation error."""

    def format_value(self, value: Any) -> None:
        return None


class CredentialAddForm(forms.ModelForm):
    api_key = forms.CharField(widget=forms.PasswordInput(render_value=False), strip=True)
    secret = forms.CharField(
        widget=_WriteOnlyTextarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text="HMAC secret, or the Ed25519 private key in PEM. Write-only: it is never shown again.",
    )

    class Meta:
        model = ApiCredential
        fields = ("environment", "market", "key_type", "label")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            validate_credential(
                api_key=data.get("api_key", ""),
                key_type=data.get("key_type", ""),
                secret=data.get("secret", ""),
            )
        except CredentialFormatError as exc:
            raise forms.ValidationError(f"Credential refused: {exc}.") from None
        return data


@admin.register(ApiCredential)
class ApiCredentialAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = (
        "environment",
        "market",
        "version",
        "key_type",
        "api_key_hint",
        "status",
        "verified_at",
        "activated_at",
        "retired_at",
    )
    list_filter = ("environment", "market", "status")
    ordering = ("environment", "market", "-version")
    actions = ("verify", "activate", "retire")
    readonly_fields = (
        "environment",
        "market",
        "version",
        "key_type",
        "label",
        "status",
        "api_key_hint",
        "master_key_id",
        "permissions",
        "warnings",
        "created_at",
        "created_by",
        "verified_at",
        "activated_at",
        "retired_at",
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # versions are retired, never deleted: the audit trail refers to them

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:  # noqa: FBT001, FBT002 -- Django signature
        if obj is None:
            kwargs["form"] = CredentialAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("environment", "market", "key_type", "label", "api_key", "secret")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiCredential, form: Any, change: bool) -> None:  # noqa: FBT001
        if change:
            return  # nothing is editable after creation; add a new version instead
        created = services.credential_add(
            actor=request.user,
            environment=obj.environment,
            market=obj.market,  # type: ignore[arg-type]
            key_type=obj.key_type,
            api_key=form.cleaned_data["api_key"],
            secret=form.cleaned_data["secret"],
            label=obj.label,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.action(description="Verify against the exchange")
    def verify(self, request: HttpRequest, queryset: QuerySet[ApiCredential]) -> None:
        for credential in queryset:
            try:
                result = services.credential_verify(actor=request.user, credential=credential)
            except (services.CredentialError, ExchangeError) as exc:
                self.message_user(request, f"{credential}: {exc}", messages.ERROR)
                continue
            if result.ok:
                extra = f" Warnings: {' '.join(result.warnings)}" if result.warnings else ""
                self.message_user(request, f"{credential}: verified.{extra}", messages.SUCCESS)
            else:
                self.message_user(request, f"{credential}: refused. {result.problem}", messages.ERROR)

    @admin.action(description="Activate (retires the current version)")
    def activate(self, request: HttpRequest, queryset: QuerySet[ApiCredential]) -> None:
        for credential in queryset:
            try:
                services.credential_activate(actor=request.user, credential=credential)
                self.message_user(request, f"{credential}: active.", messages.SUCCESS)
            except services.CredentialError as exc:
                self.message_user(request, f"{credential}: {exc}", messages.ERROR)

    @admin.action(description="Retire")
    def retire(self, request: HttpRequest, queryset: QuerySet[ApiCredential]) -> None:
        for credential in queryset:
            services.credential_retire(actor=request.user, credential=credential)
            self.message_user(request, f"{credential}: retired.", messages.SUCCESS)


@admin.register(ApiCallLog)
class ApiCallLogAdmin(admin.ModelAdmin):
    """Sampled exchange calls; the page also shows the shared limiter pools and breaker states."""

    list_display = (
        "created_at",
        "endpoint",
        "market",
        "method",
        "weight",
        "latency_ms",
        "http_status",
        "binance_code",
        "outcome",
        "attempts",
        "message",
    )
    list_filter = ("outcome", "market", "endpoint", ("created_at", admin.DateFieldListFilter))
    search_fields = ("endpoint", "message")
    ordering = ("-id",)
    list_per_page = 100
    readonly_fields = tuple(f.name for f in ApiCallLog._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        from apps.exchange.selectors import exchange_status

        context = dict(extra_context or {})
        try:
            context["exchange_status"] = exchange_status()
        except Exception as exc:  # Redis down must not hide the call log itself
            context["exchange_status_error"] = f"{type(exc).__name__}: {exc}"
        return super().changelist_view(request, extra_context=context)
