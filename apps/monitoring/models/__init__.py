"""Monitoring models, one module per concern; each helper module is re-exported here for Django."""

from apps.monitoring.models.audit import AuditEvent, AuditEventQuerySet, AuditImmutableError

__all__ = ["AuditEvent", "AuditEventQuerySet", "AuditImmutableError"]
