"""The risk-limit pre-trade check, registered into apps.orders.pretrade from ConfigConfig.ready().

A thin adapter: the effective limits of the order's symbol (hot-reloaded selectors), the account's snapshot
from stored rows (apps.config.exposure), the pure checks (apps.config.domain.checks), and each violation in
the shape order placement answers with (HTTP 400, field-level). Nothing here calls the exchange.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from apps.config.domain.checks import check_order
from apps.config.exposure import risk_snapshot
from apps.config.selectors import limits_for
from apps.symbols.domain.violations import Violation

if TYPE_CHECKING:
    from apps.config.domain.checks import RiskViolation
    from apps.orders.domain.intent import PlacementIntent

# Not an exchange code: the platform refuses the order before the exchange sees it.
RISK_LIMIT_CODE: Final = 0


def risk_violations(intent: PlacementIntent) -> list[RiskViolation]:
    """Every risk limit the order would break, with its figures."""
    limits = limits_for(intent.market, intent.symbol)
    built = risk_snapshot(intent, limits)
    if built is None:  # unknown symbol: the symbol check has refused it already
        return []
    ask, snapshot = built
    return check_order(ask, snapshot, limits)


def risk_limits_check(intent: PlacementIntent) -> list[Violation]:
    """The registered check: `(PlacementIntent) -> list[Violation]`."""
    return [
        Violation(v.limit, RISK_LIMIT_CODE, f"Risk limit {v.limit}", v.message, v.field)
        for v in risk_violations(intent)
    ]


def leverage_ceiling(symbol: str) -> tuple[int, str] | None:
    """The risk limits' max leverage for a USD-M symbol (its override, else the global limit)."""
    from apps.config.selectors import limits_for

    limit = int(limits_for("USDM", symbol).max_leverage)
    return limit, f"the risk limits allow leverage up to {limit} on this symbol."
