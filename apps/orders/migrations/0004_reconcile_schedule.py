"""The 30 s beat schedule of `orders.reconcile` (both markets), stored in the database (editable in admin).

Idempotent (get_or_create keeps an admin's later edits) and reversible (removes the schedule; the
interval row stays, other schedules may share it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations
from django.utils import timezone

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SCHEDULE_NAME = "orders: reconcile open orders"
TASK = "orders.reconcile"


def create_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s, _ = interval_model.objects.get_or_create(every=30, period="seconds")
    _, created = task_model.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "task": TASK,
            "interval": every_30s,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "description": (
                "Compares the exchange's open orders (spot and USD-M) with ours: adopts orders placed "
                "outside the platform, moves orders the exchange finished to their final state, applies "
                "status and fill differences. Every fix is a reconcile OrderEvent and an audit entry."
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
        ("orders", "0003_order_external"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
