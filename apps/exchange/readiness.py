"""The /readyz check for the exchange: the configured exchange answers a ping (no credential needed)."""

from __future__ import annotations

from apps.exchange.domain.errors import ExchangeError

PING_TIMEOUT_S = 2.0


def check_exchange() -> None:
    from apps.exchange.runtime import runtime

    rt = runtime()
    try:
        rt.pipeline.call("spot.ping", timeout_s=PING_TIMEOUT_S)
    except ExchangeError as exc:
        raise RuntimeError(
            f"{rt.environment} exchange at {rt.urls.api} did not answer a ping: {exc}"
        ) from None
