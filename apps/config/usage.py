"""`risk_usage()`: every limit with the account's current use of it (GET /api/risk/usage/). A selector:
stored rows only, read in full (positions, balances, open orders), since the dashboard shows every symbol."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from django.utils import timezone

from apps.config.correlations import OPEN_STATUSES, correlation_view
from apps.config.domain.limits import effective_limits
from apps.config.domain.usage import AccountFigures, limit_usage
from apps.config.domain.values import split_symbol_key, symbol_key
from apps.config.exposure import equity_state
from apps.config.selectors import active_risk_limits, active_trading_config, limits_for
from apps.orders.models import Order
from apps.positions.models import Balance, Position

if TYPE_CHECKING:
    from apps.config.domain.limits import EffectiveLimits
    from apps.config.domain.usage import Usage

ZERO: Final = Decimal(0)


def account_figures(threshold: Decimal) -> AccountFigures:
    exposures: Counter[str] = Counter()
    leverages: dict[str, int] = {}
    for name, notional, leverage in Position.objects.exclude(quantity=0).values_list(
        "symbol__symbol", "notional", "leverage"
    ):
        key = symbol_key("USDM", name)
        exposures[key] += abs(notional)
        if leverage is not None:
            leverages[key] = leverage
    quote = active_trading_config().spot_close_quote_asset
    for asset, free, locked, price in (
        Balance.objects.filter(market="SPOT", usdt_price__isnull=False)
        .exclude(asset=quote)
        .values_list("asset", "free", "locked", "usdt_price")
    ):
        value = (free + locked) * price
        if value:
            exposures[symbol_key("SPOT", f"{asset}{quote}")] += abs(value)
    open_orders = Counter(
        symbol_key(market, name)
        for market, name in Order.objects.filter(status__in=OPEN_STATUSES).values_list(
            "market", "symbol__symbol"
        )
    )
    recent = Order.objects.filter(
        created_at__gte=timezone.now() - timedelta(minutes=1), external=False
    ).count()
    view = correlation_view(threshold)
    groups = {group for group in view.groups.values() if len(group) > 1}
    daily, equity, peak = equity_state()
    return AccountFigures(
        exposures=dict(exposures),
        leverages=leverages,
        open_orders=dict(open_orders),
        open_orders_total=sum(open_orders.values()),
        orders_last_minute=recent,
        daily_pnl=daily,
        equity=equity,
        equity_peak=peak,
        groups=tuple(sorted(groups, key=sorted)),
    )


def _limits_of(key: str) -> EffectiveLimits:
    parsed = split_symbol_key(key)
    return limits_for(*parsed) if parsed else limits_for("", "")


def risk_usage() -> tuple[int, list[Usage]]:
    """(active version, one usage row per limit)."""
    limits = active_risk_limits()
    global_limits = effective_limits(limits.values(), None)
    figures = account_figures(global_limits.correlation_threshold)
    return limits.version, limit_usage(figures, global_limits, _limits_of)
