"""Beat schedule of the config app, stored in the database (editable in admin).

- klines of the held, ordered, traded and watched symbols refreshed, and the correlation matrix the
  correlated-exposure check reads recomputed, every 5 minutes.

Idempotent (get_or_create keeps an admin's later edits) and reversible (removes the schedule; interval rows
stay, other schedules may share them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations
from django.utils import timezone

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# name → (task, every, period, description)
SCHEDULES = {
    "config: refresh klines and correlations": (
        "config.klines_refresh",
        5,
        "minutes",
        "Fetches recent klines of the symbols held, ordered, traded in the last day or watched, stores their "
        "closes and recomputes the correlation matrix of the correlated-exposure check.",
    ),
}


def create_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    created_any = False
    for name, (task, every, period, description) in SCHEDULES.items():
        interval, _ = interval_model.objects.get_or_create(every=every, period=period)
        _, created = task_model.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": interval,
                "args": "[]",
                "kwargs": "{}",
                "enabled": True,
                "description": description,
            },
        )
        created_any = created_any or created
    if created_any:
        # Beat's DatabaseScheduler reloads when this marker moves; bulk migrations bypass the model's save.
        change_model = apps.get_model("django_celery_beat", "PeriodicTasks")
        change_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("config", "0002_default_versions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
