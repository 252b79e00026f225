"""Fixtures of the config tests: recorded symbols, real candles, clients per role, clean process caches.

- `symbols`: SPOT BTCUSDT/ETHUSDT and USDM BTCUSDT/ETHUSDT/BNBUSDT from the recorded exchangeInfo payloads;
- `candles`: real Binance 4h closes (tests/data, 2023-12-30 .. 2024-03-22) of BTC, ETH and BNB;
- `viewer_client`, `admin_api`, `outsider_api`: APIClients logged in as the personas.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rest_framework.test import APIClient

DATA = Path(__file__).resolve().parent / "data"
CANDLE_FILES = {
    "BTCUSDT": "binance_spot_BTCUSDT_4h_2023-12.csv",
    "ETHUSDT": "binance_spot_ETHUSDT_4h_2023-12.csv",
    "BNBUSDT": "binance_spot_BNBUSDT_4h_2023-12.csv",
}


def clear_process_caches() -> None:
    from apps.config.correlations import correlation_view_clear
    from apps.config.exposure import exposure_caches_clear
    from apps.config.selectors import config_caches_clear

    config_caches_clear()
    correlation_view_clear()
    exposure_caches_clear()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # The active versions, prices and groups are cached per process; every test starts and ends without.
    clear_process_caches()
    yield
    clear_process_caches()


@pytest.fixture
def symbols(db: None) -> None:
    from apps.symbols.services import symbol_sync_apply
    from apps.symbols.tests.payloads import FUTURES_2025, SPOT_2025, raw_symbol

    symbol_sync_apply(market="SPOT", raw_symbols=[raw_symbol(SPOT_2025, s) for s in ("BTCUSDT", "ETHUSDT")])
    symbol_sync_apply(
        market="USDM", raw_symbols=[raw_symbol(FUTURES_2025, s) for s in ("BTCUSDT", "ETHUSDT", "BNBUSDT")]
    )


def load_candles(symbol: str) -> list[tuple[int, Decimal]]:
    with (DATA / CANDLE_FILES[symbol]).open() as handle:
        return [(int(row["open_time_ms"]), Decimal(row["close"])) for row in csv.DictReader(handle)]


@pytest.fixture
def candles() -> dict[str, list[tuple[int, Decimal]]]:
    return {symbol: load_candles(symbol) for symbol in CANDLE_FILES}


def _client(user: Any) -> APIClient:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def viewer_client(viewer_user: Any) -> APIClient:
    return _client(viewer_user)


@pytest.fixture
def admin_api(admin_user: Any) -> APIClient:
    return _client(admin_user)


@pytest.fixture
def outsider_api(outsider_user: Any) -> APIClient:
    return _client(outsider_user)
