"""Fixtures for refreshing symbols from the real local exchange (the session's `local_exchange`).

The exchange tests' runtime fixtures are reused as they are: a Redis prefix per test and `runtime_for`,
which points the gateway at a URL for one test.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apps.exchange.domain.backoff import BackoffPolicy
from apps.exchange.tests.conftest import prefix, redis_client, runtime_for, sim
from tests.fixtures.local_exchange import LocalExchange

__all__ = ["prefix", "redis_client", "runtime_for", "sim"]

SetStatus = Callable[[str, str, str], None]


@pytest.fixture
def exchange(sim: LocalExchange, runtime_for: Any, db: None) -> LocalExchange:
    """The local exchange, with the gateway of this test pointed at it."""
    runtime_for(sim.url)
    return sim


@pytest.fixture
def set_status(sim: LocalExchange) -> Iterator[SetStatus]:
    """Change a symbol's status on the exchange (`market` "spot" or "futures"); restored to TRADING after,
    since every test of the session shares the one exchange."""
    changed: list[tuple[str, str]] = []

    def change(market: str, symbol: str, status: str) -> None:
        sim.control("POST", f"symbols/{symbol}", {"market": market, "status": status})
        changed.append((market, symbol))

    yield change
    for market, symbol in changed:
        sim.control("POST", f"symbols/{symbol}", {"market": market, "status": "TRADING"})


@pytest.fixture
def unreachable(runtime_for: Any, db: None) -> str:
    """A runtime pointed at a closed port, retrying once without waiting: the exchange is unreachable."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    runtime_for(url, backoff=BackoffPolicy(base_s=0.0, max_s=0.0, max_attempts=1))
    return url


def listed_on(sim: LocalExchange, market: str) -> list[str]:
    """The symbols the exchange lists on `market` ("spot" or "futures"), from its control API."""
    return list(sim.control("GET", "health")["symbols"][market])
