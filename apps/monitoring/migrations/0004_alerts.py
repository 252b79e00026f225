"""Alert rules, alerts and their history; the default rules (one per type) and the 15 s beat job that
evaluates them.

The data steps are idempotent (get_or_create keeps an admin's later edits) and reversible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SCHEDULE_NAME = "monitoring: evaluate alert rules"
TASK = "monitoring.evaluate_alert_rules"

SEVERITIES = [("info", "Info"), ("warning", "Warning"), ("critical", "Critical")]
RULE_TYPES = [
    ("error_rate", "Exchange error rate over N %"),
    ("p95_latency", "p95 latency over X ms"),
    ("stream_stale", "Market data stream stale"),
    ("user_stream_down", "User data stream down"),
    ("rate_budget", "Rate budget over N %"),
    ("breaker_open", "Circuit breaker open"),
    ("symbol_halted", "Symbol halted"),
    ("kill_switch_engaged", "Kill switch engaged / trading halted"),
    ("reconciliation_drift", "Reconciliation drift"),
    ("worker_missing", "Worker missing"),
    ("beat_missing", "Beat missing"),
    ("streams_missing", "Streams process missing"),
    ("disk_space", "Disk space low"),
    ("database_errors", "Database errors"),
    ("audit_chain_broken", "Audit chain broken"),
]

# name, rule_type, params, severity, for_duration_s, cooldown_s
DEFAULT_RULES: list[tuple[str, str, dict[str, Any], str, int, int]] = [
    (
        "Exchange error rate",
        "error_rate",
        {"market": "", "threshold_pct": "5", "window_s": 300, "min_count": 20},
        "warning",
        60,
        300,
    ),
    (
        "Exchange p95 latency",
        "p95_latency",
        {"series": "exchange", "threshold_ms": "2000", "window_s": 300, "min_count": 10},
        "warning",
        120,
        300,
    ),
    ("Market data stream stale", "stream_stale", {"market": ""}, "warning", 60, 300),
    ("User data stream down", "user_stream_down", {"market": ""}, "critical", 60, 300),
    ("Rate budget over 80 %", "rate_budget", {"threshold_pct": "80"}, "warning", 0, 300),
    ("Circuit breaker open", "breaker_open", {"market": ""}, "critical", 0, 300),
    ("Symbol halted", "symbol_halted", {"window_s": 3600}, "warning", 0, 300),
    ("Kill switch engaged", "kill_switch_engaged", {}, "critical", 0, 60),
    ("Reconciliation drift", "reconciliation_drift", {"window_s": 900, "min_fixes": 1}, "warning", 0, 900),
    ("Worker missing", "worker_missing", {}, "critical", 60, 300),
    ("Beat missing", "beat_missing", {}, "critical", 60, 300),
    ("Streams process missing", "streams_missing", {}, "critical", 60, 300),
    ("Disk space low", "disk_space", {"path": "", "threshold_pct": "10"}, "warning", 300, 3600),
    ("Database errors", "database_errors", {}, "critical", 30, 300),
    ("Audit chain broken", "audit_chain_broken", {}, "critical", 0, 3600),
]


def seed_rules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule_model = apps.get_model("monitoring", "AlertRule")
    for name, rule_type, params, severity, for_duration_s, cooldown_s in DEFAULT_RULES:
        rule_model.objects.get_or_create(
            name=name,
            defaults={
                "rule_type": rule_type,
                "params": params,
                "severity": severity,
                "for_duration_s": for_duration_s,
                "cooldown_s": cooldown_s,
                "enabled": True,
            },
        )


def unseed_rules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule_model = apps.get_model("monitoring", "AlertRule")
    rule_model.objects.filter(name__in=[r[0] for r in DEFAULT_RULES]).delete()


def create_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_15s, _ = interval_model.objects.get_or_create(every=15, period="seconds")
    _, created = task_model.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "task": TASK,
            "interval": every_15s,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            # A run still queued when the next one is due is stale: drop it rather than pile up.
            "expire_seconds": 15,
            "description": (
                "Evaluates every enabled alert rule: opens an alert once its condition held for the "
                "rule's for-duration, resolves it when the condition clears, honours the cooldown."
            ),
        },
    )
    if created:
        # Beat's DatabaseScheduler reloads when this marker moves; bulk migrations bypass the model's save.
        change_model = apps.get_model("django_celery_beat", "PeriodicTasks")
        change_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_taskrun"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="AlertRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, unique=True)),
                ("rule_type", models.CharField(choices=RULE_TYPES, max_length=32)),
                (
                    "params",
                    models.JSONField(blank=True, default=dict, help_text="Per rule type; validated on save"),
                ),
                ("severity", models.CharField(choices=SEVERITIES, default="warning", max_length=10)),
                (
                    "for_duration_s",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="The condition must hold continuously this long before the alert opens",
                    ),
                ),
                (
                    "cooldown_s",
                    models.PositiveIntegerField(
                        default=300,
                        help_text="After a resolve, the same alert does not reopen within this time",
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("pending_since", models.DateTimeField(blank=True, null=True)),
                ("last_evaluated_at", models.DateTimeField(blank=True, null=True)),
                ("last_value", models.JSONField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
            ],
            options={
                "ordering": ("id",),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("severity__in", ["info", "warning", "critical"])),
                        name="alertrule_severity_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rule_type__in", [t for t, _ in RULE_TYPES])),
                        name="alertrule_type_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Alert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        db_index=True, help_text="Dedupe key: one active alert per key", max_length=200
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("message", models.TextField(blank=True)),
                ("severity", models.CharField(choices=SEVERITIES, max_length=10)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("acknowledged", "Acknowledged"),
                            ("resolved", "Resolved"),
                        ],
                        default="open",
                        max_length=12,
                    ),
                ),
                ("opened_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("last_value", models.JSONField(blank=True, null=True)),
                ("labels", models.JSONField(blank=True, default=dict)),
                ("last_notified_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "acknowledged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="alerts",
                        to="monitoring.alertrule",
                    ),
                ),
            ],
            options={
                "ordering": ("-opened_at", "-id"),
                "indexes": [
                    models.Index(fields=["state", "severity"], name="alert_state_severity"),
                    models.Index(fields=["key", "-resolved_at"], name="alert_key_resolved"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state__in", ["open", "acknowledged"])),
                        fields=("key",),
                        name="alert_one_active_per_key",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("state__in", ["open", "acknowledged", "resolved"])),
                        name="alert_state_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("severity__in", ["info", "warning", "critical"])),
                        name="alert_severity_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AlertEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("opened", "Opened"),
                            ("value_changed", "Value changed"),
                            ("acknowledged", "Acknowledged"),
                            ("resolved", "Resolved"),
                            ("reopen_suppressed", "Reopen suppressed by cooldown"),
                            ("reminded", "Reminder sent"),
                        ],
                        max_length=20,
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("value", models.JSONField(blank=True, null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "alert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="monitoring.alert",
                    ),
                ),
            ],
            options={"ordering": ("at", "id")},
        ),
        migrations.RunPython(seed_rules, unseed_rules),
        migrations.RunPython(create_schedule, delete_schedule),
    ]
