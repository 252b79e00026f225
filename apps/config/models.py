"""Versioned risk limits and trading config (one active row each), per-symbol overrides, user preferences,
and the kline / correlation cache the correlation check reads.

A version is never edited: a change is a new row, activated in one transaction that deactivates the old one
(apps.config.services). A partial unique index lets at most one row per model be active, on SQLite and
PostgreSQL alike; check constraints keep any row from holding limits the checks could not use.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from apps.config.domain.limits import LIMIT_NAMES, override_errors, risk_limit_errors
from apps.config.domain.settings_rules import preference_errors, trading_config_errors
from apps.config.domain.values import ACTIONS, INTERVALS, LEVERAGE_CEILING, MARKETS, THEMES, symbol_key
from apps.symbols.models import Symbol

_DIGITS = {"max_digits": 36, "decimal_places": 18}
_PCT = {"max_digits": 9, "decimal_places": 4}
ACTION_CHOICES = [(a, a.replace("_", " ").title()) for a in ACTIONS]
INTERVAL_CHOICES = [(i, i) for i in INTERVALS]
MARKET_CHOICES = [(m, m) for m in MARKETS]


def _amount(default: int | str, help_text: str) -> models.DecimalField:
    return models.DecimalField(**_DIGITS, default=Decimal(default), help_text=help_text)


def _pct(default: int | str, help_text: str) -> models.DecimalField:
    return models.DecimalField(**_PCT, default=Decimal(default), help_text=help_text)


def known_symbol_keys(keys: list[str]) -> set[str]:
    """The "MARKET:SYMBOL" keys among `keys` that name a listed symbol."""
    symbols = {key.partition(":")[2] for key in keys}
    rows = Symbol.objects.filter(symbol__in=symbols, is_listed=True).values_list("market", "symbol")
    return {symbol_key(m, s) for m, s in rows}


class VersionedConfig(models.Model):
    version = models.PositiveIntegerField(unique=True, editable=False)
    is_active = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    comment = models.CharField(max_length=500, blank=True, help_text="Why this version")

    class Meta:
        abstract = True
        ordering = ("-version",)

    def __str__(self) -> str:
        return f"v{self.version}{' (active)' if self.is_active else ''}"


class RiskLimits(VersionedConfig):
    """Global pre-trade limits. Amounts are in USDT."""

    max_order_notional = _amount(10_000_000, "Largest value of one order")
    max_position_notional = _amount(50_000_000, "Largest position per symbol (|notional|)")
    max_gross_exposure = _amount(200_000_000, "Sum of |notional| over every symbol")
    max_leverage = models.PositiveSmallIntegerField(default=20, help_text="USD-M leverage setting, at most")
    max_open_orders_per_symbol = models.PositiveIntegerField(default=200)
    max_open_orders_total = models.PositiveIntegerField(default=1000)
    price_band_pct = _pct(25, "Fat-finger band: a limit price at most this % from the mark/last price")
    max_orders_per_minute = models.PositiveIntegerField(default=600)
    daily_loss_limit = _amount(1_000_000, "Realized + unrealized loss since 00:00 UTC, at most")
    max_drawdown_pct = _pct(50, "Equity below its peak, at most this %")
    correlation_interval = models.CharField(max_length=3, choices=INTERVAL_CHOICES, default="1h")
    correlation_window = models.PositiveIntegerField(
        default=168, help_text="Returns (candles) per correlation"
    )
    correlation_threshold = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal("0.8"), help_text="Symbols with r >= this are grouped"
    )
    max_correlated_exposure = _amount(100_000_000, "Sum of |notional| over a group of correlated symbols")

    class Meta(VersionedConfig.Meta):
        verbose_name = "risk limits version"
        verbose_name_plural = "risk limits"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="risklimits_one_active"
            ),
            models.CheckConstraint(
                condition=Q(max_order_notional__gt=0)
                & Q(max_position_notional__gt=0)
                & Q(max_gross_exposure__gt=0)
                & Q(daily_loss_limit__gt=0)
                & Q(max_correlated_exposure__gt=0),
                name="risklimits_amounts_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_open_orders_per_symbol__gte=1)
                & Q(max_open_orders_total__gte=1)
                & Q(max_orders_per_minute__gte=1)
                & Q(max_leverage__gte=1)
                & Q(max_leverage__lte=LEVERAGE_CEILING),
                name="risklimits_counts_valid",
            ),
            models.CheckConstraint(
                condition=Q(price_band_pct__gt=0)
                & Q(price_band_pct__lte=100)
                & Q(max_drawdown_pct__gt=0)
                & Q(max_drawdown_pct__lte=100)
                & Q(correlation_threshold__gt=0)
                & Q(correlation_threshold__lte=1),
                name="risklimits_percentages_valid",
            ),
            models.CheckConstraint(
                condition=Q(max_order_notional__lte=F("max_position_notional"))
                & Q(max_position_notional__lte=F("max_gross_exposure"))
                & Q(max_open_orders_per_symbol__lte=F("max_open_orders_total")),
                name="risklimits_consistent",
            ),
        ]

    def clean(self) -> None:
        errors = risk_limit_errors(self.values())
        if errors:
            raise ValidationError(errors)

    def values(self) -> dict[str, Any]:
        """The limit fields (no version bookkeeping), as typed values."""
        return {
            name: getattr(self, name) for name in (*LIMIT_NAMES, "correlation_interval", "correlation_window")
        }

    @cached_property
    def _override_index(self) -> dict[tuple[str, str], SymbolLimitOverride]:
        if self.pk is None:
            return {}
        return {(o.symbol.market, o.symbol.symbol): o for o in self.overrides.select_related("symbol")}

    def override_for(self, market: str, symbol: str) -> SymbolLimitOverride | None:
        return self._override_index.get((market, symbol))

    def override_list(self) -> list[SymbolLimitOverride]:
        return sorted(self._override_index.values(), key=lambda o: (o.symbol.market, o.symbol.symbol))


class SymbolLimitOverride(models.Model):
    """Limits for one symbol within one risk-limits version; empty fields keep the global limit."""

    limits = models.ForeignKey(RiskLimits, on_delete=models.CASCADE, related_name="overrides")
    symbol = models.ForeignKey(Symbol, on_delete=models.PROTECT, related_name="+")
    max_order_notional = models.DecimalField(**_DIGITS, null=True, blank=True)
    max_position_notional = models.DecimalField(**_DIGITS, null=True, blank=True)
    max_leverage = models.PositiveSmallIntegerField(null=True, blank=True)
    max_open_orders = models.PositiveIntegerField(
        null=True, blank=True, help_text="Open orders on this symbol"
    )
    price_band_pct = models.DecimalField(**_PCT, null=True, blank=True)

    class Meta:
        ordering = ("symbol__market", "symbol__symbol")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["limits", "symbol"], name="override_unique_per_version_symbol"),
            models.CheckConstraint(
                condition=Q(max_order_notional__isnull=False)
                | Q(max_position_notional__isnull=False)
                | Q(max_leverage__isnull=False)
                | Q(max_open_orders__isnull=False)
                | Q(price_band_pct__isnull=False),
                name="override_sets_something",
            ),
            models.CheckConstraint(
                condition=(Q(max_order_notional__isnull=True) | Q(max_order_notional__gt=0))
                & (Q(max_position_notional__isnull=True) | Q(max_position_notional__gt=0))
                & (Q(max_leverage__isnull=True) | Q(max_leverage__gte=1, max_leverage__lte=LEVERAGE_CEILING))
                & (Q(max_open_orders__isnull=True) | Q(max_open_orders__gte=1))
                & (Q(price_band_pct__isnull=True) | Q(price_band_pct__gt=0, price_band_pct__lte=100)),
                name="override_values_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol.market}:{self.symbol.symbol} (v{self.limits.version})"

    def values(self) -> dict[str, Any]:
        return {
            "market": self.symbol.market,
            "symbol": self.symbol.symbol,
            "max_order_notional": self.max_order_notional,
            "max_position_notional": self.max_position_notional,
            "max_leverage": self.max_leverage,
            "max_open_orders": self.max_open_orders,
            "price_band_pct": self.price_band_pct,
        }

    def clean(self) -> None:
        errors = override_errors(self.values(), self.limits.values()) if self.limits_id else {}
        if errors:
            raise ValidationError(errors)


def _default_watch() -> list[str]:
    return ["SPOT:BTCUSDT", "SPOT:ETHUSDT", "USDM:BTCUSDT", "USDM:ETHUSDT"]


def _action(default: str, help_text: str) -> models.CharField:
    return models.CharField(max_length=12, choices=ACTION_CHOICES, default=default, help_text=help_text)


class TradingConfig(VersionedConfig):
    """What the risk monitor does when a trigger fires, the dead-man switch, closing, the watch list."""

    daily_loss_action = _action("REDUCE_ONLY", "When today's loss passes the daily loss limit")
    drawdown_action = _action("HALTED", "When equity falls below its peak by more than the drawdown limit")
    user_stream_down_action = _action("REDUCE_ONLY", "When a user data stream is down too long")
    market_data_stale_action = _action("NONE", "When market data is stale too long")
    reconcile_drift_action = _action("REDUCE_ONLY", "When reconciliation finds too many differences")
    user_stream_down_seconds = models.PositiveIntegerField(default=60)
    market_data_stale_seconds = models.PositiveIntegerField(default=60)
    reconcile_drift_tolerance = models.PositiveIntegerField(
        default=3, help_text="Differences one reconciliation may fix before the drift action"
    )
    risk_monitor_interval_seconds = models.PositiveIntegerField(default=5)
    deadman_enabled = models.BooleanField(default=True)
    deadman_countdown_ms = models.PositiveIntegerField(default=120_000)
    deadman_heartbeat_seconds = models.PositiveIntegerField(default=30)
    spot_close_keep = models.JSONField(
        default=dict,
        blank=True,
        help_text='Asset → amount left when closing spot holdings, e.g. {"BNB": "0.5"}',
    )
    spot_close_quote_asset = models.CharField(max_length=24, default="USDT")
    watch_symbols = models.JSONField(default=_default_watch, blank=True, help_text='["SPOT:BTCUSDT", ...]')

    FIELDS: ClassVar[tuple[str, ...]] = (
        "daily_loss_action",
        "drawdown_action",
        "user_stream_down_action",
        "market_data_stale_action",
        "reconcile_drift_action",
        "user_stream_down_seconds",
        "market_data_stale_seconds",
        "reconcile_drift_tolerance",
        "risk_monitor_interval_seconds",
        "deadman_enabled",
        "deadman_countdown_ms",
        "deadman_heartbeat_seconds",
        "spot_close_keep",
        "spot_close_quote_asset",
        "watch_symbols",
    )

    class Meta(VersionedConfig.Meta):
        verbose_name = "trading config version"
        verbose_name_plural = "trading config"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="tradingconfig_one_active"
            ),
            models.CheckConstraint(
                condition=Q(daily_loss_action__in=ACTIONS)
                & Q(drawdown_action__in=ACTIONS)
                & Q(user_stream_down_action__in=ACTIONS)
                & Q(market_data_stale_action__in=ACTIONS)
                & Q(reconcile_drift_action__in=ACTIONS),
                name="tradingconfig_actions_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk_monitor_interval_seconds__gte=1)
                & Q(deadman_countdown_ms__gte=1000)
                & Q(deadman_heartbeat_seconds__gte=1),
                name="tradingconfig_timers_valid",
            ),
        ]

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def clean(self) -> None:
        watch = self.watch_symbols if isinstance(self.watch_symbols, list) else []
        keys = [k for k in watch if isinstance(k, str)]
        # The active version's symbols stay acceptable (as in the service): new ones must be listed.
        active = TradingConfig.objects.filter(is_active=True).values_list("watch_symbols", flat=True).first()
        errors = trading_config_errors(self.values(), known_symbol_keys(keys) | set(active or []))
        if errors:
            raise ValidationError(errors)


class UserPreference(models.Model):
    """One user's dashboard settings; each user reads and writes only their own."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    watched_symbols = models.JSONField(default=list, blank=True)
    default_market = models.CharField(max_length=8, choices=MARKET_CHOICES, default="SPOT")
    chart_interval = models.CharField(max_length=3, choices=INTERVAL_CHOICES, default="1h")
    layout = models.JSONField(default=dict, blank=True)
    theme = models.CharField(max_length=8, choices=[(t, t.title()) for t in THEMES], default="dark")
    order_ticket_defaults = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    FIELDS: ClassVar[tuple[str, ...]] = (
        "watched_symbols",
        "default_market",
        "chart_interval",
        "layout",
        "theme",
        "order_ticket_defaults",
    )

    class Meta:
        ordering = ("user_id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(theme__in=THEMES), name="preference_theme_valid"),
            models.CheckConstraint(condition=Q(default_market__in=MARKETS), name="preference_market_valid"),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.user}"

    def clean(self) -> None:
        values = {name: getattr(self, name) for name in self.FIELDS}
        watch = (
            [k for k in self.watched_symbols if isinstance(k, str)]
            if isinstance(self.watched_symbols, list)
            else []
        )
        errors = preference_errors(values, known_symbol_keys(watch))
        if errors:
            raise ValidationError(errors)


class KlineCache(models.Model):
    """The latest closes of one symbol's klines, fetched by the correlation job (never in a request)."""

    market = models.CharField(max_length=8, choices=MARKET_CHOICES)
    symbol = models.CharField(max_length=32)
    interval = models.CharField(max_length=3, choices=INTERVAL_CHOICES)
    closes = models.JSONField(default=list, help_text="[[open time ms, close as a decimal string], ...]")
    last_close = models.DecimalField(**_DIGITS, null=True, blank=True)
    last_close_at = models.DateTimeField(null=True, blank=True, help_text="Close time of the newest candle")
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("market", "symbol", "interval")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["market", "symbol", "interval"], name="klinecache_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.market}:{self.symbol} {self.interval} ({len(self.closes)} closes)"


class CorrelationMatrix(models.Model):
    """Pearson's r of the cached symbols' returns (float32, row-major), as of one run of the job."""

    computed_at = models.DateTimeField(default=timezone.now)
    interval = models.CharField(max_length=3, choices=INTERVAL_CHOICES)
    window = models.PositiveIntegerField()
    keys = models.JSONField(default=list, help_text='["USDM:BTCUSDT", ...], the rows and columns in order')
    matrix = models.BinaryField()

    class Meta:
        ordering = ("-id",)
        verbose_name_plural = "correlation matrices"

    def __str__(self) -> str:
        return f"{len(self.keys)} symbols, {self.window} x {self.interval}, {self.computed_at:%Y-%m-%d %H:%M}"
