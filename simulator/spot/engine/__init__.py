"""The spot matching engine: books, matching, stop triggers, order lists and user-data events."""

from simulator.spot.engine.engine import SpotEngine

__all__ = ["SpotEngine"]
