"""TaskRun (one row per Celery task) and the daily beat job that prunes rows past the retention.

The data step is idempotent (get_or_create keeps an admin's later edits) and reversible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations, models
from django.utils import timezone

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PRUNE_NAME = "monitoring: prune task runs"
PRUNE_TASK = "monitoring.taskruns_prune"


def _touch_schedule(apps: Apps) -> None:
    # Beat's DatabaseScheduler reloads when this marker moves; migrations bypass the model's save signal.
    change_model = apps.get_model("django_celery_beat", "PeriodicTasks")
    change_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab_model.objects.get_or_create(
        minute="37", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    _, created = task_model.objects.get_or_create(
        name=PRUNE_NAME,
        defaults={
            "task": PRUNE_TASK,
            "crontab": daily,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "description": "Deletes task run records older than TRADER_TASKRUN_RETENTION_DAYS (default 14).",
        },
    )
    if created:
        _touch_schedule(apps)


def delete_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name=PRUNE_NAME).delete()
    _touch_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_append_only_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("task_id", models.CharField(max_length=255, unique=True)),
                ("name", models.CharField(db_index=True, max_length=200)),
                ("args", models.JSONField(blank=True, default=list)),
                ("kwargs", models.JSONField(blank=True, default=dict)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("STARTED", "Started"),
                            ("SUCCESS", "Succeeded"),
                            ("FAILURE", "Failed"),
                            ("RETRY", "Retrying"),
                            ("REVOKED", "Revoked"),
                        ],
                        max_length=8,
                    ),
                ),
                ("queued_at", models.DateTimeField(blank=True, null=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(db_index=True)),
                ("duration_ms", models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True)),
                (
                    "queue_wait_ms",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
                ),
                ("worker", models.CharField(blank=True, max_length=255)),
                ("request_id", models.CharField(blank=True, db_index=True, max_length=64)),
                ("retries", models.PositiveIntegerField(default=0)),
                ("error_type", models.CharField(blank=True, max_length=200)),
                ("error_message", models.TextField(blank=True)),
                ("traceback", models.TextField(blank=True)),
            ],
            options={
                "ordering": ("-finished_at", "-id"),
                "indexes": [
                    models.Index(fields=["name", "-finished_at"], name="monitoring_taskrun_name"),
                    models.Index(fields=["state", "-finished_at"], name="monitoring_taskrun_state"),
                ],
            },
        ),
        migrations.RunPython(create_schedule, delete_schedule),
    ]
