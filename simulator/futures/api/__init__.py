"""aiohttp handlers for /fapi: thin readers of Binance parameters that call the engine."""
