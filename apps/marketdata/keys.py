"""Redis keys of the contract (prefix configurable so tests can run side by side; default "md")."""

from __future__ import annotations


def demand_key(prefix: str) -> str:
    return f"{prefix}:demand"


def last_key(prefix: str, stream: str) -> str:
    return f"{prefix}:last:{stream}"


def health_key(prefix: str) -> str:
    return f"{prefix}:health"


def process_key(prefix: str) -> str:
    return f"{prefix}:process"


def group(stream: str) -> str:
    return "md." + stream
