"""The hourly beat schedule of `symbols.refresh`, stored in the database so it can be edited in the admin.

Idempotent (get_or_create: an admin's later edits to interval or enabled state are kept when migrations
run again) and reversible (removes the schedule; the interval row stays, other schedules may share it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations
from django.utils import timezone

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SCHEDULE_NAME = "symbols: refresh exchangeInfo"
TASK = "symbols.refresh"


def create_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _ = interval_model.objects.get_or_create(every=1, period="hours")
    _, created = task_model.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "task": TASK,
            "interval": every_hour,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "description": (
                "Reads Binance exchangeInfo for spot and USD-M futures and applies it as a diff: listings, "
                "status changes and delistings become symbol events, alerts and audit entries."
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
        ("symbols", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
