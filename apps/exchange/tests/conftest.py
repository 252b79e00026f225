"""Fixtures of the exchange tests: a Redis key prefix per test and a runtime.

The local exchange itself (`local_exchange`, a real `python -m simulator` subprocess shared by the
session) comes from tests/fixtures/local_exchange.py; tests reset it through its control API.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings

from tests.fixtures.local_exchange import LocalExchange


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    value = f"test:exchange:{uuid.uuid4().hex[:12]}"
    yield value
    keys = list(redis_client.scan_iter(f"{value}:*", count=1000))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def sim(local_exchange: LocalExchange) -> Iterator[LocalExchange]:
    local_exchange.reset()
    yield local_exchange
    local_exchange.control("DELETE", "faults")


@pytest.fixture
def runtime_for(prefix: str) -> Iterator[Any]:
    """Build a runtime pointed at a URL with this test's Redis prefix, installed for get_gateway()."""
    from apps.exchange.runtime import build_runtime, set_runtime

    built: list[Any] = []

    def make(url: str, **kwargs: Any) -> Any:
        rt = build_runtime(
            sim_url=url,
            prefix=kwargs.pop("prefix", prefix),
            environment="sim",
            credential=kwargs.pop("credential", None),
        )
        rt.pipeline.backoff = kwargs.pop("backoff", rt.pipeline.backoff)
        for key, value in kwargs.items():
            setattr(rt, key, value)
        built.append(rt)
        set_runtime(rt)
        return rt

    yield make
    set_runtime(None)
    for rt in built:
        rt.redis.close()


def activate_key(rt: Any, *, api_key: str, secret: str, market: str = "spot", key_type: str = "HMAC") -> Any:
    """Store and activate a key for `sim` without a verification round trip (tests of other behaviour)."""
    from apps.exchange import services
    from apps.exchange.models import ApiCredential

    existing = ApiCredential.objects.filter(environment="sim", market=market, status="active")
    existing.update(status="retired")
    c = services.credential_add(
        actor=None, environment="sim", market=market, key_type=key_type, api_key=api_key, secret=secret
    )
    ApiCredential.objects.filter(pk=c.pk).update(status="active")
    rt.redis.incr(rt.limiter.generation_key(market))
    return c


@pytest.fixture
def account(sim: LocalExchange) -> dict[str, Any]:
    """A fresh simulator account of its own (balances in both markets)."""
    return sim.create_account(balances={"USDT": "100000", "BTC": "2"}, futures_balances={"USDT": "100000"})


@pytest.fixture
def gateway(sim: LocalExchange, runtime_for: Any, account: dict[str, Any], db: None) -> Any:
    from apps.exchange.gateway import get_gateway

    rt = runtime_for(sim.url)
    for market in ("spot", "futures"):
        activate_key(rt, api_key=account["api_key"], secret=account["api_secret"], market=market)
    return get_gateway()
