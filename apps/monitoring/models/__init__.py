"""Monitoring models, one module per concern, re-exported here for Django."""

from apps.monitoring.models.audit import AuditEvent, AuditEventQuerySet, AuditImmutableError
from apps.monitoring.models.audit_review import AuditVerification, VerificationTrigger
from apps.monitoring.models.taskruns import TaskRun, TaskState

__all__ = [
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditImmutableError",
    "AuditVerification",
    "TaskRun",
    "TaskState",
    "VerificationTrigger",
]
