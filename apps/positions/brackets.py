"""Leverage brackets per USD-M symbol: read through the gateway, kept in the database, served from there.

Reconciliation (a worker, every minute) refreshes stale tables; the stream path and the selectors only
read what is stored, so no user-stream event waits on an exchange call.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from django.utils import timezone

from apps.positions.domain.liquidation import parse_bracket_rows
from apps.positions.models import BracketTable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apps.positions.domain.liquidation import Bracket

# Binance changes brackets rarely (and announces it); a day-old table is still right.
MAX_AGE: Final = timedelta(hours=24)


def _stored(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    # JSON numbers from the wire become strings before they are stored: no float ever reaches a Decimal.
    return [{k: str(v) for k, v in row.items()} for row in rows]


def brackets_for(symbol: str) -> tuple[Bracket, ...] | None:
    """The stored brackets of `symbol`, None when never fetched."""
    row = BracketTable.objects.filter(symbol=symbol).only("brackets").first()
    return None if row is None else parse_bracket_rows(row.brackets)


def brackets_refresh(symbols: Iterable[str], *, force: bool = False) -> dict[str, tuple[Bracket, ...]]:
    """Fetch (through the gateway) the brackets of the symbols whose table is missing or stale."""
    from apps.exchange.gateway import get_gateway

    wanted = sorted(set(symbols))
    fresh_after = timezone.now() - MAX_AGE
    fresh = (
        set()
        if force
        else set(
            BracketTable.objects.filter(symbol__in=wanted, fetched_at__gte=fresh_after).values_list(
                "symbol", flat=True
            )
        )
    )
    gateway = get_gateway()
    for symbol in wanted:
        if symbol in fresh:
            continue
        for item in gateway.leverage_brackets(symbol):
            BracketTable.objects.update_or_create(
                symbol=str(item["symbol"]),
                defaults={"brackets": _stored(list(item["brackets"])), "fetched_at": timezone.now()},
            )
    return {s: b for s in wanted if (b := brackets_for(s)) is not None}
