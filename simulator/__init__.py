"""Local Binance exchange: Spot + USD-M over Binance's own REST and WebSocket protocols.

See CONTRACT.md for the seams between core, `spot/` and `futures/`, and README.md for running it.
"""
