"""Audit chain verifications, the daily beat job that records one, and the 10 s beat heartbeat.

The heartbeat job exists so /api/status/ can tell whether beat is alive: beat stamps a PeriodicTask's
last_run_at when it sends the task, whether or not a worker then runs it. The data steps are idempotent
(get_or_create keeps an admin's later edits) and reversible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

VERIFY_NAME = "monitoring: verify the audit chain"
VERIFY_TASK = "monitoring.verify_audit_chain"
HEARTBEAT_NAME = "monitoring: beat heartbeat"
HEARTBEAT_TASK = "monitoring.heartbeat"
HEARTBEAT_EVERY_S = 10


def _touch_schedule(apps: Apps) -> None:
    # Beat's DatabaseScheduler reloads when this marker moves; migrations bypass the model's save signal.
    change_model = apps.get_model("django_celery_beat", "PeriodicTasks")
    change_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    # A quiet hour, off the full hour when other daily jobs tend to pile up.
    daily, _ = crontab_model.objects.get_or_create(
        minute="17", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    every_10s, _ = interval_model.objects.get_or_create(every=HEARTBEAT_EVERY_S, period="seconds")
    _, verify_created = task_model.objects.get_or_create(
        name=VERIFY_NAME,
        defaults={
            "task": VERIFY_TASK,
            "crontab": daily,
            "args": "[]",
            "kwargs": '{"triggered_by": "beat"}',
            "enabled": True,
            "description": "Walks the audit trail's hash chain, records the result, alerts on a break.",
        },
    )
    _, heartbeat_created = task_model.objects.get_or_create(
        name=HEARTBEAT_NAME,
        defaults={
            "task": HEARTBEAT_TASK,
            "interval": every_10s,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            # A heartbeat nobody ran is worthless: let it expire rather than pile up behind a dead worker.
            "expire_seconds": HEARTBEAT_EVERY_S * 3,
            "description": (
                "Proves beat is alive (its last run time is the status page's beat check) and, when a "
                "worker runs it, that the broker path from beat to a worker works."
            ),
        },
    )
    if verify_created or heartbeat_created:
        _touch_schedule(apps)


def delete_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name__in=[VERIFY_NAME, HEARTBEAT_NAME]).delete()
    _touch_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_channels"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("verified_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("ok", models.BooleanField()),
                ("events", models.PositiveIntegerField(help_text="Events walked")),
                (
                    "broken_at_id",
                    models.BigIntegerField(blank=True, help_text="First event whose link fails", null=True),
                ),
                ("message", models.CharField(blank=True, max_length=500)),
                ("duration_ms", models.PositiveIntegerField(default=0)),
                (
                    "triggered_by",
                    models.CharField(
                        choices=[
                            ("beat", "Daily beat job"),
                            ("admin", "Admin (verify now)"),
                            ("command", "Management command"),
                        ],
                        max_length=10,
                    ),
                ),
            ],
            options={
                "ordering": ("-verified_at", "-id"),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("broken_at_id__isnull", True), ("ok", True)),
                            ("ok", False),
                            _connector="OR",
                        ),
                        name="auditverification_ok_has_no_break",
                    )
                ],
            },
        ),
        migrations.RunPython(create_schedules, delete_schedules),
    ]
