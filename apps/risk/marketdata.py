"""Where the risk monitor learns how fresh a symbol's market data is. Pluggable.

apps.marketdata installs its source from its AppConfig.ready() (`latest_update_age_s`: seconds since the
symbol's freshest stream delivered). "No data" (None: nothing watched, or no streams process) is read by
the stale-market-data trigger as "cannot judge": it never fires on missing information.

    from apps.risk.marketdata import set_market_data_source
    set_market_data_source(latest_update_age_s)   # (market, symbol) -> seconds since the last update, or None
"""

from __future__ import annotations

from collections.abc import Callable

MarketDataSource = Callable[[str, str], float | None]


def no_market_data(market: str, symbol: str) -> float | None:
    return None


_source: MarketDataSource = no_market_data


def set_market_data_source(source: MarketDataSource | None) -> None:
    """Install the age source (None restores the empty one)."""
    global _source
    _source = source or no_market_data


def market_data_source() -> MarketDataSource:
    """The installed source (to put it back after replacing it)."""
    return _source


def market_data_age_s(market: str, symbol: str) -> float | None:
    """Seconds since `symbol`'s last market data update, or None when nothing is known."""
    return _source(market, symbol)
