"""Fixtures of the market-data tests: the exchange app's runtime and account fixtures, symbols from the
local exchange."""

from __future__ import annotations

from apps.exchange.tests.conftest import prefix, redis_client, runtime_for, sim
from apps.orders.tests.conftest import symbols

__all__ = ["prefix", "redis_client", "runtime_for", "sim", "symbols"]
