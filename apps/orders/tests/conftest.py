"""Fixtures of the orders tests: symbols seeded from the local exchange, a gateway on a fresh account.

The local exchange, its per-test reset (`sim`), a fresh account and a runtime pointed at it come from the
exchange app's fixtures; symbols come from the exchange's own exchangeInfo, stored through the same
service the periodic sync uses (symbol_sync_apply), so the rules we validate against are the ones the
exchange enforces.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from apps.exchange.tests.conftest import account, gateway, prefix, redis_client, runtime_for, sim
from tests.fixtures.local_exchange import LocalExchange

__all__ = ["account", "gateway", "prefix", "redis_client", "runtime_for", "sim"]

_EXCHANGE_INFO: dict[str, list[dict[str, Any]]] = {}


def _raw_symbols(url: str, market: str) -> list[dict[str, Any]]:
    if market not in _EXCHANGE_INFO:
        path = "/fapi/v1/exchangeInfo" if market == "USDM" else "/api/v3/exchangeInfo"
        response = requests.get(f"{url}{path}", timeout=10)
        response.raise_for_status()
        _EXCHANGE_INFO[market] = response.json()["symbols"]
    return _EXCHANGE_INFO[market]


@pytest.fixture
def symbols(local_exchange: LocalExchange, db: None) -> None:
    from apps.symbols.services import symbol_sync_apply

    for market in ("SPOT", "USDM"):
        symbol_sync_apply(market=market, raw_symbols=_raw_symbols(local_exchange.url, market))


@pytest.fixture
def viewer_client(viewer_user: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(viewer_user)
    return client
