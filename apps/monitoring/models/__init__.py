"""Monitoring models, one module per concern, re-exported here for Django."""

from apps.monitoring.models.alerts import Alert, AlertEvent, AlertRule
from apps.monitoring.models.audit import AuditEvent, AuditEventQuerySet, AuditImmutableError
from apps.monitoring.models.audit_review import AuditVerification, VerificationTrigger
from apps.monitoring.models.channels import (
    ChannelKind,
    ChannelSeverity,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    NotificationChannel,
)
from apps.monitoring.models.taskruns import TaskRun, TaskState

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRule",
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditImmutableError",
    "AuditVerification",
    "ChannelKind",
    "ChannelSeverity",
    "Delivery",
    "DeliveryEvent",
    "DeliveryStatus",
    "NotificationChannel",
    "TaskRun",
    "TaskState",
    "VerificationTrigger",
]
