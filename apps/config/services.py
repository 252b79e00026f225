"""Writes of the config app: activating a new version of the risk limits or the trading config, and saving a
user's preferences.

An activation never edits a row: inside one transaction it validates the complete new version (domain
rules), deactivates the active row, inserts the new one active (the partial unique index admits one), adds
its overrides and records an audit event with the whole version before and after. After commit it bumps the
shared version key, and every process reloads (apps.config.reload).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.config.domain.limits import OVERRIDE_FIELDS, override_errors, risk_limit_errors
from apps.config.domain.settings_rules import preference_errors, trading_config_errors
from apps.config.domain.values import symbol_key
from apps.config.models import (
    RiskLimits,
    SymbolLimitOverride,
    TradingConfig,
    UserPreference,
    known_symbol_keys,
)
from apps.config.reload import config_version_bump, mark_committed, mark_uncommitted_activation
from apps.config.selectors import config_caches_clear
from apps.monitoring.services import audit_record
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Actor = AbstractBaseUser | AnonymousUser | None


class ConfigInvalid(Exception):
    """The proposed version breaks a rule; `errors` maps fields to messages (overrides: a list per item)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(str(errors))
        self.errors = errors


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _published(row: RiskLimits | TradingConfig) -> None:
    # This transaction sees the new row at once (what it loads is kept for this transaction only); every
    # process, this one included, reloads after commit.
    config_caches_clear()
    mark_uncommitted_activation()
    transaction.on_commit(mark_committed)
    transaction.on_commit(config_version_bump)
    transaction.on_commit(config_caches_clear)


# ---------------------------------------------------------------- risk limits


def risk_limits_snapshot(row: RiskLimits | None) -> dict[str, Any] | None:
    """A version as the audit trail and the API show it: limits, overrides, version."""
    if row is None:
        return None
    return {
        "version": row.version,
        **row.values(),
        "overrides": [o.values() for o in row.override_list()],
    }


def _resolve_overrides(
    overrides: Sequence[Mapping[str, Any]], values: Mapping[str, Any], kept: set[tuple[str, str]]
) -> tuple[list[tuple[Symbol, dict[str, Any]]], list[dict[str, list[str]]]]:
    """(symbol row, override fields) per item, and per item its errors ({} when fine). A new override
    needs a listed symbol; one the active version has (`kept`) stays valid after a delisting."""
    wanted = {(str(o.get("market", "")).upper(), str(o.get("symbol", "")).upper()) for o in overrides}
    rows = {
        (s.market, s.symbol): s
        for s in Symbol.objects.filter(symbol__in={name for _, name in wanted})
        if s.is_listed or (s.market, s.symbol) in kept
    }
    resolved: list[tuple[Symbol, dict[str, Any]]] = []
    errors: list[dict[str, list[str]]] = []
    seen: set[tuple[str, str]] = set()
    for item in overrides:
        key = (str(item.get("market", "")).upper(), str(item.get("symbol", "")).upper())
        fields = {name: item.get(name) for name in OVERRIDE_FIELDS}
        found = override_errors(fields, values)
        symbol = rows.get(key)
        if symbol is None:
            found.setdefault("symbol", []).append(f"Unknown symbol {symbol_key(*key)}.")
        elif key in seen:
            found.setdefault("symbol", []).append(f"{symbol_key(*key)} has two overrides; keep one.")
        seen.add(key)
        errors.append(found)
        if symbol is not None:
            resolved.append((symbol, fields))
    return resolved, errors


def _serialize(model: type[RiskLimits] | type[TradingConfig]) -> None:
    """Make concurrent activations queue. The newest version row is locked rather than the active one:
    PostgreSQL re-checks a locked row against the WHERE clause once the lock is granted, and the active
    row would by then be inactive, so the waiter would find no active version at all. (SQLite already
    admits one writer at a time.)"""
    list(model.objects.select_for_update().order_by("-version").values_list("pk", flat=True)[:1])


def _next_version(model: type[RiskLimits] | type[TradingConfig]) -> int:
    return (model.objects.aggregate(top=Max("version"))["top"] or 0) + 1


def risk_limits_activate(
    *,
    actor: Actor,
    changes: Mapping[str, Any],
    overrides: Sequence[Mapping[str, Any]] | None = None,
    comment: str = "",
) -> RiskLimits:
    """Activate a new version: the active limits with `changes` laid over them, and `overrides` (None: keep
    the active version's overrides; []: none). Raises ConfigInvalid and changes nothing when a rule fails."""
    with transaction.atomic():
        _serialize(RiskLimits)
        current = RiskLimits.objects.filter(is_active=True).first()
        base = current or RiskLimits()
        values = {**base.values(), **changes}
        kept = {(o.symbol.market, o.symbol.symbol) for o in base.override_list()}
        if overrides is None:
            overrides = [o.values() for o in base.override_list()]
        errors: dict[str, Any] = risk_limit_errors(values)
        resolved, override_problems = _resolve_overrides(overrides, values, kept)
        if any(override_problems):
            errors["overrides"] = override_problems
        if errors:
            raise ConfigInvalid(errors)
        if current is not None:
            RiskLimits.objects.filter(pk=current.pk).update(is_active=False)
        row = RiskLimits(
            **values,
            version=_next_version(RiskLimits),
            is_active=True,
            created_by=_user(actor),
            created_at=timezone.now(),
            comment=comment,
        )
        row.save()
        SymbolLimitOverride.objects.bulk_create(
            [SymbolLimitOverride(limits=row, symbol=symbol, **fields) for symbol, fields in resolved]
        )
        row = RiskLimits.objects.get(pk=row.pk)  # fresh: overrides index built from the saved rows
        audit_record(
            actor=actor,
            action="config.risk_limits.activate",
            target_type="risk_limits",
            target_id=str(row.version),
            before=risk_limits_snapshot(current),
            after=risk_limits_snapshot(row),
        )
        _published(row)
    return row


# ---------------------------------------------------------------- trading config


def trading_config_snapshot(row: TradingConfig | None) -> dict[str, Any] | None:
    return None if row is None else {"version": row.version, **row.values()}


def trading_config_activate(*, actor: Actor, changes: Mapping[str, Any], comment: str = "") -> TradingConfig:
    """Activate a new trading config: the active one with `changes` laid over it. Raises ConfigInvalid."""
    with transaction.atomic():
        _serialize(TradingConfig)
        current = TradingConfig.objects.filter(is_active=True).first()
        values = {**(current or TradingConfig()).values(), **changes}
        watch = values["watch_symbols"]
        keys = [k for k in watch if isinstance(k, str)] if isinstance(watch, list) else []
        # Symbols the active version already watches stay acceptable (a later delisting must not block
        # every other change); new ones must be listed.
        kept = set(current.watch_symbols) if current is not None else set()
        errors = trading_config_errors(values, known_symbol_keys(keys) | kept)
        if errors:
            raise ConfigInvalid(errors)
        if current is not None:
            TradingConfig.objects.filter(pk=current.pk).update(is_active=False)
        row = TradingConfig.objects.create(
            **values,
            version=_next_version(TradingConfig),
            is_active=True,
            created_by=_user(actor),
            created_at=timezone.now(),
            comment=comment,
        )
        audit_record(
            actor=actor,
            action="config.trading.activate",
            target_type="trading_config",
            target_id=str(row.version),
            before=trading_config_snapshot(current),
            after=trading_config_snapshot(row),
        )
        _published(row)
    return row


# ---------------------------------------------------------------- preferences


def preference_save(*, user: AbstractBaseUser, changes: Mapping[str, Any]) -> UserPreference:
    """Save the user's own preferences (`changes` over what they had). Raises ConfigInvalid."""
    watch = changes.get("watched_symbols")
    keys = [k for k in watch if isinstance(k, str)] if isinstance(watch, list) else []
    errors = preference_errors(changes, known_symbol_keys(keys))
    if errors:
        raise ConfigInvalid(errors)
    with transaction.atomic():
        row, _ = UserPreference.objects.select_for_update().get_or_create(user_id=user.pk)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.save()
    return row
