"""A runtime of its own per test (a Redis key prefix nobody else uses), so cached status, `since` and
exchange probes never leak between tests or runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from apps.exchange.runtime import Runtime, build_runtime, set_runtime


@pytest.fixture
def status_runtime() -> Iterator[Runtime]:
    rt = build_runtime(prefix=f"test:status:{uuid.uuid4().hex[:10]}")
    set_runtime(rt)
    try:
        yield rt
    finally:
        set_runtime(None)
        keys = list(rt.redis.scan_iter(f"{rt.prefix}:*", count=1000))
        if keys:
            rt.redis.delete(*keys)
        rt.redis.close()
