"""Reads of the orders app: the filtered order list and one order with its fills and events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.orders.domain.state import TERMINAL
from apps.orders.models import Order

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

_CLOSED = [s.value for s in TERMINAL]


def order_list(
    *,
    status: str | None = None,
    market: str | None = None,
    symbol: str | None = None,
    since: datetime | None = None,
) -> QuerySet[Order]:
    """Orders newest first. `status` is "open" (not finished, including PENDING_NEW and UNKNOWN: we cannot
    say they are over) or "closed" (a terminal status); `since` filters on creation time."""
    rows = Order.objects.select_related("symbol")
    if status == "open":
        rows = rows.exclude(status__in=_CLOSED)
    elif status == "closed":
        rows = rows.filter(status__in=_CLOSED)
    if market:
        rows = rows.filter(market=market)
    if symbol:
        rows = rows.filter(symbol__symbol=symbol.strip().upper())
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return rows.order_by("-created_at", "-id")


def order_get(*, order_id: int) -> Order:
    """One order with its fills and events; raises Order.DoesNotExist."""
    return Order.objects.select_related("symbol").prefetch_related("fills", "events").get(pk=order_id)
