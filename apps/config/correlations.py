"""The kline cache and correlation matrix behind the correlated-exposure check and the price band.

- `klines_refresh()` (the beat job, never a request): fetches recent klines through the gateway for the
  symbols that matter (held, with open orders, traded in the last day, on the watch list), stores their
  closes in `KlineCache`, computes Pearson's r over the active window and stores a `CorrelationMatrix`.
- `correlation_view()` (the request path): the newest matrix, its groups at the active threshold and the
  cached last closes, kept in the process and re-checked against the newest matrix id every few seconds:
  one indexed one-column query then, nothing in between.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db.models import Q
from django.utils import timezone

from apps.config.domain.correlation import (
    correlated_groups,
    correlation_matrix,
    matrix_from_bytes,
    matrix_to_bytes,
)
from apps.config.domain.values import split_symbol_key, symbol_key
from apps.config.models import CorrelationMatrix, KlineCache
from apps.config.selectors import active_risk_limits, active_trading_config
from apps.exchange.domain.errors import ExchangeError
from apps.orders.models import Order
from apps.positions.models import Balance, Position
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from apps.exchange.gateway.base import ExchangeGateway

logger = logging.getLogger(__name__)

OPEN_STATUSES: Final = ("PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_CANCEL", "UNKNOWN")
MAX_SYMBOLS: Final = 1000
KEEP_MATRICES: Final = 3
# Cached closes older than this are left out of the matrix (a symbol nobody holds any more).
STALE_AFTER: Final = timedelta(days=1)
VIEW_CHECK_EVERY: Final = 5.0
_GATEWAY_MARKET: Final = {"SPOT": "spot", "USDM": "futures"}


# ---------------------------------------------------------------- the job


def tracked_symbols() -> list[tuple[str, str]]:
    """(market, symbol) of everything held, ordered, recently traded or watched; listed symbols only."""
    quote = active_trading_config().spot_close_quote_asset
    wanted: set[tuple[str, str]] = set()
    wanted.update(
        ("USDM", s) for s in Position.objects.exclude(quantity=0).values_list("symbol__symbol", flat=True)
    )
    held = Balance.objects.filter(market="SPOT").filter(Q(free__gt=0) | Q(locked__gt=0)).exclude(asset=quote)
    wanted.update(("SPOT", f"{asset}{quote}") for asset in held.values_list("asset", flat=True))
    since = timezone.now() - timedelta(days=1)
    recent = Order.objects.filter(Q(status__in=OPEN_STATUSES) | Q(created_at__gte=since))
    wanted.update(recent.values_list("market", "symbol__symbol").distinct())
    for key in active_trading_config().watch_symbols:
        parsed = split_symbol_key(key)
        if parsed is not None:
            wanted.add(parsed)
    listed = set(
        Symbol.objects.filter(is_listed=True, symbol__in={s for _, s in wanted}).values_list(
            "market", "symbol"
        )
    )
    return sorted(wanted & listed)[:MAX_SYMBOLS]


def _store_klines(gateway: ExchangeGateway, market: str, symbol: str, interval: str, window: int) -> None:
    # window + 1 closed candles make `window` returns; one more for the candle still open.
    klines = gateway.klines(_GATEWAY_MARKET[market], symbol, interval, limit=window + 2)  # type: ignore[arg-type]
    if not klines:
        return
    now = timezone.now()
    now_ms = int(now.timestamp() * 1000)
    last = klines[-1]
    # The newest candle is still open: its close is the last price (a price reference), not a return.
    closed = [k for k in klines if k.close_time_ms < now_ms][-(window + 1) :]
    last_at = (
        now
        if last.close_time_ms >= now_ms
        else datetime.fromtimestamp(last.close_time_ms / 1000, tz=now.tzinfo)
    )
    KlineCache.objects.update_or_create(
        market=market,
        symbol=symbol,
        interval=interval,
        defaults={
            "closes": [[k.open_time_ms, str(k.close)] for k in closed],
            "last_close": last.close,
            "last_close_at": last_at,
            "fetched_at": now,
        },
    )


def correlation_store(*, interval: str, window: int) -> CorrelationMatrix:
    """Compute r over the cached closes of `interval` and store it as the newest matrix."""
    cutoff = timezone.now() - STALE_AFTER
    series = {
        symbol_key(row.market, row.symbol): [(int(t), Decimal(c)) for t, c in row.closes]
        for row in KlineCache.objects.filter(interval=interval, fetched_at__gte=cutoff)
    }
    keys, matrix = correlation_matrix(series, window)
    stored = CorrelationMatrix.objects.create(
        interval=interval, window=window, keys=keys, matrix=matrix_to_bytes(matrix)
    )
    old = CorrelationMatrix.objects.order_by("-id").values_list("id", flat=True)[KEEP_MATRICES:]
    CorrelationMatrix.objects.filter(id__in=list(old)).delete()
    return stored


def klines_refresh(*, gateway: ExchangeGateway | None = None) -> dict[str, Any]:
    """Fetch klines of the tracked symbols and store a new correlation matrix. Idempotent; a symbol the
    exchange refuses is skipped (and named in the result), the others are still stored."""
    from apps.exchange.gateway import get_gateway

    gateway = gateway or get_gateway()
    limits = active_risk_limits()
    failed: list[str] = []
    symbols = tracked_symbols()
    for market, symbol in symbols:
        try:
            _store_klines(gateway, market, symbol, limits.correlation_interval, limits.correlation_window)
        except ExchangeError as error:
            logger.warning("klines of %s %s not fetched: %s", market, symbol, error)
            failed.append(symbol_key(market, symbol))
    stored = correlation_store(interval=limits.correlation_interval, window=limits.correlation_window)
    return {"symbols": len(symbols), "failed": failed, "correlated": len(stored.keys)}


# ---------------------------------------------------------------- the request path


@dataclass(slots=True)
class CorrelationView:
    matrix_id: int | None = None
    keys: list[str] = field(default_factory=list)
    matrix: NDArray[np.float32] | None = None
    threshold: Decimal | None = None
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    last_closes: dict[str, tuple[Decimal, datetime]] = field(default_factory=dict)
    checked: float = 0.0

    def group_of(self, key: str) -> frozenset[str]:
        return self.groups.get(key) or frozenset({key})


_view = CorrelationView()
_view_lock = threading.Lock()


def _reload(view: CorrelationView, matrix_id: int | None) -> CorrelationView:
    fresh = CorrelationView(matrix_id=matrix_id)
    row = CorrelationMatrix.objects.filter(pk=matrix_id).first() if matrix_id else None
    if row is not None and row.keys:
        fresh.keys = list(row.keys)
        fresh.matrix = matrix_from_bytes(bytes(row.matrix), len(fresh.keys))
    for market, symbol, close, at in KlineCache.objects.filter(last_close__isnull=False).values_list(
        "market", "symbol", "last_close", "last_close_at"
    ):
        fresh.last_closes[symbol_key(market, symbol)] = (close, at)
    return fresh


def correlation_view(threshold: Decimal) -> CorrelationView:
    """The newest matrix's groups at `threshold`, and the cached last closes (checked every few seconds)."""
    global _view
    view = _view
    now = time.monotonic()
    if now - view.checked < VIEW_CHECK_EVERY and view.threshold == threshold:
        return view
    with _view_lock:
        view = _view
        if now - view.checked >= VIEW_CHECK_EVERY:
            newest = CorrelationMatrix.objects.order_by("-id").values_list("id", flat=True).first()
            if newest != view.matrix_id:
                view = _reload(view, newest)
            view.checked = now
        if view.threshold != threshold:
            matrix = view.matrix
            view.groups = correlated_groups(view.keys, matrix, float(threshold)) if matrix is not None else {}
            view.threshold = threshold
        _view = view
    return view


def correlation_view_clear() -> None:
    global _view
    _view = CorrelationView()
