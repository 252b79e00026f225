"""The risk monitor's market-data source: the age of a symbol's freshest stream, from Redis health."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import pytest
import redis
from django.conf import settings as django_settings

from apps.marketdata.health import latest_update_age_s, now_ms
from apps.marketdata.keys import health_key, process_key
from apps.risk.marketdata import market_data_age_s

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def md_prefix(settings: Any) -> Iterator[str]:
    prefix = f"test:mdage:{uuid.uuid4().hex[:8]}"
    settings.TRADER_MARKETDATA_KEY_PREFIX = prefix
    yield prefix
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(health_key(prefix), process_key(prefix))
    client.close()


def _write(prefix: str, ages_ms: dict[str, int]) -> None:
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    now = now_ms()
    for name, age in ages_ms.items():
        client.hset(health_key(prefix), name, json.dumps({"last_event_ms": now - age, "stale": False}))
    client.set(process_key(prefix), "1", ex=30)
    client.close()


def test_the_freshest_stream_of_the_symbol_gives_its_age(md_prefix: str) -> None:
    _write(
        md_prefix,
        {"usdm.btcusdt.markprice": 4000, "usdm.btcusdt.bookticker": 1500, "usdm.ethusdt.markprice": 10},
    )
    age = latest_update_age_s("USDM", "BTCUSDT")
    assert age is not None and 1.4 <= age < 3.0
    assert market_data_age_s("USDM", "BTCUSDT") == pytest.approx(age, abs=0.5)  # the risk monitor's source


def test_nothing_watched_or_no_streams_process_means_no_judgement(md_prefix: str) -> None:
    _write(md_prefix, {"usdm.ethusdt.markprice": 10})
    assert latest_update_age_s("USDM", "BTCUSDT") is None
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(process_key(md_prefix))
    client.close()
    assert latest_update_age_s("USDM", "ETHUSDT") is None
