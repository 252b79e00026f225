"""Binance user-data JSON → the typed events of `domain/events.py`. Pure: no Django, no I/O.

Amounts become Decimal from the exact strings (a JSON number read with `parse_float=Decimal` works too;
a float never does: it is refused, so a caller that forgot `parse_float` finds out at once). Frames may
come bare (futures `/private/ws`), wrapped by a combined stream (`{"stream", "data"}`) or by the spot
WebSocket API (`{"subscriptionId", "event"}`); `unwrap` removes either wrapper.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from apps.streams.domain.events import (
    AlgoUpdate,
    FuturesAccountUpdate,
    FuturesBalanceChange,
    FuturesPositionChange,
    ListenKeyExpired,
    ListOrder,
    ListStatus,
    MarginCall,
    MarginCallPosition,
    OrderUpdate,
    SpotAccountPosition,
    SpotBalance,
    SpotBalanceUpdate,
    StreamTerminated,
    Trade,
    TradeLite,
    Unhandled,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from apps.streams.domain.events import UserEvent


class EventFormatError(ValueError):
    """A user-data event lacks a field it must have, or carries one that is not a number."""


def dec(value: Any) -> Decimal:
    if isinstance(value, float):
        raise EventFormatError(f"float {value!r} in a user-data event; parse JSON with parse_float=Decimal")
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise EventFormatError(f"not a number: {value!r}") from exc


def _opt_dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else dec(value)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise EventFormatError(f"not an integer: {value!r}") from exc


def _opt_int(value: Any) -> int | None:
    return None if value in (None, "", 0, "0") else _int(value)


def unwrap(frame: Mapping[str, Any]) -> dict[str, Any]:
    """The event inside a combined-stream or WS-API frame (the frame itself when it is bare)."""
    if "event" in frame and "subscriptionId" in frame:
        return dict(frame["event"])
    if "data" in frame and "stream" in frame:
        return dict(frame["data"])
    return dict(frame)


def _spot_trade(e: Mapping[str, Any]) -> Trade | None:
    trade_id = _int(e.get("t", -1))
    if trade_id < 0 or dec(e.get("l", "0")) <= 0:
        return None
    return Trade(
        trade_id=trade_id,
        price=dec(e["L"]),
        quantity=dec(e["l"]),
        quote_quantity=dec(e["Y"]) if "Y" in e else dec(e["L"]) * dec(e["l"]),
        commission=dec(e.get("n") or "0"),
        commission_asset=str(e.get("N") or ""),
        is_maker=bool(e.get("m", False)),
        time_ms=_int(e["T"]),
    )


def execution_report(e: Mapping[str, Any]) -> OrderUpdate:
    list_id = _int(e.get("g", -1))
    return OrderUpdate(
        market="SPOT",
        event_time_ms=_int(e["E"]),
        transaction_time_ms=_int(e["T"]),
        symbol=str(e["s"]),
        client_order_id=str(e["c"]),
        original_client_order_id=str(e.get("C") or ""),
        order_id=_int(e["i"]),
        side=str(e["S"]),
        order_type=str(e["o"]),
        time_in_force=str(e.get("f") or ""),
        quantity=dec(e["q"]),
        price=dec(e["p"]),
        stop_price=dec(e.get("P") or "0"),
        execution_type=str(e["x"]),
        status=str(e["X"]),
        reject_reason=str(e.get("r") or ""),
        cumulative_qty=dec(e["z"]),
        cumulative_quote=dec(e["Z"]),
        trade=_spot_trade(e),
        order_list_id=list_id if list_id >= 0 else None,
        quote_order_qty=_opt_dec(e.get("Q")),
    )


def _futures_trade(o: Mapping[str, Any]) -> Trade | None:
    trade_id = _int(o.get("t", 0))
    if trade_id <= 0 or dec(o.get("l", "0")) <= 0:
        return None
    return Trade(
        trade_id=trade_id,
        price=dec(o["L"]),
        quantity=dec(o["l"]),
        quote_quantity=dec(o["L"]) * dec(o["l"]),
        commission=dec(o.get("n") or "0"),
        commission_asset=str(o.get("N") or ""),
        is_maker=bool(o.get("m", False)),
        time_ms=_int(o["T"]),
        realized_pnl=_opt_dec(o.get("rp")),
    )


def order_trade_update(e: Mapping[str, Any]) -> OrderUpdate:
    o = e["o"]
    executed = dec(o["z"])
    # The event has no cumulative quote; average times executed is what Binance's own cumQuote is.
    average = dec(o.get("ap") or "0")
    return OrderUpdate(
        market="USDM",
        event_time_ms=_int(e["E"]),
        transaction_time_ms=_int(o.get("T", e.get("T", e["E"]))),
        symbol=str(o["s"]),
        client_order_id=str(o["c"]),
        original_client_order_id="",
        order_id=_int(o["i"]),
        side=str(o["S"]),
        order_type=str(o["o"]),
        time_in_force=str(o.get("f") or ""),
        quantity=dec(o["q"]),
        price=dec(o["p"]),
        stop_price=dec(o.get("sp") or "0"),
        execution_type=str(o["x"]),
        status=str(o["X"]),
        reject_reason=str(o.get("er") or ""),
        cumulative_qty=executed,
        cumulative_quote=average * executed,
        trade=_futures_trade(o),
        original_type=str(o.get("ot") or ""),
        reduce_only=bool(o.get("R", False)),
        position_side=str(o.get("ps") or ""),
        close_position=bool(o.get("cp", False)),
    )


def trade_lite(e: Mapping[str, Any]) -> TradeLite:
    return TradeLite(
        event_time_ms=_int(e["E"]),
        transaction_time_ms=_int(e["T"]),
        symbol=str(e["s"]),
        client_order_id=str(e["c"]),
        order_id=_int(e["i"]),
        side=str(e["S"]),
        price=dec(e["p"]),
        quantity=dec(e["q"]),
        last_price=dec(e["L"]),
        last_quantity=dec(e["l"]),
        trade_id=_int(e["t"]),
        is_maker=bool(e.get("m", False)),
    )


def list_status(e: Mapping[str, Any]) -> ListStatus:
    return ListStatus(
        event_time_ms=_int(e["E"]),
        transaction_time_ms=_int(e["T"]),
        symbol=str(e["s"]),
        order_list_id=_int(e["g"]),
        contingency_type=str(e["c"]),
        list_status_type=str(e["l"]),
        list_order_status=str(e["L"]),
        list_reject_reason=str(e.get("r") or ""),
        list_client_order_id=str(e["C"]),
        orders=tuple(
            ListOrder(symbol=str(o["s"]), order_id=_int(o["i"]), client_order_id=str(o["c"]))
            for o in e.get("O", [])
        ),
    )


def account_position(e: Mapping[str, Any]) -> SpotAccountPosition:
    return SpotAccountPosition(
        event_time_ms=_int(e["E"]),
        last_update_ms=_int(e.get("u", e["E"])),
        balances=tuple(
            SpotBalance(asset=str(b["a"]), free=dec(b["f"]), locked=dec(b["l"])) for b in e.get("B", [])
        ),
    )


def balance_update(e: Mapping[str, Any]) -> SpotBalanceUpdate:
    return SpotBalanceUpdate(
        event_time_ms=_int(e["E"]), asset=str(e["a"]), delta=dec(e["d"]), clear_time_ms=_int(e["T"])
    )


def account_update(e: Mapping[str, Any]) -> FuturesAccountUpdate:
    a = e["a"]
    return FuturesAccountUpdate(
        event_time_ms=_int(e["E"]),
        transaction_time_ms=_int(e.get("T", e["E"])),
        reason=str(a.get("m") or ""),
        balances=tuple(
            FuturesBalanceChange(
                asset=str(b["a"]),
                wallet_balance=dec(b["wb"]),
                cross_wallet_balance=dec(b["cw"]),
                balance_change=dec(b.get("bc") or "0"),
            )
            for b in a.get("B", [])
        ),
        positions=tuple(
            FuturesPositionChange(
                symbol=str(p["s"]),
                position_side=str(p.get("ps") or "BOTH"),
                amount=dec(p["pa"]),
                entry_price=dec(p["ep"]),
                breakeven_price=_opt_dec(p.get("bep")),
                accumulated_realized=dec(p.get("cr") or "0"),
                unrealized_pnl=dec(p.get("up") or "0"),
                margin_type=str(p.get("mt") or ""),
                isolated_wallet=dec(p.get("iw") or "0"),
            )
            for p in a.get("P", [])
        ),
    )


def margin_call(e: Mapping[str, Any]) -> MarginCall:
    return MarginCall(
        event_time_ms=_int(e["E"]),
        cross_wallet_balance=_opt_dec(e.get("cw")),
        positions=tuple(
            MarginCallPosition(
                symbol=str(p["s"]),
                position_side=str(p.get("ps") or "BOTH"),
                amount=dec(p["pa"]),
                margin_type=str(p.get("mt") or ""),
                isolated_wallet=dec(p.get("iw") or "0"),
                mark_price=dec(p["mp"]),
                unrealized_pnl=dec(p.get("up") or "0"),
                maintenance_margin=dec(p.get("mm") or "0"),
            )
            for p in e.get("p", [])
        ),
    )


def algo_update(e: Mapping[str, Any]) -> AlgoUpdate:
    o = e["o"]
    return AlgoUpdate(
        event_time_ms=_int(e["E"]),
        transaction_time_ms=_int(e.get("T", e["E"])),
        client_algo_id=str(o["caid"]),
        algo_id=_int(o["aid"]),
        algo_type=str(o.get("at") or ""),
        order_type=str(o["o"]),
        symbol=str(o["s"]),
        side=str(o["S"]),
        position_side=str(o.get("ps") or ""),
        time_in_force=str(o.get("f") or ""),
        quantity=dec(o.get("q") or "0"),
        status=str(o["X"]),
        actual_order_id=_opt_int(o.get("ai")),
        actual_price=dec(o.get("ap") or "0"),
        actual_quantity=dec(o.get("aq") or "0"),
        trigger_price=dec(o.get("tp") or "0"),
        price=dec(o.get("p") or "0"),
        working_type=str(o.get("wt") or ""),
        close_position=bool(o.get("cp", False)),
        reduce_only=bool(o.get("R", False)),
        trigger_time_ms=_int(o.get("tt") or 0),
        reject_reason=str(o.get("rm") or ""),
    )


def listen_key_expired(e: Mapping[str, Any]) -> ListenKeyExpired:
    # Binance's documentation shows `E` as a string here; accept both.
    return ListenKeyExpired(event_time_ms=_int(e.get("E", 0)), listen_key=str(e.get("listenKey") or ""))


def stream_terminated(e: Mapping[str, Any]) -> StreamTerminated:
    return StreamTerminated(event_time_ms=_int(e.get("E", 0)))


PARSERS: Final[dict[str, Callable[[Mapping[str, Any]], UserEvent]]] = {
    "executionReport": execution_report,
    "listStatus": list_status,
    "outboundAccountPosition": account_position,
    "balanceUpdate": balance_update,
    "eventStreamTerminated": stream_terminated,
    "ORDER_TRADE_UPDATE": order_trade_update,
    "TRADE_LITE": trade_lite,
    "ACCOUNT_UPDATE": account_update,
    "MARGIN_CALL": margin_call,
    "ALGO_UPDATE": algo_update,
    "listenKeyExpired": listen_key_expired,
}


def parse_event(frame: Mapping[str, Any]) -> UserEvent:
    """One user-data frame → its typed event; raises EventFormatError when a known event is malformed."""
    event = unwrap(frame)
    kind = str(event.get("e") or "")
    parser = PARSERS.get(kind)
    if parser is None:
        return Unhandled(event_type=kind, raw=event)
    try:
        return parser(event)
    except KeyError as exc:
        raise EventFormatError(f"{kind} without field {exc}") from exc
