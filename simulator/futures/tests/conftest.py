"""Futures test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.futures.tests.fakes import Harness
from simulator.futures.tests.server import LiveServer


@pytest.fixture
def h() -> Harness:
    return Harness()


@pytest.fixture(scope="session")
def live() -> Iterator[LiveServer]:
    server = LiveServer().start()
    yield server
    server.stop()
