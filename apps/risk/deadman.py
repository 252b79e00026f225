"""The USD-M dead-man switch: keep Binance's countdownCancelAll armed while we have futures orders open.

Every heartbeat (beat) re-arms `countdown_cancel_all(symbol, countdown_ms)` for each USD-M symbol with open
orders — ours in the database, plus those the exchange listed at its last read (refreshed every
EXCHANGE_REFRESH; this also covers orders placed outside the platform). If the platform dies, the
heartbeats stop and the exchange itself cancels those orders when the countdown runs out. Symbols that no
longer have open orders get their countdown cancelled (0). Disabled in the config → every countdown we
armed is cancelled once, then nothing.

Health (last success, last error, symbols covered) is stored on the one DeadmanHeartbeat row; the
`/readyz` check "deadman" fails when heartbeats are due but have stopped succeeding.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from django.utils import timezone

from apps.exchange.domain.errors import ExchangeError
from apps.exchange.gateway import get_gateway
from apps.risk.conf import RiskSettings, risk_settings
from apps.risk.models import DeadmanHeartbeat

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

EXCHANGE_REFRESH: Final = timedelta(seconds=60)
# Orders that may rest at the exchange (PENDING_NEW: perhaps just sent).
_OPEN: Final = ("PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_CANCEL", "UNKNOWN")
# Missing this many heartbeats in a row makes the platform not ready.
MISSED_BEATS: Final = 3


def _row() -> DeadmanHeartbeat:
    row, _ = DeadmanHeartbeat.objects.get_or_create(pk=1)
    return row


def _database_symbols() -> set[str]:
    from apps.orders.domain.intent import FUTURES_ALGO_TYPES
    from apps.orders.models import Order

    rows = Order.objects.filter(market="USDM", status__in=_OPEN).exclude(order_type__in=FUTURES_ALGO_TYPES)
    return set(rows.values_list("symbol__symbol", flat=True))


def _exchange_symbols(row: DeadmanHeartbeat, now: datetime) -> set[str]:
    if row.exchange_checked_at is None or now - row.exchange_checked_at >= EXCHANGE_REFRESH:
        row.exchange_symbols = sorted({o.symbol for o in get_gateway().open_orders("futures")})
        row.exchange_checked_at = now
    return set(row.exchange_symbols)


def deadman_heartbeat(*, now: datetime | None = None, settings: RiskSettings | None = None) -> dict[str, Any]:
    """One heartbeat: arm the countdown on every symbol with open orders, disarm the others we armed."""
    now = now or timezone.now()
    settings = settings or risk_settings()
    row = _row()
    row.last_run_at = now
    armed_before = set(row.symbols)
    gw = get_gateway()
    errors: list[str] = []
    try:
        wanted = (_database_symbols() | _exchange_symbols(row, now)) if settings.deadman_enabled else set()
    except ExchangeError as error:
        wanted = _database_symbols() if settings.deadman_enabled else set()
        errors.append(f"open orders unreadable: {error}")
    armed: set[str] = set()
    for symbol in sorted(wanted):
        try:
            gw.countdown_cancel_all(symbol, countdown_ms=settings.deadman_countdown_ms)
            armed.add(symbol)
        except ExchangeError as error:
            errors.append(f"{symbol}: {error}")
    for symbol in sorted(armed_before - wanted):
        try:
            gw.countdown_cancel_all(symbol, countdown_ms=0)
        except ExchangeError as error:
            armed.add(symbol)  # still armed at the exchange as far as we know: try again next beat
            errors.append(f"{symbol} (disarm): {error}")
    row.enabled = settings.deadman_enabled
    row.countdown_ms = settings.deadman_countdown_ms
    row.symbols = sorted(armed)
    if errors:
        row.last_error = "; ".join(errors)[:500]
        row.last_error_at = now
        logger.warning("dead-man heartbeat: %s", row.last_error)
    else:
        row.last_success_at = now
        row.last_error = ""
    row.save()
    return {"enabled": row.enabled, "symbols": row.symbols, "errors": errors}


def check_deadman() -> None:
    """`/readyz` "deadman": fails when the switch is on, orders are covered and heartbeats stopped or fail."""
    settings = risk_settings()
    row = DeadmanHeartbeat.objects.filter(pk=1).first()
    if not settings.deadman_enabled:
        return
    if row is None:
        if _database_symbols():
            raise RuntimeError("the dead-man heartbeat has never run while USD-M orders are open")
        return
    if (
        row.last_error
        and row.last_error_at
        and (row.last_success_at is None or row.last_error_at > row.last_success_at)
    ):
        raise RuntimeError(f"last heartbeat failed: {row.last_error}")
    late = timedelta(seconds=settings.deadman_heartbeat_seconds * MISSED_BEATS)
    if (row.symbols or _database_symbols()) and (
        row.last_success_at is None or timezone.now() - row.last_success_at > late
    ):
        raise RuntimeError(f"no successful heartbeat for over {int(late.total_seconds())} s")
