"""The account as the risk checks see it, read from stored rows only (no exchange call, ever).

Exposure, in USDT, is |notional| per holding: each USD-M position at its stored notional, and each spot
asset other than the quote asset (TradingConfig.spot_close_quote_asset, USDT) at the USDT price the equity
snapshot stored on its balance. A spot asset X counts as the symbol "SPOT:X<quote>". Open orders do not
count as exposure until they fill (their number is limited instead).

P&L comes from the TOTAL equity snapshots (wallet + unrealized, every minute): today's P&L is the newest
equity minus the last equity before 00:00 UTC (realized and unrealized alike; transfers count too), and
the peak is the highest equity stored (kept in the process and extended by the snapshots added since).

Per order, `risk_snapshot` reads everything fresh with a few small SQL queries (apps.config.exposure_sql):
symbols, positions, spot balances, open orders, orders of the last minute, prices, equity. Only the
correlation groups (apps.config.correlations) and the active limits (apps.config.selectors) are cached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from django.utils import timezone

from apps.config.correlations import OPEN_STATUSES, correlation_view
from apps.config.domain.checks import RiskSnapshot, order_ask
from apps.config.domain.values import split_symbol_key, symbol_key
from apps.config.exposure_sql import (
    SymbolRow,
    asset_prices,
    equity_of,
    equity_peak,
    equity_points,
    order_counts,
    position_rows,
    position_totals,
    spot_totals,
    symbol_rows,
)
from apps.config.selectors import active_trading_config

if TYPE_CHECKING:
    from apps.config.domain.checks import OrderAsk
    from apps.config.domain.limits import EffectiveLimits
    from apps.orders.domain.intent import PlacementIntent

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
# A reference price older than this is not used for the price band (the band is skipped instead).
REFERENCE_MAX_AGE: Final = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class _Peak:
    seen_id: int  # the newest snapshot folded in
    seen_equity: Decimal  # its equity: if that row changed (a restored database), start over
    peak: Decimal


_peak: list[_Peak | None] = [None]
_lock = threading.Lock()


def exposure_caches_clear() -> None:
    _peak[0] = None


def _equity_peak() -> Decimal | None:
    """The highest TOTAL equity stored: the cached peak extended by the snapshots added since."""
    with _lock:
        known = _peak[0]
        if known is not None and equity_of(known.seen_id) != known.seen_equity:
            known = None
        found, last = equity_peak(known.seen_id if known else 0)
        if found is None or last is None:
            return known.peak if known else None
        peak = max(found, known.peak) if known else found
        _peak[0] = _Peak(last, equity_of(last) or ZERO, peak)
        return peak


def equity_state() -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(today's P&L, equity now, equity peak) from the TOTAL equity snapshots."""
    now = timezone.now()
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    newest, start = equity_points(midnight)
    if newest is None:
        return None, None, None
    _, at, equity = newest
    daily = equity - start if start is not None and at >= midnight else None
    return daily, equity, _equity_peak()


def _fresh(at: datetime | None, now: datetime) -> bool:
    return at is not None and now - at <= REFERENCE_MAX_AGE


def reference_price(
    market: str,
    symbol: str,
    row: SymbolRow,
    mark: tuple[Decimal, datetime] | None,
    closes: dict[str, tuple[Decimal, datetime]],
) -> tuple[Decimal | None, str]:
    """(price, what it is): the position's mark price, the cached last close, the snapshot's USDT prices."""
    now = timezone.now()
    if mark is not None and mark[0] > 0 and _fresh(mark[1], now):
        return mark[0], "mark price"
    close = closes.get(symbol_key(market, symbol))
    if close is not None and _fresh(close[1], now):
        return close[0], "last price"
    prices = {**asset_prices([row.base, row.quote]), "USDT": (ONE, None)}
    base, quote = prices.get(row.base), prices.get(row.quote)
    if base and quote and _fresh(base[1], now) and (quote[1] is None or _fresh(quote[1], now)):
        return base[0] / quote[0], "last price"
    return None, ""


def _position(
    intent: PlacementIntent, row: SymbolRow
) -> tuple[Decimal, int | None, tuple[Decimal, datetime] | None]:
    """(signed notional, leverage, (mark, updated)) of the order's USD-M position side."""
    side = intent.position_side if intent.position_side in ("LONG", "SHORT") else "BOTH"
    notional, leverage, mark = ZERO, None, None
    for pos_side, value, lev, mark_price, updated in position_rows(row.id):
        leverage = lev if lev is not None else leverage
        if mark_price and updated is not None and (mark is None or updated > mark[1]):
            mark = (mark_price, updated)
        if pos_side == side:
            notional = value
    return notional, leverage, mark


def _group_members(
    group: frozenset[str], rows: dict[tuple[str, str], SymbolRow], quote: str, own_asset: str | None
) -> tuple[list[int], list[str]]:
    """USD-M symbol ids and spot assets of a correlation group."""
    ids: list[int] = []
    assets: list[str] = [own_asset] if own_asset else []
    for key in group:
        parsed = split_symbol_key(key)
        found = rows.get(parsed) if parsed else None
        if parsed is None or found is None:
            continue
        if parsed[0] == "USDM":
            ids.append(found.id)
        elif found.quote == quote:
            assets.append(found.base)
    return ids, assets


def risk_snapshot(intent: PlacementIntent, limits: EffectiveLimits) -> tuple[OrderAsk, RiskSnapshot] | None:
    """The order's numbers and the account's, for `intent`; None when the symbol is unknown."""
    key = symbol_key(intent.market, intent.symbol)
    view = correlation_view(limits.correlation_threshold)
    group = view.group_of(key)
    pairs = [p for p in (split_symbol_key(k) for k in group | {key}) if p is not None]
    rows = symbol_rows(pairs)
    row = rows.get((intent.market, intent.symbol))
    if row is None:
        return None
    quote = active_trading_config().spot_close_quote_asset
    own_asset = row.base if intent.market == "SPOT" else None
    ids, assets = _group_members(group, rows, quote, own_asset)
    spot_gross, spot_group, spot_own = spot_totals(quote, assets, row.base)
    futures_gross, futures_group = position_totals(ids)
    if intent.market == "USDM":
        position, leverage, mark = _position(intent, row)
    else:
        position, leverage, mark = spot_own, None, None
    since = timezone.now() - timedelta(minutes=1)
    open_total, open_symbol, recent = order_counts(row.id, OPEN_STATUSES, since)
    price, source = reference_price(intent.market, intent.symbol, row, mark, view.last_closes)
    daily, equity, peak = equity_state()
    quote_price = (ONE, None) if row.quote == "USDT" else asset_prices([row.quote]).get(row.quote)
    ask = order_ask(
        key=key,
        side=intent.side,
        quantity=intent.quantity,
        quote_quantity=intent.quote_quantity,
        price=intent.price,
        stop_price=intent.stop_price,
        reference_price=price,
        quote_usdt=quote_price[0] if quote_price else None,
        reduce_only=intent.reduce_only or intent.close_position,
    )
    snapshot = RiskSnapshot(
        position_notional=position,
        gross_exposure=spot_gross + futures_gross,
        correlated=group,
        correlated_exposure=spot_group + futures_group,
        open_orders_symbol=open_symbol,
        open_orders_total=open_total,
        orders_last_minute=recent,
        reference_price=price,
        reference_source=source,
        leverage=leverage if intent.market == "USDM" else None,
        daily_pnl=daily,
        equity=equity,
        equity_peak=peak,
    )
    return ask, snapshot
