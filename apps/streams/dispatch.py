"""Which service applies which user-data event: one handler per event type, looked up in a map.

Orders and fills go to `apps.orders.stream_events`; balances and positions to the positions services,
which take Binance's wire event as it came (they also read REST rows of the same shape). Handlers are
synchronous ORM code: the stream calls `dispatch` in a worker thread, one event at a time per stream, in
arrival order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from apps.streams.domain import events as ev

logger = logging.getLogger(__name__)

Handler = Callable[[Any, Mapping[str, Any]], None]


def _positions(name: str) -> Handler:
    """A handler calling `apps.positions.services.<name>(event=<wire event>)`, imported when first used."""

    def handle(_event: Any, raw: Mapping[str, Any]) -> None:
        from apps.positions import services

        getattr(services, name)(event=raw)

    return handle


def _order_update(event: ev.OrderUpdate, _raw: Mapping[str, Any]) -> None:
    from apps.orders.stream_events import order_apply_update

    order_apply_update(update=event)


def _trade_lite(event: ev.TradeLite, _raw: Mapping[str, Any]) -> None:
    from apps.orders.stream_events import order_note_trade_lite

    order_note_trade_lite(event=event)


def _list_status(event: ev.ListStatus, _raw: Mapping[str, Any]) -> None:
    from apps.orders.stream_events import order_list_apply_status

    order_list_apply_status(event=event)


def _algo_update(event: ev.AlgoUpdate, _raw: Mapping[str, Any]) -> None:
    from apps.orders.stream_events import algo_apply_update

    algo_apply_update(event=event)


def _margin_call(event: ev.MarginCall, raw: Mapping[str, Any]) -> None:
    """A margin call is an alert for people: audited, logged at WARNING and shown on the dashboard."""
    from apps.monitoring.services import audit_record
    from apps.realtime.publish import publish_on_commit

    symbols = ", ".join(f"{p.symbol} {p.position_side}" for p in event.positions)
    logger.warning("MARGIN CALL on %s (cross wallet %s)", symbols or "?", event.cross_wallet_balance)
    audit_record(
        actor=None,
        actor_label="user stream",
        action="positions.margin_call",
        target_type="account",
        target_id="USDM",
        after=dict(raw),
    )
    publish_on_commit("position", {"type": "margin_call", "event_time_ms": event.event_time_ms, "event": raw})


def _unhandled(event: ev.Unhandled, raw: Mapping[str, Any]) -> None:
    handler = UNHANDLED_BY_NAME.get(event.event_type)
    if handler is not None:
        handler(event, raw)
    else:
        logger.debug("stream: %s not acted on", event.event_type or "frame without a type")


def _ignore(_event: Any, _raw: Mapping[str, Any]) -> None:
    return None


HANDLERS: Final[dict[type, Handler]] = {
    ev.OrderUpdate: _order_update,
    ev.TradeLite: _trade_lite,
    ev.ListStatus: _list_status,
    ev.AlgoUpdate: _algo_update,
    ev.SpotAccountPosition: _positions("balances_apply_account_position"),
    ev.SpotBalanceUpdate: _positions("balance_apply_delta"),
    ev.FuturesAccountUpdate: _positions("futures_account_update_apply"),
    ev.MarginCall: _margin_call,
    ev.Unhandled: _unhandled,
    # Control events end the connection in the stream client; nothing to store.
    ev.ListenKeyExpired: _ignore,
    ev.StreamTerminated: _ignore,
}

# Event types the parser has no dataclass for, but a service still takes as they come.
UNHANDLED_BY_NAME: Final[dict[str, Handler]] = {
    "ACCOUNT_CONFIG_UPDATE": _positions("futures_account_config_apply"),
}


def dispatch(event: ev.UserEvent, raw: Mapping[str, Any]) -> None:
    """Apply one parsed event (with the wire event it came from) through its handler."""
    HANDLERS[type(event)](event, raw)
