"""Which exchange the platform trades on. Only URLs differ between them; no code branches on it."""

from __future__ import annotations

from trader.settings.env import choice, env

TRADER_EXCHANGE = choice("TRADER_EXCHANGE", ("sim", "testnet", "live"), "sim")
SIM_PORT = env.int("SIM_PORT", default=9900)
TRADER_SIM_URL = env.str("TRADER_SIM_URL", default=f"http://127.0.0.1:{SIM_PORT}")
