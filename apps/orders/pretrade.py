"""The pre-trade check hook: checks every new order must pass after the exchange filters, before it is saved.

`pretrade_checks` is a registry of pure functions `(intent) -> list[Violation]`. It is empty here; the risk
app appends its checks (position and notional limits, trading state) from its AppConfig.ready(), e.g.

    from apps.orders.pretrade import pretrade_checks
    pretrade_checks.append(check_order_against_limits)

`order_place` runs every registered check and refuses the order (HTTP 400, field-level messages) when any
returns a violation. A check must not do network I/O: it runs in the web request, before the transaction
that records the order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.orders.domain.intent import PlacementIntent
    from apps.symbols.domain.violations import Violation


pretrade_checks: list[Callable[[PlacementIntent], list[Violation]]] = []


def pretrade_violations(intent: PlacementIntent) -> list[Violation]:
    """Every violation the registered checks find, in registration order."""
    found: list[Violation] = []
    for check in pretrade_checks:
        found.extend(check(intent))
    return found
