"""Fixtures of the streams tests: the exchange app's runtime and account fixtures, symbols from the local
exchange, and a Redis prefix per test (stream health lives under the runtime's prefix)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.exchange.tests.conftest import account, prefix, redis_client, runtime_for, sim
from apps.orders.tests.conftest import symbols

__all__ = ["account", "prefix", "redis_client", "runtime_for", "sim", "symbols"]


@pytest.fixture
def viewer_client(viewer_user: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(viewer_user)
    return client
