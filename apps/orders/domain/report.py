"""What the exchange reports about an order, and the checks before we believe it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

# Average prices are stored with 18 decimals (the column's scale); the exact value is cumulative/executed.
_AVG_SCALE = Decimal(1).scaleb(-18)


class ReportMismatch(ValueError):
    """A report names a different order than the one it is being applied to."""


@dataclass(frozen=True, slots=True)
class ExchangeReport:
    """The exchange's view of one order: from a REST response, a user-stream event or a query."""

    client_order_id: str
    exchange_order_id: int | None
    status: str
    executed_qty: Decimal
    cumulative_quote: Decimal
    update_time: datetime | None = None


def average_price(executed_qty: Decimal, cumulative_quote: Decimal) -> Decimal | None:
    """cumulative quote / executed quantity, the one average Binance's figures imply; None before any fill."""
    if executed_qty <= 0:
        return None
    return (cumulative_quote / executed_qty).quantize(_AVG_SCALE, rounding=ROUND_HALF_EVEN)


def check_report_ids(*, client_order_id: str, exchange_order_id: int | None, report: ExchangeReport) -> None:
    """Refuse a report about another order: both ids must match the ones we hold (when we hold one)."""
    if report.client_order_id != client_order_id:
        raise ReportMismatch(
            f"report for clientOrderId {report.client_order_id!r} applied to order {client_order_id!r}"
        )
    if exchange_order_id is not None and report.exchange_order_id not in (None, exchange_order_id):
        raise ReportMismatch(
            f"report for orderId {report.exchange_order_id} applied to order with orderId {exchange_order_id}"
        )
