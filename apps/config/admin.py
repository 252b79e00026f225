"""Risk limits and trading config in the back office: versions are read-only; "Add" creates a new version,
prefilled from the active one, and activates it through the same service as the API (validation, audit,
hot reload). Preferences, the kline cache and the correlation matrices are listed too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from apps.config.domain.limits import OVERRIDE_FIELDS, override_errors
from apps.config.models import (
    CorrelationMatrix,
    KlineCache,
    RiskLimits,
    SymbolLimitOverride,
    TradingConfig,
    UserPreference,
)
from apps.config.selectors import active_risk_limits, active_trading_config
from apps.config.services import risk_limits_activate, trading_config_activate

if TYPE_CHECKING:
    from django.forms import ModelForm
    from django.http import HttpRequest


class _OverrideFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Each override judged with the limits of the version being created (the parent form's values)."""

    def clean(self) -> None:
        super().clean()
        parent = self.instance.values()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("symbol"):
                continue
            errors = override_errors({name: data.get(name) for name in OVERRIDE_FIELDS}, parent)
            for field, messages in errors.items():
                form.add_error(None if field == "non_field_errors" else field, messages)
        if any(form.errors for form in self.forms):
            raise ValidationError("Fix the overrides marked below.")


class SymbolLimitOverrideInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SymbolLimitOverride
    formset = _OverrideFormSet
    autocomplete_fields = ("symbol",)
    fields = ("symbol", *OVERRIDE_FIELDS)

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return len(active_risk_limits().override_list()) + 1 if obj is None else 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is None:
            initial = [
                {"symbol": o.symbol_id, **{name: getattr(o, name) for name in OVERRIDE_FIELDS}}
                for o in active_risk_limits().override_list()
            ]

            class Prefilled(formset):  # type: ignore[misc, valid-type]
                def __init__(self, *args: Any, **kw: Any) -> None:
                    kw.setdefault("initial", initial)
                    super().__init__(*args, **kw)

            return Prefilled
        return formset

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None


class _VersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A version is never edited nor deleted; saving the add form activates a new version."""

    list_display: tuple[str, ...] = ("version", "is_active", "created_by", "created_at", "comment")
    list_filter = ("is_active",)
    readonly_fields = ("version", "is_active", "created_by", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        active = self._active()
        return {**active.values(), "comment": ""}

    def save_model(
        self,
        request: HttpRequest,
        obj: Any,
        form: ModelForm,  # type: ignore[type-arg]
        change: bool,  # noqa: FBT001 -- Django's signature
    ) -> None:
        # Nothing yet: the service saves the version with its overrides (save_related) in one go.
        pass

    def construct_change_message(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formsets: Any,
        add: bool = False,  # noqa: FBT001, FBT002 -- Django's signature
    ) -> list[dict[str, Any]]:
        # The inline formsets are never saved (the service stores the overrides), so Django's message,
        # which lists what each formset saved, has nothing to read: the version was added, that is all.
        return [{"added": {}}]

    def _active(self) -> Any:
        raise NotImplementedError

    def _adopt(self, obj: Any, row: Any) -> None:
        # The admin logs the addition and redirects with the object it built: give it the saved row's id.
        obj.pk, obj.version, obj.is_active, obj.created_at = row.pk, row.version, True, row.created_at


@admin.register(RiskLimits)
class RiskLimitsAdmin(_VersionAdmin):
    list_display = (
        *_VersionAdmin.list_display,
        "max_order_notional",
        "max_position_notional",
        "max_gross_exposure",
        "price_band_pct",
        "daily_loss_limit",
        "max_drawdown_pct",
    )
    inlines = (SymbolLimitOverrideInline,)

    def _active(self) -> RiskLimits:
        return active_risk_limits()

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formsets: Any,
        change: bool,  # noqa: FBT001 -- Django's signature
    ) -> None:
        obj = form.instance
        overrides: list[dict[str, Any]] = []
        for formset in formsets:
            for data in getattr(formset, "cleaned_data", []):
                if data and not data.get("DELETE") and data.get("symbol"):
                    symbol = data["symbol"]
                    fields = {name: data.get(name) for name in OVERRIDE_FIELDS}
                    overrides.append({"market": symbol.market, "symbol": symbol.symbol, **fields})
        row = risk_limits_activate(
            actor=request.user, changes=obj.values(), overrides=overrides, comment=obj.comment
        )
        self._adopt(obj, row)


@admin.register(TradingConfig)
class TradingConfigAdmin(_VersionAdmin):
    list_display = (
        *_VersionAdmin.list_display,
        "daily_loss_action",
        "drawdown_action",
        "deadman_enabled",
    )

    def _active(self) -> TradingConfig:
        return active_trading_config()

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formsets: Any,
        change: bool,  # noqa: FBT001 -- Django's signature
    ) -> None:
        obj = form.instance
        row = trading_config_activate(actor=request.user, changes=obj.values(), comment=obj.comment)
        self._adopt(obj, row)


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "default_market", "chart_interval", "theme", "updated_at")
    list_filter = ("theme", "default_market")
    search_fields = ("user__username",)
    readonly_fields = ("updated_at",)


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KlineCache)
class KlineCacheAdmin(_ReadOnly):
    list_display = ("market", "symbol", "interval", "last_close", "last_close_at", "fetched_at")
    list_filter = ("market", "interval")
    search_fields = ("symbol",)
    exclude = ("closes",)


@admin.register(CorrelationMatrix)
class CorrelationMatrixAdmin(_ReadOnly):
    list_display = ("id", "computed_at", "interval", "window")
    exclude = ("matrix",)
