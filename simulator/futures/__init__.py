"""USD-M futures for the local Binance exchange.

`setup(app, exchange)` is the only entry point core calls; everything else is internal.
"""

from __future__ import annotations

from typing import Any


def setup(app: Any, exchange: Any) -> None:
    # Imported lazily so the pure domain/engine modules stay importable without aiohttp wiring.
    from simulator.futures.wiring import setup as _setup

    _setup(app, exchange)


__all__ = ["setup"]
