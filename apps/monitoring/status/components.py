"""The components of the status page, in display order, and the readiness checks derived from them.

Readiness checks other apps register (`health.register_check`) that no component covers appear as
components of their own ("deadman"), so the status page shows everything /readyz judges.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

from apps.monitoring import health
from apps.monitoring.status import exchange, infra, platform
from apps.monitoring.status.base import ComponentDown, Probe

ProbeFn = Callable[[], Probe]

PROBES: Final[dict[str, ProbeFn]] = {
    "web": infra.probe_web,
    "worker": infra.probe_worker,
    "beat": infra.probe_beat,
    "streams": platform.probe_streams,
    "market_data": platform.probe_market_data,
    "exchange_spot": partial(exchange.probe_exchange, "spot"),
    "exchange_futures": partial(exchange.probe_exchange, "futures"),
    "database": infra.probe_database,
    "redis": infra.probe_redis,
    "channel_layer": infra.probe_channel_layer,
    "rate_budget": exchange.probe_rate_budget,
    "breakers": exchange.probe_breakers,
    "clock": exchange.probe_clock,
    "trading_state": platform.probe_trading_state,
}

# Readiness checks whose concern a component above already shows (check name → component).
COVERED_CHECKS: Final = {
    "database": "database",
    "redis": "redis",
    "channel_layer": "channel_layer",
    "celery": "worker",
    "exchange": "exchange_spot",
    "user_streams": "streams",
    "market_data": "market_data",
}


def all_probes() -> dict[str, ProbeFn]:
    probes = dict(PROBES)
    for name, check in health.registered_checks().items():
        if name not in COVERED_CHECKS and name not in probes:
            probes[name] = partial(infra.probe_from_check, check)
    return probes


def run_probe(fn: ProbeFn) -> Probe:
    """A probe's answer; an exception it raises is its component being down, with the reason."""
    try:
        return fn()
    except ComponentDown as exc:
        return Probe("down", str(exc), exc.detail)
    except Exception as exc:
        return Probe("down", health.describe_error(exc), {})


def readiness_check(name: str) -> health.Check:
    """A /readyz check that fails exactly when component `name` is down."""
    if name not in PROBES:
        raise KeyError(f"no status component {name!r}")

    def check() -> None:
        probe = PROBES[name]()  # an exception propagates with its own message, as checks always did
        if probe.state == "down":
            raise ComponentDown(probe.message)

    check.__name__ = f"check_{name}"
    return check
