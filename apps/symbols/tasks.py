"""Symbol tasks: `symbols.refresh`, run hourly by beat (the "symbols: refresh exchangeInfo" schedule)."""

from __future__ import annotations

from typing import Any, Final

from celery import shared_task

from apps.exchange.domain.errors import RateLimitedError, TemporaryError
from apps.symbols.domain.exchange_info import MARKETS, ExchangeInfoError
from apps.symbols.services import symbol_refresh

# Nothing happened on the exchange for these, so trying again later is safe. Maintenance, auth problems
# and malformed answers are not retried here: the next hourly run tries again, so nothing crash-loops.
RETRY_ON: Final = (TemporaryError, RateLimitedError)


@shared_task(
    name="symbols.refresh",
    autoretry_for=RETRY_ON,
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    ignore_result=False,
)
def refresh(market: str | None = None) -> dict[str, Any]:
    """Refresh one market ("SPOT", "USDM") or, without one, both; returns each market's summary line.

    Each market is tried even when the other fails. Afterwards a temporary failure is raised first, so
    the task retries (re-applying an unchanged exchangeInfo to the other market changes nothing).
    """
    if market is not None and market not in MARKETS:
        raise ExchangeInfoError(f"unknown market {market!r}; expected one of {', '.join(MARKETS)}")
    markets = [m for m in MARKETS if market in (None, m)]
    summaries: dict[str, Any] = {}
    failures: list[Exception] = []
    for name in markets:
        try:
            summaries[name] = symbol_refresh(market=name).summary()
        except Exception as exc:  # one market's failure must not leave the other stale
            failures.append(exc)
    if failures:
        raise next((f for f in failures if isinstance(f, RETRY_ON)), failures[0])
    return summaries
