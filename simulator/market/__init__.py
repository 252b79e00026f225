"""Market data: replayed prices, the synthetic book, public trades, klines, tickers and their streams."""

from simulator.market.engine import MarketData
from simulator.market.feed import Feed

__all__ = ["Feed", "MarketData"]
