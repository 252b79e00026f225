"""Writes of the symbols app: fetching exchangeInfo and applying it to the stored symbols, as a diff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.utils import timezone

from apps.monitoring.services import audit_record
from apps.symbols.domain.diff import StoredSymbol, SymbolDiff, diff_symbols
from apps.symbols.domain.exchange_info import (
    FILTER_FIELDS,
    MARKETS,
    ExchangeInfoError,
    parse_filters,
    parse_symbol,
)
from apps.symbols.domain.status import blocked_reason
from apps.symbols.models import Severity, Symbol, SymbolEvent, SymbolEventKind

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from django.contrib.auth.models import AbstractBaseUser

    from apps.exchange.domain.weights import Market as GatewayMarket
    from apps.symbols.domain.exchange_info import Market, SymbolInfo

logger = logging.getLogger(__name__)

_INFO_FIELDS: Final[tuple[str, ...]] = (
    "status",
    "base_asset",
    "quote_asset",
    "margin_asset",
    "contract_type",
    "base_precision",
    "quote_precision",
    "price_precision",
    "quantity_precision",
    "iceberg_allowed",
    "oco_allowed",
    "quote_order_qty_market_allowed",
    "allow_trailing_stop",
)
_LIST_FIELDS: Final[tuple[str, ...]] = ("order_types", "time_in_force", "permissions")
_UPDATE_FIELDS: Final[list[str]] = [
    *_INFO_FIELDS,
    *_LIST_FIELDS,
    *FILTER_FIELDS,
    "raw",
    "is_listed",
    "listed_at",
    "status_changed_at",
    "delisted_at",
    "updated_at",
]
_ACTOR_LABEL: Final = "symbols-sync"
# The symbols app names markets as the back office does; the gateway names them after Binance's APIs.
GATEWAY_MARKET: Final[dict[Market, GatewayMarket]] = {"SPOT": "spot", "USDM": "futures"}


@dataclass(frozen=True, slots=True)
class SyncResult:
    market: str
    # The first sync of a market stores everything quietly: hundreds of "listed" alerts would be noise.
    initial: bool
    total: int
    diff: SymbolDiff

    def summary(self) -> str:
        """One line for logs, the command and the admin, e.g. "SPOT: 25 symbols; 1 listed, ..."."""
        if self.initial:
            return f"{self.market}: {self.total} symbols stored (first sync)"
        d = self.diff
        return (
            f"{self.market}: {self.total} symbols; {len(d.listed)} listed, {len(d.status_changed)} status "
            f"changes, {len(d.delisted)} delisted, {len(d.filters_changed)} with new rules"
        )


def _values(info: SymbolInfo, raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(info, name) for name in _INFO_FIELDS}
    values.update({name: list(getattr(info, name)) for name in _LIST_FIELDS})
    values.update({name: getattr(info.filters, name) for name in FILTER_FIELDS})
    values["raw"] = dict(raw)
    return values


def _parse_all(market: Market, raw_symbols: Sequence[Mapping[str, Any]]) -> dict[str, tuple[SymbolInfo, Any]]:
    # All or nothing: skipping a symbol we cannot parse would make it look delisted.
    parsed: dict[str, tuple[SymbolInfo, Any]] = {}
    for raw in raw_symbols:
        info = parse_symbol(market, raw)
        if info.symbol in parsed:
            raise ExchangeInfoError(f"{info.symbol} appears twice in the {market} exchangeInfo")
        parsed[info.symbol] = (info, raw)
    return parsed


def _upsert(
    market: Market,
    parsed: dict[str, tuple[SymbolInfo, Any]],
    rows: dict[str, Symbol],
    diff: SymbolDiff,
    now: datetime,
) -> None:
    relisted = set(diff.listed)
    changed = {c.symbol for c in diff.status_changed}
    new_rows: list[Symbol] = []
    dirty: list[Symbol] = []
    for name, (info, raw) in parsed.items():
        row = rows.get(name)
        if row is None:
            new_rows.append(Symbol(market=market, symbol=name, listed_at=now, **_values(info, raw)))
            continue
        if row.raw == raw and name not in relisted:
            continue
        for field, value in _values(info, raw).items():
            setattr(row, field, value)
        if name in relisted:
            row.is_listed, row.listed_at, row.delisted_at = True, now, None
        if name in changed:
            row.status_changed_at = now
        row.updated_at = now
        dirty.append(row)
    for name in diff.delisted:
        row = rows[name]
        row.is_listed, row.delisted_at, row.updated_at = False, now, now
        dirty.append(row)
    Symbol.objects.bulk_create(new_rows, batch_size=500)
    Symbol.objects.bulk_update(dirty, _UPDATE_FIELDS, batch_size=500)


def _event(
    row: Symbol,
    kind: str,
    message: str,
    *,
    severity: str,
    alert: bool,
    old: str = "",
    new: str = "",
    detail: dict[str, Any] | None = None,
    actor: AbstractBaseUser | None,
    now: datetime,
) -> None:
    """One SymbolEvent and its audit entry; the audit's before/after is the status, or `detail`'s."""
    SymbolEvent.objects.create(
        symbol=row,
        kind=kind,
        old_status=old,
        new_status=new,
        severity=severity,
        is_alert=alert,
        message=message[:300],
        detail=detail,
        created_at=now,
    )
    before = detail.get("before") if detail else ({"status": old} if old else None)
    after = detail.get("after") if detail else {"status": new, "message": message}
    audit_record(
        actor=actor,
        actor_label=None if actor else _ACTOR_LABEL,
        action=f"symbols.{kind.lower()}",
        target_type="symbol",
        target_id=f"{row.market}:{row.symbol}",
        before=before,
        after=after,
    )


def _record_events(
    market: Market,
    diff: SymbolDiff,
    rows: dict[str, Symbol],
    known: dict[str, Any],
    actor: AbstractBaseUser | None,
    now: datetime,
) -> None:
    for name in diff.listed:
        row = rows[name]
        again = " again" if name in known else ""
        _event(
            row,
            SymbolEventKind.LISTED,
            f"{name} was listed{again} on Binance {market} ({row.status}).",
            severity=Severity.INFO,
            alert=True,
            new=row.status,
            actor=actor,
            now=now,
        )
    for change in diff.status_changed:
        row = rows[change.symbol]
        reason = blocked_reason(market=market, symbol=change.symbol, status=change.new, is_listed=True)
        message = f"{change.symbol} on Binance {market} went from {change.old} to {change.new}. " + (
            reason or "New orders are allowed again."
        )
        severity = Severity.INFO if change.new == "TRADING" else Severity.WARNING
        _event(
            row,
            SymbolEventKind.STATUS_CHANGED,
            message,
            severity=severity,
            alert=True,
            old=change.old,
            new=change.new,
            actor=actor,
            now=now,
        )
    for name in diff.delisted:
        row = rows[name]
        message = (
            f"{name} is no longer in Binance's {market} exchangeInfo (delisted); new orders are blocked."
        )
        _event(
            row,
            SymbolEventKind.DELISTED,
            message,
            severity=Severity.WARNING,
            alert=True,
            old=row.status,
            new="DELISTED",
            actor=actor,
            now=now,
        )
    for name in diff.filters_changed:
        row = rows[name]
        _event(
            row,
            SymbolEventKind.FILTERS_CHANGED,
            f"{name} on Binance {market} has new trading rules.",
            severity=Severity.INFO,
            alert=False,
            detail={"before": {"filters": known[name]}, "after": {"filters": row.raw.get("filters", [])}},
            actor=actor,
            now=now,
        )


def symbol_sync_apply(
    *, market: Market, raw_symbols: Sequence[Mapping[str, Any]], actor: AbstractBaseUser | None = None
) -> SyncResult:
    """Bring the stored symbols of `market` in line with `raw_symbols` (exchangeInfo's `symbols` list).

    One transaction: rows are inserted or updated, symbols absent from the list are marked delisted, and
    each listing, status change and delisting becomes a SymbolEvent alert plus an audit event. Raises
    ExchangeInfoError, changing nothing, when any symbol object is malformed.
    """
    parsed = _parse_all(market, raw_symbols)
    now = timezone.now()
    with transaction.atomic():
        # Locked so two syncs of one market (beat and a manual refresh) apply one after the other.
        rows = {row.symbol: row for row in Symbol.objects.select_for_update().filter(market=market)}
        before_filters = {name: parse_filters(row.raw.get("filters", [])) for name, row in rows.items()}
        stored = [
            StoredSymbol(name, row.status, row.is_listed, before_filters[name]) for name, row in rows.items()
        ]
        diff = diff_symbols(stored, (info for info, _ in parsed.values()))
        # The filters each stored symbol had, for the before/after of rule changes.
        initial, known = not rows, {name: row.raw.get("filters", []) for name, row in rows.items()}
        _upsert(market, parsed, rows, diff, now)
        rows = {row.symbol: row for row in Symbol.objects.filter(market=market)}
        if initial:
            audit_record(
                actor=actor,
                actor_label=None if actor else _ACTOR_LABEL,
                action="symbols.sync.initial",
                target_type="market",
                target_id=market,
                after={"symbols": len(parsed)},
            )
        else:
            _record_events(market, diff, rows, known, actor, now)
    if not diff.is_empty and not initial:
        logger.info(
            "symbols %s: %d listed, %d status changes, %d delisted, %d with new rules",
            market,
            len(diff.listed),
            len(diff.status_changed),
            len(diff.delisted),
            len(diff.filters_changed),
        )
    return SyncResult(market=market, initial=initial, total=len(parsed), diff=diff)


def _exchange_info_symbols(market: Market) -> list[dict[str, Any]]:
    """The `symbols` list of `market`'s exchangeInfo, each object exactly as the exchange sent it.

    Read through the gateway's pipeline (breaker, shared limiter, retries with backoff, error classes,
    call log) rather than `gateway.exchange_info()`, because that typed view keeps only part of each symbol
    object (no asset precisions, timeInForce, OCO/iceberg flags, permissions, contract type), while a row
    stores the whole object and parses its rules from it.
    """
    from apps.exchange.domain import parse
    from apps.exchange.runtime import runtime

    gateway_market = GATEWAY_MARKET[market]
    rt = runtime()
    wire = rt.pipeline.call(f"{gateway_market}.exchange_info")
    raw_symbols = wire.get("symbols") if isinstance(wire, dict) else None
    if not isinstance(raw_symbols, list) or not all(isinstance(s, dict) for s in raw_symbols):
        raise ExchangeInfoError(f"the {market} exchangeInfo has no list of symbol objects")
    # Like every exchangeInfo read through the gateway, this one refreshes the limits the limiter enforces.
    rt.limiter.limits_store(gateway_market, parse.exchange_info(gateway_market, wire).pools)
    return raw_symbols


def symbol_refresh(*, market: Market, actor: AbstractBaseUser | None = None) -> SyncResult:
    """Fetch `market`'s exchangeInfo from the exchange and apply it (see `symbol_sync_apply`).

    Must not be called inside a transaction: the network call happens first, outside any lock, and only
    the apply holds one. Raises the gateway's ExchangeError classes when the exchange cannot be read, and
    ExchangeInfoError, changing nothing, when the answer is malformed or lists no symbol at all.
    """
    if market not in MARKETS:
        raise ExchangeInfoError(f"unknown market {market!r}")
    raw_symbols = _exchange_info_symbols(market)
    if not raw_symbols:
        # An empty list would mark every symbol delisted and block all trading: far likelier an exchange
        # fault (maintenance, a proxy's error page) than Binance delisting everything at once.
        raise ExchangeInfoError(f"the {market} exchangeInfo lists no symbols; the stored ones are kept")
    result = symbol_sync_apply(market=market, raw_symbols=raw_symbols, actor=actor)
    logger.info("symbols refreshed from the exchange: %s", result.summary())
    return result
