"""Beat schedules of the risk app, stored in the database (editable in admin).

- risk monitor and dead-man heartbeat every 2 s (each task runs only once per its configured interval,
  `risk_monitor_interval_seconds` / `deadman_heartbeat_seconds`, so config changes need no schedule edit);
- kill switch watchdog every 10 s (re-enqueues runs a crashed worker left).

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

# name → (task, every seconds, description)
SCHEDULES = {
    "risk: monitor": (
        "risk.monitor",
        2,
        "Daily loss, drawdown, user streams down, stale market data, reconciliation drift: opens/resolves "
        "risk alerts and tightens the trading state per the trading config.",
    ),
    "risk: dead-man heartbeat": (
        "risk.deadman_heartbeat",
        2,
        "Re-arms Binance's countdownCancelAll on every USD-M symbol with open orders (and disarms the others), "
        "so the exchange cancels them if the platform stops.",
    ),
    "risk: kill switch watchdog": (
        "risk.kill_switch_watchdog",
        10,
        "Re-enqueues kill switch runs that no live worker holds (a worker died mid-run).",
    ),
}


def create_schedules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    created_any = False
    for name, (task, every, description) in SCHEDULES.items():
        interval, _ = interval_model.objects.get_or_create(every=every, period="seconds")
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
        ("risk", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
