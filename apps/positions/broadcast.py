"""Account events to the user's WebSocket group, sent only once the change they describe is committed.

The realtime app owns the transport (`apps.realtime.publish.publish_account_event`); until it is installed
the events are dropped with a debug line, so balances and positions work without it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

from django.db import transaction

from apps.orders.api.fields import plain_decimal

if TYPE_CHECKING:
    from decimal import Decimal

    from apps.positions.models import Balance, Position

logger = logging.getLogger(__name__)

Kind = Literal["balance", "position"]


def _publish(kind: Kind, payload: dict[str, Any]) -> None:
    try:
        from apps.realtime.publish import publish_account_event
    except ImportError:
        logger.debug("no realtime app: %s event not sent", kind)
        return
    try:
        publish_account_event(kind, payload)
    except Exception:  # a broadcast must never undo or fail the change it reports
        logger.exception("could not publish the %s event", kind)


def publish_on_commit(kind: Kind, payload: dict[str, Any]) -> None:
    """Send `payload` after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: _publish(kind, payload))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else plain_decimal(value)


def balance_payload(row: Balance) -> dict[str, Any]:
    """A balance as the WebSocket and REST clients see it: decimals as strings."""
    return {
        "market": row.market,
        "asset": row.asset,
        "free": _text(row.free),
        "locked": _text(row.locked),
        "total": _text(row.total),
        "wallet_balance": _text(row.wallet_balance),
        "cross_wallet_balance": _text(row.cross_wallet_balance),
        "available_balance": _text(row.available_balance),
        "unrealized_pnl": _text(row.unrealized_pnl),
        "updated_at": row.updated_at.isoformat(),
    }


def position_payload(row: Position) -> dict[str, Any]:
    return {
        "symbol": row.symbol.symbol,
        "position_side": row.position_side,
        "quantity": _text(row.quantity),
        "entry_price": _text(row.entry_price),
        "break_even_price": _text(row.break_even_price),
        "leverage": row.leverage,
        "margin_type": row.margin_type,
        "mark_price": _text(row.mark_price),
        "unrealized_pnl": _text(row.unrealized_pnl),
        "liquidation_price": _text(row.liquidation_price),
        "notional": _text(row.notional),
        "updated_at": row.updated_at.isoformat(),
    }
