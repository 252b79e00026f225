"""The closed vocabularies of the config app: trading-state actions, kline intervals, themes, markets.

Pure constants, shared by the models (choices, DB check constraints), the validators and the API.
"""

from __future__ import annotations

from typing import Final

# What an automatic trigger of the risk app does to the trading state.
ACTIONS: Final = ("NONE", "REDUCE_ONLY", "HALTED")
# Binance's kline intervals (spot and USD-M share them; 1s is spot only).
INTERVALS: Final = (
    "1s",
    "1m",
    "3m",
    "5m",
    "15m",
    "30m",
    "1h",
    "2h",
    "4h",
    "6h",
    "8h",
    "12h",
    "1d",
    "3d",
    "1w",
    "1M",
)
THEMES: Final = ("light", "dark")
MARKETS: Final = ("SPOT", "USDM")

# Binance's highest USD-M leverage; a leverage limit above it limits nothing.
LEVERAGE_CEILING: Final = 125


def symbol_key(market: str, symbol: str) -> str:
    """One symbol of one market as the config spells it: "USDM:BTCUSDT"."""
    return f"{market}:{symbol}"


def split_symbol_key(key: str) -> tuple[str, str] | None:
    """ "spot:btcusdt" → ("SPOT", "BTCUSDT"); None when it is not MARKET:SYMBOL with a known market."""
    market, sep, symbol = key.strip().upper().partition(":")
    if not sep or market not in MARKETS or not symbol:
        return None
    return market, symbol
