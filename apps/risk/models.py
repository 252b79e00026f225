"""Trading state (with history), kill switch runs and their steps, risk alerts, the dead-man heartbeat."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.risk.domain.state import Scope, TradingStateValue

_MARKETS = [("", "All markets"), ("SPOT", "Spot"), ("USDM", "USD-M futures")]


class StateSource(models.TextChoices):
    MANUAL = "manual", "Set by a user"
    KILL_SWITCH = "kill_switch", "Kill switch"
    TRIGGER = "trigger", "Automatic trigger"


class TradingState(models.Model):
    """One setting of the trading state of one scope. Rows are never changed: the newest row of a scope
    is its current state, the older ones its history."""

    market = models.CharField(max_length=8, choices=_MARKETS, blank=True, help_text="Empty: every market")
    symbol = models.CharField(max_length=32, blank=True, help_text="Empty: the whole market")
    state = models.CharField(max_length=12, choices=[(s.value, s.value) for s in TradingStateValue])
    reason = models.CharField(max_length=500)
    source = models.CharField(max_length=12, choices=StateSource.choices, default=StateSource.MANUAL)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in TradingStateValue]), name="tradingstate_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(market__in=["", "SPOT", "USDM"]), name="tradingstate_market_valid"
            ),
            models.CheckConstraint(
                condition=Q(symbol="") | ~Q(market=""), name="tradingstate_symbol_has_market"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["market", "symbol", "-id"], name="tradingstate_scope_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.scope.label}: {self.state}"

    @property
    def scope(self) -> Scope:
        return Scope(self.market, self.symbol)


class RunStatus(models.TextChoices):
    RUNNING = "RUNNING", "Running"
    COMPLETED = "COMPLETED", "Completed"


class KillSwitchRun(models.Model):
    """One engagement of the kill switch: cancel everything in scope at the exchange, optionally flatten.

    The run is worked off step by step (KillSwitchStep); a worker holds it through a lease it renews, so a
    crashed worker's run is picked up again (beat watchdog) once the lease has expired.
    """

    scope = models.CharField(max_length=48, help_text='"all", "spot", "usdm" or "<MARKET>:<SYMBOL>"')
    close_positions = models.BooleanField(default=False)
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    engaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker took the run up")
    report = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Engaging again while a run of the same scope is running returns that run.
            models.UniqueConstraint(
                fields=["scope"], condition=Q(status="RUNNING"), name="killswitchrun_one_running_per_scope"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="killswitchrun_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"kill switch #{self.pk} {self.scope} ({self.status})"


class StepStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    STARTED = "STARTED", "Started (exchange call sent or about to be)"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"
    SKIPPED = "SKIPPED", "Skipped"


class KillSwitchStep(models.Model):
    """One unit of a run's work, recorded before its exchange call (STARTED) and after it (DONE/FAILED)."""

    run = models.ForeignKey(KillSwitchRun, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=96, help_text="Unique within the run, e.g. cancel:spot:BTCUSDT")
    kind = models.CharField(max_length=24)
    market = models.CharField(max_length=8, blank=True)
    symbol = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=8, choices=StepStatus.choices, default=StepStatus.PENDING)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.CharField(max_length=500, blank=True)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("run_id", "id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["run", "key"], name="killswitchstep_key_unique_per_run"),
            models.CheckConstraint(
                condition=Q(status__in=StepStatus.values), name="killswitchstep_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class RiskAlert(models.Model):
    """A risk trigger's condition: opened when it starts holding, resolved when it stops."""

    trigger = models.CharField(max_length=32)
    scope = models.CharField(max_length=48)
    severity = models.CharField(max_length=10, help_text="info, warning or critical")
    action = models.CharField(max_length=12, help_text="NONE, REDUCE_ONLY or HALTED, from the config")
    message = models.CharField(max_length=500)
    values = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    fire_count = models.PositiveIntegerField(default=0, help_text="Times it tightened the trading state")
    opened_at = models.DateTimeField(default=timezone.now)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["trigger", "scope"], condition=Q(resolved_at__isnull=True), name="riskalert_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} {self.scope} ({'resolved' if self.resolved_at else 'open'})"


class DeadmanHeartbeat(models.Model):
    """The futures dead-man heartbeat's health: one row (pk 1), written by every heartbeat."""

    enabled = models.BooleanField(default=False)
    countdown_ms = models.PositiveIntegerField(default=0)
    symbols = models.JSONField(default=list, blank=True, help_text="Symbols whose countdown runs")
    exchange_symbols = models.JSONField(
        default=list, blank=True, help_text="Symbols with open orders at the exchange, last read"
    )
    exchange_checked_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "dead-man heartbeat"

    def __str__(self) -> str:
        return f"dead-man heartbeat ({len(self.symbols)} symbols)"
