"""Project package: settings, URLs, ASGI and Celery wiring only. Business code lives in apps/."""

from trader.celery import app as celery_app

__all__ = ("celery_app",)
