"""The trading-state pre-trade check, registered into apps.orders.pretrade from RiskConfig.ready().

Every order path runs it through `apps.orders.placement.order_check`: new orders (`order_place`), each
leg of OCO/OTO/OTOCO lists, and modifications (`order_modify_request`); the admin site places no orders.
Stored rows only (trading state, balances, positions): it runs in the web request, never calls the
exchange. The rules themselves are in apps.risk.domain.state.order_refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from apps.risk.domain.state import Holdings, TradingStateValue, order_refusal
from apps.risk.selectors import holdings_for, trading_state_effective
from apps.symbols.domain.violations import Violation

if TYPE_CHECKING:
    from apps.orders.domain.intent import PlacementIntent

FILTER: Final = "TRADING_STATE"
# Not an exchange code: the platform refuses the order before the exchange sees it.
CODE: Final = 0


def trading_state_check(intent: PlacementIntent) -> list[Violation]:
    """Refuse what the effective trading state of the order's market and symbol does not allow."""
    effective = trading_state_effective(market=intent.market, symbol=intent.symbol)
    if effective.state == TradingStateValue.ACTIVE:
        return []
    holdings = (
        holdings_for(market=intent.market, symbol=intent.symbol)
        if effective.state == TradingStateValue.REDUCE_ONLY
        else Holdings()
    )
    refusal = order_refusal(intent, effective, holdings)
    if refusal is None:
        return []
    return [Violation(FILTER, CODE, f"Trading is {effective.state}", refusal.explanation, refusal.field)]
