"""TaskRun: one row per Celery task, written once when it ends (see apps/monitoring/taskruns/signals.py)."""

from __future__ import annotations

from django.db import models


class TaskState(models.TextChoices):
    STARTED = "STARTED", "Started"
    SUCCESS = "SUCCESS", "Succeeded"
    FAILURE = "FAILURE", "Failed"
    RETRY = "RETRY", "Retrying"
    REVOKED = "REVOKED", "Revoked"


class TaskRun(models.Model):
    """The last attempt of a task: a retried task keeps its id, so its row is overwritten by each attempt and
    `retries` counts the attempts before it. Args are redacted and size-capped before they are stored."""

    task_id = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=TaskState.choices)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(db_index=True)
    duration_ms = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    queue_wait_ms = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    retries = models.PositiveIntegerField(default=0)
    error_type = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)

    class Meta:
        ordering = ("-finished_at", "-id")
        indexes = [
            models.Index(fields=("name", "-finished_at"), name="monitoring_taskrun_name"),
            models.Index(fields=("state", "-finished_at"), name="monitoring_taskrun_state"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.task_id} {self.state}"
