"""History import: the account's trades (spot myTrades, USD-M userTrades) and USD-M income, since a date.

Idempotent: a trade lands as a Fill once (unique symbol + trade id, the same rule the user stream obeys),
an income line once (unique market + tranId + type + asset). Resumable: each symbol's trades and the income
have an ImportCursor, moved in the same transaction as the page it covers, so a run that dies resumes
after the last committed page. Trades of orders the platform does not know (placed outside it with our
key) become fills without an order, naming the exchange's orderId.

Paging follows Binance's rules: trades by `fromId` once one trade is known; before that, the newest page
tells whether `since` is within reach, else time windows walk forward from `since` (spot myTrades takes
24 hours per window, USD-M userTrades 7 days). Income pages forward by `startTime`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.utils import timezone

from apps.orders.models import Fill, Order
from apps.positions.common import GATEWAY_MARKET, from_ms, market_of, to_ms
from apps.positions.models import Balance, ImportCursor, IncomeRecord, Position
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from apps.exchange.domain.types import AccountTrade, Income

logger = logging.getLogger(__name__)

DEFAULT_SINCE: Final = timedelta(days=30)
TRADES_LIMIT: Final = 1000
INCOME_LIMIT: Final = 1000
TRADE_WINDOW: Final = {"SPOT": timedelta(hours=24), "USDM": timedelta(days=7)}
INCOME_WINDOW: Final = timedelta(days=7)
_CURSOR_PREFIX: Final = {"SPOT": "spot_trades", "USDM": "usdm_trades"}
INCOME_CURSOR: Final = "usdm_income"
# Orders that may already have trades at the exchange while we do not know their orderId yet.
_UNACKNOWLEDGED: Final = ("PENDING_NEW", "UNKNOWN")


@dataclass(slots=True)
class ImportReport:
    market: str
    since: str
    trades_added: int = 0
    external_trades_added: int = 0
    income_added: int = 0
    symbols: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)  # symbols stopped at a trade of an unacknowledged order

    def as_dict(self) -> dict[str, Any]:
        return {
            "market": self.market,
            "since": self.since,
            "trades_added": self.trades_added,
            "external_trades_added": self.external_trades_added,
            "income_added": self.income_added,
            "symbols": self.symbols,
            "deferred": self.deferred,
        }


class _Deferred(Exception):
    """A trade of an unknown order while one of ours on the symbol awaits its orderId: try next run."""


# ---------------------------------------------------------------- which symbols


def _symbols(market: str) -> set[str]:
    """Symbols the account may have traded: ours (orders, fills, positions, income, cursors) and, on spot,
    every listed pair of two assets the wallet holds (trades placed outside the platform move both)."""
    names = set(Order.objects.filter(market=market).values_list("symbol__symbol", flat=True))
    names |= set(Fill.objects.filter(market=market).values_list("symbol__symbol", flat=True))
    prefix = f"{_CURSOR_PREFIX[market]}:"
    names |= {
        w.removeprefix(prefix)
        for w in ImportCursor.objects.filter(what__startswith=prefix).values_list("what", flat=True)
    }
    if market == "USDM":
        names |= set(Position.objects.values_list("symbol__symbol", flat=True))
        names |= set(IncomeRecord.objects.exclude(symbol="").values_list("symbol", flat=True))
    else:
        assets = set(Balance.objects.filter(market="SPOT").values_list("asset", flat=True))
        names |= set(
            Symbol.objects.filter(
                market="SPOT", is_listed=True, base_asset__in=assets, quote_asset__in=assets
            ).values_list("symbol", flat=True)
        )
    return set(Symbol.objects.filter(market=market, symbol__in=names).values_list("symbol", flat=True))


# ---------------------------------------------------------------- trades


def _adopt_orphans(symbol: Symbol) -> None:
    """Fills imported before we knew their order (it was still being acknowledged) join it now."""
    for fill in Fill.objects.filter(symbol=symbol, order__isnull=True, exchange_order_id__isnull=False):
        order_id = (
            Order.objects.filter(symbol=symbol, exchange_order_id=fill.exchange_order_id)
            .values_list("pk", flat=True)
            .first()
        )
        if order_id is not None:
            Fill.objects.filter(pk=fill.pk, order__isnull=True).update(order_id=order_id)


def _store_trade(symbol: Symbol, trade: AccountTrade, orders: dict[int, int]) -> tuple[bool, bool]:
    """(added, external) for one trade; a known trade id is left as it is."""
    order_id = orders.get(trade.order_id)
    if order_id is None:
        found = (
            Order.objects.filter(symbol=symbol, exchange_order_id=trade.order_id)
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            orders[trade.order_id] = order_id = found
        elif Order.objects.filter(
            symbol=symbol, status__in=_UNACKNOWLEDGED, exchange_order_id__isnull=True
        ).exists():
            raise _Deferred(symbol.symbol)
    fill, created = Fill.objects.get_or_create(
        symbol=symbol,
        exchange_trade_id=trade.trade_id,
        defaults={
            "order_id": order_id,
            "exchange_order_id": trade.order_id,
            "side": trade.side,
            "market": symbol.market,
            "price": trade.price,
            "quantity": trade.quantity,
            "quote_quantity": trade.quote_quantity or trade.price * trade.quantity,
            "commission": trade.commission,
            "commission_asset": trade.commission_asset,
            "is_maker": trade.maker,
            "realized_pnl": trade.realized_pnl if symbol.market == "USDM" else None,
            "trade_time": from_ms(trade.time_ms),
        },
    )
    if not created and fill.exchange_order_id is None:
        Fill.objects.filter(pk=fill.pk).update(exchange_order_id=trade.order_id)
    return created, created and order_id is None


def _store_page(
    symbol: Symbol, cursor: ImportCursor, page: list[AccountTrade], since_ms: int, report: ImportReport
) -> None:
    """One page and the cursor after it, in one transaction: an interruption loses at most this page."""
    orders: dict[int, int] = {}
    deferred = False
    with transaction.atomic():
        for trade in sorted(page, key=lambda t: t.trade_id):
            if trade.time_ms >= since_ms:
                try:
                    added, external = _store_trade(symbol, trade, orders)
                except _Deferred:
                    # Keep what came before this trade; the cursor stops right before it.
                    deferred = True
                    break
                report.trades_added += added
                report.external_trades_added += external
            cursor.last_id = trade.trade_id
            cursor.last_time = from_ms(trade.time_ms)
            cursor.updated_at = timezone.now()
        cursor.save()
    if deferred:
        raise _Deferred(symbol.symbol)


def _first_trades(
    gateway: Any, market: str, symbol: str, cursor: ImportCursor, since_ms: int
) -> list[AccountTrade]:
    """The first page to import when no trade is known yet (empty: none since `since`).

    Spot myTrades without times answers the account's newest trades: when that page reaches back to
    `since` (or holds every trade there is) it is the whole story, in one call. USD-M userTrades without
    times answers the last 7 days only, so there the windows are walked from `since` at once.
    """
    gw_market = GATEWAY_MARKET[market]
    if cursor.last_time is None and market == "SPOT":
        newest = gateway.account_trades(gw_market, symbol, limit=TRADES_LIMIT)
        if not newest:
            return []
        if len(newest) < TRADES_LIMIT or min(t.time_ms for t in newest) <= since_ms:
            return [t for t in newest if t.time_ms >= since_ms] or newest[-1:]
    start = to_ms(cursor.last_time) if cursor.last_time else since_ms
    window = int(TRADE_WINDOW[market].total_seconds() * 1000)
    now_ms = to_ms(timezone.now())
    while start <= now_ms:
        page = gateway.account_trades(gw_market, symbol, start_ms=start, limit=TRADES_LIMIT)
        if page:
            return page
        start += window
        # Remember the empty windows walked, so a rerun does not walk them again.
        cursor.last_time = from_ms(min(start, now_ms))
        cursor.updated_at = timezone.now()
        cursor.save()
    return []


def _import_trades(gateway: Any, market: str, symbol: Symbol, since_ms: int, report: ImportReport) -> None:
    _adopt_orphans(symbol)
    cursor, _ = ImportCursor.objects.get_or_create(what=f"{_CURSOR_PREFIX[market]}:{symbol.symbol}")
    if cursor.last_id is None:
        page = _first_trades(gateway, market, symbol.symbol, cursor, since_ms)
        if not page:
            return
        _store_page(symbol, cursor, page, since_ms, report)
    # From the newest trade known, by id, until a page comes back short (nothing newer left).
    while cursor.last_id is not None:
        last = cursor.last_id
        page = gateway.account_trades(
            GATEWAY_MARKET[market], symbol.symbol, from_id=last + 1, limit=TRADES_LIMIT
        )
        if page:
            _store_page(symbol, cursor, page, since_ms, report)
        # A short page is the end; so is one that did not move forward (never loop on a bad answer).
        if len(page) < TRADES_LIMIT or cursor.last_id <= last:
            return


# ---------------------------------------------------------------- income


def _store_income(rows: Iterable[Income]) -> int:
    added = 0
    for row in rows:
        _, created = IncomeRecord.objects.get_or_create(
            market="USDM",
            exchange_tran_id=row.tran_id,
            income_type=row.income_type,
            asset=row.asset,
            defaults={
                "amount": row.amount,
                "symbol": row.symbol,
                "time": from_ms(row.time_ms),
                "trade_id": row.trade_id,
                "info": row.info[:200],
            },
        )
        added += created
    return added


def _import_income(gateway: Any, since_ms: int, report: ImportReport) -> None:
    cursor, _ = ImportCursor.objects.get_or_create(what=INCOME_CURSOR)
    start = max(since_ms, to_ms(cursor.last_time)) if cursor.last_time else since_ms
    window = int(INCOME_WINDOW.total_seconds() * 1000)
    while True:
        page = gateway.income(start_ms=start, limit=INCOME_LIMIT)
        now_ms = to_ms(timezone.now())
        if not page:
            # Binance may answer a startTime alone with one window only: walk on until now.
            if start + window >= now_ms:
                return
            start += window
            continue
        newest = max(r.time_ms for r in page)
        with transaction.atomic():
            report.income_added += _store_income(page)
            cursor.last_time = from_ms(newest)
            cursor.updated_at = timezone.now()
            cursor.save()
        if len(page) < INCOME_LIMIT:
            return
        # Rows of the newest instant may continue on the next page: start there again (known rows are
        # skipped). A full page of one instant would loop, so then move past it.
        start = newest if newest > start else start + 1


# ---------------------------------------------------------------- the service


def history_import(
    *, market: str, since: datetime | None = None, symbols: Iterable[str] | None = None
) -> ImportReport:
    """Import the market's trades (and USD-M income) since `since` (default 30 days), resuming cursors.

    `symbols` limits the trade import to those; by default every symbol the account may have traded (see
    `_symbols`). Exchange errors propagate after the pages already stored are kept.
    """
    from apps.exchange.gateway import get_gateway

    market = market_of(market)
    since = since or timezone.now() - DEFAULT_SINCE
    since_ms = to_ms(since)
    report = ImportReport(market, since.isoformat())
    gateway = get_gateway()
    if market == "USDM":
        _import_income(gateway, since_ms, report)
    names = {s.strip().upper() for s in symbols} if symbols is not None else _symbols(market)
    rows = Symbol.objects.filter(market=market, symbol__in=names).order_by("symbol")
    for symbol in rows:
        report.symbols.append(symbol.symbol)
        try:
            _import_trades(gateway, market, symbol, since_ms, report)
        except _Deferred:
            report.deferred.append(symbol.symbol)
    logger.info("history import %s: %s", market, report.as_dict())
    return report
