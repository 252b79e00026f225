"""Where the risk monitor learns how fresh a symbol's market data is. Pluggable, and empty for now.

Market-data staleness detection belongs to the market-data app (a later issue). Until it exists, the
installed source answers "no data" (None) for every symbol, which the stale-market-data trigger reads as
"cannot judge" — it never fires on missing information. The market-data app installs its own source
once, from its AppConfig.ready():

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


def market_data_age_s(market: str, symbol: str) -> float | None:
    """Seconds since `symbol`'s last market data update, or None when nothing is known."""
    return _source(market, symbol)
