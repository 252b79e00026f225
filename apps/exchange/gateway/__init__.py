"""The gateway every other app uses: `get_gateway()` (sync) and `get_async_gateway()` (streams process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apps.exchange.gateway.base import ExchangeGateway
    from apps.exchange.gateway.streams import AsyncGateway

_override: ExchangeGateway | None = None


def get_gateway() -> ExchangeGateway:
    if _override is not None:
        return _override
    from apps.exchange.gateway.binance import BinanceGateway
    from apps.exchange.runtime import runtime

    return BinanceGateway(runtime().pipeline)


def set_gateway(gateway: ExchangeGateway | None) -> None:
    """Install a gateway (the in-memory fake in unit tests); None restores the real one."""
    global _override
    _override = gateway


def get_async_gateway() -> AsyncGateway:
    from apps.exchange.gateway.streams import AsyncGateway
    from apps.exchange.runtime import runtime

    return AsyncGateway(runtime())
