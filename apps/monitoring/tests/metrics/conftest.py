"""Metrics tests: a rolling-window prefix of their own, and sample reads from this process's registry."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
import redis
from prometheus_client import REGISTRY

from apps.monitoring import rolling

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_django.fixtures import SettingsWrapper


@pytest.fixture(autouse=True)
def rolling_prefix(settings: SettingsWrapper) -> Iterator[str]:
    prefix = f"test:rolling:{uuid.uuid4().hex}"
    settings.TRADER_ROLLING_REDIS_PREFIX = prefix
    rolling._paused_until = 0.0
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def sample(name: str, **labels: str) -> float:
    """This process's value of a sample (0 when never observed)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
