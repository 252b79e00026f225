"""Beat schedules of the positions app, stored in the database (editable in admin).

- equity snapshot every minute;
- balances (both markets) and positions reconciled every 60 s;
- trade and income history imported every 15 minutes.

Idempotent (get_or_create keeps an admin's later edits) and reversible (removes the schedules; interval rows
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
    "positions: equity snapshot": (
        "positions.equity_snapshot",
        1,
        "minutes",
        "Values spot balances at their USDT price and USD-M wallet plus unrealized profit; stores SPOT, "
        "USDM and TOTAL equity rows.",
    ),
    "positions: reconcile balances and positions": (
        "positions.reconcile",
        60,
        "seconds",
        "Reads balances (spot and USD-M) and positions from the exchange and fixes every difference with "
        "ours; each fix is an audit entry with before/after.",
    ),
    "positions: import trade and income history": (
        "positions.history_import",
        15,
        "minutes",
        "Imports trades (spot myTrades, USD-M userTrades, also of orders placed outside the platform) and "
        "USD-M income from where the last import stopped.",
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
        ("positions", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
