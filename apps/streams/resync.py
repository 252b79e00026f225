"""The REST resync after every (re)connect: what the exchange says now, applied before any event of the new
connection (those wait in the connection's buffer meanwhile).

Open orders go through the orders reconciliation (adopt, finish, update, with their trades), algo orders
through their own query (open-order reconciliation skips them), balances and USD-M positions through the
positions services. Each step reads the exchange outside any transaction and writes in short ones of its
own; running it twice changes nothing the second time. Synchronous: the stream runs it in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ResyncReport:
    market: str
    orders: dict[str, Any] = field(default_factory=dict)
    algo_changed: list[int] = field(default_factory=list)
    positions_steps: list[str] = field(default_factory=list)


def resync(market: str) -> ResyncReport:
    """Bring our orders, balances and positions of `market` ("SPOT"/"USDM") to what the exchange reports.

    Raises the gateway's error when the exchange cannot be read: the caller drops the connection and
    reconnects (and resyncs) later, since events applied on top of a failed resync could be incomplete.
    """
    from apps.orders.reconcile import orders_reconcile
    from apps.orders.stream_events import algo_orders_resync
    from apps.positions.services import balances_reconcile, positions_reconcile

    report = ResyncReport(market=market)
    report.orders = orders_reconcile(market=market).as_dict()
    if market == "USDM":
        report.algo_changed = algo_orders_resync()
    balances_reconcile(market=market)
    report.positions_steps.append("balances")
    if market == "USDM":
        positions_reconcile()
        report.positions_steps.append("positions")
    return report
