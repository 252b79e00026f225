"""Logging helpers wired from settings.LOGGING."""

from __future__ import annotations

import logging

from apps.common.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
