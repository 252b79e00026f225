"""Notification channels and deliveries; a default in-app channel for every severity; the 60 s beat job
that re-enqueues deliveries whose task was lost.

The data steps are idempotent (get_or_create keeps an admin's later edits) and reversible.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

import apps.monitoring.models.channels

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

DEFAULT_CHANNEL = "Dashboard (in-app)"
SCHEDULE_NAME = "monitoring: retry alert deliveries"
TASK = "monitoring.delivery_sweep"


def create_defaults(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    channel_model = apps.get_model("monitoring", "NotificationChannel")
    channel_model.objects.get_or_create(
        name=DEFAULT_CHANNEL,
        defaults={
            "kind": "inapp",
            "enabled": True,
            "min_severity": "info",
            "events": ["opened", "acknowledged", "resolved", "reminder"],
            "config": {},
        },
    )
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    _, created = task_model.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "description": (
                "Each delivery is sent by its own task, retried with backoff by a countdown task. This "
                "finds pending or retrying deliveries that are overdue by a minute (their task was lost, "
                "e.g. with a broker restart) and enqueues them again."
            ),
        },
    )
    if created:
        # Beat's DatabaseScheduler reloads when this marker moves; bulk migrations bypass the model's save.
        change_model = apps.get_model("django_celery_beat", "PeriodicTasks")
        change_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_defaults(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()
    apps.get_model("monitoring", "NotificationChannel").objects.filter(
        name=DEFAULT_CHANNEL, kind="inapp"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationChannel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("name", models.CharField(max_length=100, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("inapp", "In-app (dashboard)"),
                            ("email", "Email"),
                            ("webhook", "Webhook (signed JSON POST)"),
                            ("telegram", "Telegram bot"),
                        ],
                        max_length=16,
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                (
                    "min_severity",
                    models.CharField(
                        choices=[
                            ("info", "Info and above"),
                            ("warning", "Warning and above"),
                            ("critical", "Critical only"),
                        ],
                        default="warning",
                        max_length=16,
                    ),
                ),
                (
                    "events",
                    models.JSONField(blank=True, default=apps.monitoring.models.channels.default_events),
                ),
                ("config", models.JSONField(blank=True, default=dict)),
                ("secret_encrypted", models.TextField(blank=True, default="", editable=False)),
                ("secret_hint", models.CharField(blank=True, default="", editable=False, max_length=8)),
                ("master_key_id", models.CharField(blank=True, default="", editable=False, max_length=16)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ("name",),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["inapp", "email", "webhook", "telegram"])),
                        name="monitoring_channel_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("min_severity__in", ["info", "warning", "critical"])),
                        name="monitoring_channel_severity_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("opened", "Opened"),
                            ("acknowledged", "Acknowledged"),
                            ("resolved", "Resolved"),
                            ("reminder", "Reminder"),
                            ("test", "Test message"),
                        ],
                        max_length=16,
                    ),
                ),
                ("occurrence", models.UUIDField(default=uuid.uuid4, editable=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sent", "Sent"),
                            ("retrying", "Retrying"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("max_attempts", models.PositiveSmallIntegerField(default=6)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("lease_until", models.DateTimeField(blank=True, editable=False, null=True)),
                ("last_error", models.CharField(blank=True, default="", max_length=500)),
                ("response_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("payload", models.JSONField(blank=True, default=dict)),
                ("attempt_log", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "alert",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="monitoring.alert",
                    ),
                ),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="monitoring.notificationchannel",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "deliveries",
                "ordering": ("-id",),
                "indexes": [
                    models.Index(
                        condition=models.Q(("status__in", ["pending", "retrying"])),
                        fields=["next_attempt_at"],
                        name="monitoring_delivery_due",
                    ),
                    models.Index(fields=["status", "-id"], name="monitoring_delivery_status"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("occurrence", "channel"), name="monitoring_delivery_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "sent", "retrying", "failed"])),
                        name="monitoring_delivery_status_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_defaults, delete_defaults),
    ]
