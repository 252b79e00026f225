"""Reads of the config app. The active versions are cached per process and hot-reloaded (apps.config.reload).

Other apps read the config only through these functions:

- `active_risk_limits()` → the active `RiskLimits` (overrides loaded; `override_for(market, symbol)`);
- `active_trading_config()` → the active `TradingConfig`;
- `limits_for(market, symbol)` → the `EffectiveLimits` the pre-trade checks apply to that symbol.

With no active row (a database flushed by a test), they answer the built-in defaults (version 0), which are
the same values the data migration activates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.config.domain.limits import effective_limits
from apps.config.models import RiskLimits, TradingConfig, UserPreference
from apps.config.reload import ReloadingCache

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

    from apps.config.domain.limits import EffectiveLimits


def _load_risk_limits() -> RiskLimits:
    row = RiskLimits.objects.filter(is_active=True).first()
    if row is None:
        row = RiskLimits(version=0, is_active=True)
    row.override_list()  # load the overrides now, once per version
    return row


def _load_trading_config() -> TradingConfig:
    return TradingConfig.objects.filter(is_active=True).first() or TradingConfig(version=0, is_active=True)


def _active_id(model: type[RiskLimits] | type[TradingConfig]) -> int | None:
    return model.objects.filter(is_active=True).values_list("pk", flat=True).first()


_risk_cache: ReloadingCache[RiskLimits] = ReloadingCache(
    _load_risk_limits, lambda: _active_id(RiskLimits), lambda row: row.pk
)
_trading_cache: ReloadingCache[TradingConfig] = ReloadingCache(
    _load_trading_config, lambda: _active_id(TradingConfig), lambda row: row.pk
)
# The loaded RiskLimits object and its (market, symbol) → effective limits; replaced whole (never emptied
# in place) when another version is loaded, so a thread still on the old one cannot pollute the new table.
_effective: list[tuple[RiskLimits | None, dict[tuple[str, str], EffectiveLimits]]] = [(None, {})]


def active_risk_limits() -> RiskLimits:
    """The active risk limits; a change anywhere shows here within about a second."""
    return _risk_cache.get()


def active_trading_config() -> TradingConfig:
    """The active trading config; a change anywhere shows here within about a second."""
    return _trading_cache.get()


def limits_for(market: str, symbol: str) -> EffectiveLimits:
    """The active global limits with the symbol's override laid over them."""
    limits = active_risk_limits()
    owner, table = _effective[0]
    if owner is not limits:
        table = {}
        _effective[0] = (limits, table)
    found = table.get((market, symbol))
    if found is None:
        override = limits.override_for(market, symbol)
        found = effective_limits(limits.values(), override.values() if override else None)
        table[(market, symbol)] = found
    return found


def config_caches_clear() -> None:
    """Forget this process's cached versions (after an activation here; between tests)."""
    _risk_cache.clear()
    _trading_cache.clear()
    _effective[0] = (None, {})


def risk_limits_versions() -> QuerySet[RiskLimits]:
    return RiskLimits.objects.select_related("created_by").prefetch_related("overrides__symbol")


def trading_config_versions() -> QuerySet[TradingConfig]:
    return TradingConfig.objects.select_related("created_by")


def preference_get(*, user: AbstractBaseUser) -> UserPreference:
    """The user's preferences; the defaults (unsaved) before their first PUT."""
    found = UserPreference.objects.filter(user_id=user.pk).first()
    return found or UserPreference(user_id=user.pk)
