"""Reads of the positions app: balances, positions with their risk, trades, income, the equity series.

Nothing here calls the exchange: every figure is a stored row (kept fresh by the user stream, reconciliation
and the minute's equity snapshot). The portfolio overview lives in apps.positions.portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce, NullIf

from apps.orders.models import Fill
from apps.positions.models import Balance, EquityMarket, EquitySnapshot, IncomeRecord, MarginType, Position
from apps.positions.risk import position_margin_ratio

if TYPE_CHECKING:
    from decimal import Decimal

    from django.db.models import QuerySet

# Equity steps the API takes, and the most buckets one answer holds.
STEPS: Final = {
    "1m": timedelta(minutes=1),
    "5m": timedelta(minutes=5),
    "15m": timedelta(minutes=15),
    "1h": timedelta(hours=1),
    "4h": timedelta(hours=4),
    "1d": timedelta(days=1),
}
MAX_BUCKETS: Final = 2000


def balance_list(*, market: str | None = None, include_zero: bool = False) -> QuerySet[Balance]:
    rows = Balance.objects.all()
    if market:
        rows = rows.filter(market=market)
    if not include_zero:
        rows = rows.exclude(
            Q(market="SPOT", free=0, locked=0)
            | Q(market="USDM", wallet_balance__isnull=True)
            | Q(market="USDM", wallet_balance=0, unrealized_pnl=0)
        )
    return rows.order_by("market", "asset")


@dataclass(frozen=True, slots=True)
class PositionView:
    position: Position
    margin_ratio: Decimal | None


def position_list(*, symbol: str | None = None, include_flat: bool = False) -> list[PositionView]:
    """Positions with their margin ratio (isolated: their own; cross: the account's)."""
    rows = Position.objects.select_related("symbol").order_by("symbol__symbol", "position_side")
    open_cross = [p for p in rows if p.quantity != 0 and p.margin_type != MarginType.ISOLATED]
    if symbol:
        rows = rows.filter(symbol__symbol=symbol.strip().upper())
    if not include_flat:
        rows = rows.exclude(quantity=0)
    return [PositionView(p, position_margin_ratio(p, open_cross)) for p in rows]


def _side() -> Coalesce:
    return Coalesce(NullIf(F("side"), Value("")), F("order__side"))


def trade_list(
    *,
    market: str | None = None,
    symbol: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Fill]:
    """Fills newest first, each with `trade_side` (its own, else its order's) and `is_external` (placed
    outside the platform: no order, or an order adopted by reconciliation)."""
    rows = Fill.objects.select_related("symbol", "order").annotate(
        trade_side=_side(),
        is_external=ExpressionWrapper(
            Q(order__isnull=True) | Q(order__external=True), output_field=BooleanField()
        ),
    )
    if market:
        rows = rows.filter(market=market)
    if symbol:
        rows = rows.filter(symbol__symbol=symbol.strip().upper())
    if since is not None:
        rows = rows.filter(trade_time__gte=since)
    if until is not None:
        rows = rows.filter(trade_time__lt=until)
    return rows.order_by("-trade_time", "-id")


def income_list(
    *, income_type: str | None = None, since: datetime | None = None, symbol: str | None = None
) -> QuerySet[IncomeRecord]:
    rows = IncomeRecord.objects.all()
    if income_type:
        rows = rows.filter(income_type=income_type)
    if since is not None:
        rows = rows.filter(time__gte=since)
    if symbol:
        rows = rows.filter(symbol=symbol.strip().upper())
    return rows.order_by("-time", "-id")


def equity_bucket_count(*, since: datetime, until: datetime, step: str) -> int:
    return int((until - since) / STEPS[step]) + 1


def equity_series(
    *, since: datetime, until: datetime, step: str, market: str = EquityMarket.TOTAL
) -> list[dict[str, Any]]:
    """The last snapshot of each `step` bucket between `since` and `until`, oldest first.

    Buckets are aligned to the epoch (a 1h bucket starts on the hour, UTC); `time` is the bucket's start,
    `taken_at` the snapshot's own time. Empty buckets are left out rather than invented.
    """
    size = STEPS[step].total_seconds()
    last: dict[int, dict[str, Any]] = {}
    rows = (
        EquitySnapshot.objects.filter(market=market, time__gte=since, time__lt=until)
        .order_by("time")
        .values("time", "equity", "wallet", "unrealized")
    )
    for row in rows.iterator(chunk_size=2000):
        last[int(row["time"].timestamp() // size)] = row
    return [
        {
            "time": datetime.fromtimestamp(bucket * size, tz=UTC),
            "taken_at": row["time"],
            "equity": row["equity"],
            "wallet": row["wallet"],
            "unrealized": row["unrealized"],
        }
        for bucket, row in sorted(last.items())
    ]
