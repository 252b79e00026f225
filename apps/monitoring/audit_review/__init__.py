"""Audit review: recording verifications of the audit trail's hash chain and raising an alert on a break."""
