"""Balances: REST snapshots, spot user-stream events, and reconciliation with the exchange.

Every write goes through `balance_apply`, which locks the row, ignores data older than what is stored (by
the exchange's own time), changes only the fields that differ and broadcasts the row after commit. So the
same data applied twice changes nothing, and an old REST answer arriving after a newer stream event cannot
take the balance back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.monitoring.metrics.definitions import observe_reconcile
from apps.monitoring.services import audit_record
from apps.positions.broadcast import balance_payload, publish_on_commit
from apps.positions.common import (
    GATEWAY_MARKET,
    Change,
    dec,
    diff,
    fixes_report,
    from_ms,
    is_older,
    jsonable,
    market_of,
)
from apps.positions.models import Balance, Source

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

ZERO: Final = Decimal(0)
SPOT_FIELDS: Final = ("free", "locked")
USDM_FIELDS: Final = ("wallet_balance", "cross_wallet_balance", "available_balance", "unrealized_pnl")
# What only account events change; available balance and unrealized P&L also follow the mark price.
STATE_FIELDS: Final = frozenset({"free", "locked", "wallet_balance", "cross_wallet_balance"})


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What one reconciliation run found different at the exchange and fixed (each fix is audited).

    `changes` also holds rows whose market-driven figures were only refreshed (Change.fix False)."""

    market: str
    changes: list[Change] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"market": self.market, **fixes_report(self.changes)}


def _snapshot_of(row: Balance, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _locked_row(market: str, asset: str) -> tuple[Balance, bool]:
    """The row, locked for this transaction; created (empty) when missing, also when two writers race."""
    row = Balance.objects.select_for_update().filter(market=market, asset=asset).first()
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            return Balance.objects.create(market=market, asset=asset), True
    except IntegrityError:
        return Balance.objects.select_for_update().get(market=market, asset=asset), False


def balance_apply(
    *,
    market: str,
    asset: str,
    values: Mapping[str, Decimal],
    time: datetime | None,
    source: str,
    deltas: bool = False,
    audit_action: str | None = None,
) -> Change | None:
    """Write `values` (absolute, or added when `deltas`) into one balance; the Change, or None.

    None when nothing changed or the data is older than the row's (deltas must be strictly newer: a delta
    of the same instant has been counted already). The caller's transaction covers the row lock.
    """
    with transaction.atomic():
        row, created = _locked_row(market, asset)
        if not created and is_older(time, row.exchange_update_time, strict=deltas):
            logger.debug(
                "%s %s: ignored data of %s older than %s", market, asset, time, row.exchange_update_time
            )
            return None
        names = tuple(values)
        before = None if created else jsonable(_snapshot_of(row, names))
        new = {k: (getattr(row, k) or ZERO) + v if deltas else v for k, v in values.items()}
        after = jsonable(new)
        changed = diff(before, after)
        if time is not None and (row.exchange_update_time is None or time > row.exchange_update_time):
            row.exchange_update_time = time
        if not changed:
            row.save(update_fields=["exchange_update_time"])
            return None
        for name, value in new.items():
            setattr(row, name, value)
        row.source = source
        row.updated_at = timezone.now()
        row.save()
        fix = before is None or bool(set(changed) & STATE_FIELDS)
        change = Change("balance", f"{market}:{asset}", before, after, changed, fix)
        if audit_action and fix:
            audit_record(
                actor=None,
                action=audit_action,
                target_type="balance",
                target_id=change.key,
                before=before,
                after=after,
            )
        publish_on_commit("balance", balance_payload(row))
        return change


# ---------------------------------------------------------------- parsing what callers hand us


def _get(row: Any, *names: str) -> Any:
    """The first of `names` present on a wire mapping or a gateway object."""
    for name in names:
        value = row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)
        if value is not None:
            return value
    return None


def _values(market: str, row: Any) -> tuple[str, dict[str, Decimal]]:
    """(asset, values) from a gateway Balance/FuturesBalance or a wire row (spot account, futures balance)."""
    asset = str(_get(row, "asset", "a"))
    if market == "SPOT":
        return asset, {"free": dec(_get(row, "free", "f")), "locked": dec(_get(row, "locked", "l"))}
    wire = {
        "wallet_balance": _get(row, "wallet_balance", "walletBalance", "balance", "wb"),
        "cross_wallet_balance": _get(row, "cross_wallet_balance", "crossWalletBalance", "cw"),
        "available_balance": _get(row, "available_balance", "availableBalance"),
        "unrealized_pnl": _get(row, "unrealized_pnl", "unrealizedProfit", "crossUnPnl"),
    }
    return asset, {k: dec(v) for k, v in wire.items() if v is not None}


def _zero(market: str) -> dict[str, Decimal]:
    return dict.fromkeys(SPOT_FIELDS if market == "SPOT" else USDM_FIELDS, ZERO)


def _snapshot_apply(
    market: str, rows: Iterable[Any], source: str, as_of: datetime | None, audit_action: str | None
) -> list[Change]:
    time = as_of or timezone.now()
    changes: list[Change] = []
    with transaction.atomic():
        seen: set[str] = set()
        for row in rows:
            asset, values = _values(market, row)
            seen.add(asset)
            change = balance_apply(
                market=market, asset=asset, values=values, time=time, source=source, audit_action=audit_action
            )
            if change is not None:
                changes.append(change)
        # Spot snapshots leave out zero balances: an asset we hold a row for that is not listed is zero now.
        for asset in (
            Balance.objects.filter(market=market).exclude(asset__in=seen).values_list("asset", flat=True)
        ):
            change = balance_apply(
                market=market,
                asset=asset,
                values=_zero(market),
                time=time,
                source=source,
                audit_action=audit_action,
            )
            if change is not None:
                changes.append(change)
    return changes


# ---------------------------------------------------------------- services


def balances_apply_snapshot(
    *, market: str, rows: Iterable[Any], source: str = Source.SNAPSHOT, as_of: datetime | None = None
) -> list[Change]:
    """A complete list of one market's balances (gateway `balances(...)` objects or wire rows).

    `as_of` is when the data was read (default: now); rows with newer stream data are left alone. Assets we
    store that the list leaves out are set to zero. Returns what changed.
    """
    return _snapshot_apply(market_of(market), rows, str(source), as_of, None)


def balance_apply_delta(*, event: Mapping[str, Any], source: str = Source.STREAM) -> Change | None:
    """Spot `balanceUpdate` {e, E, a, d, T}: add the delta `d` to the asset's free balance, once.

    Idempotent by time: the delta applies only when its clear time `T` is newer than the row's data (a
    repeat, or a delta an absolute update of the same instant already contains, is skipped). Before the
    first balance sync of the market there is nothing to add to: the next snapshot brings the value.
    """
    if not Balance.objects.filter(market="SPOT").exists():
        return None
    time = from_ms(event.get("T") or event.get("E"))
    return balance_apply(
        market="SPOT",
        asset=str(event["a"]),
        values={"free": dec(event["d"])},
        time=time,
        source=str(source),
        deltas=True,
    )


def balances_apply_account_position(*, event: Mapping[str, Any], source: str = Source.STREAM) -> list[Change]:
    """Spot `outboundAccountPosition` {e, E, u, B: [{a, f, l}]}: absolute free/locked of the assets listed.

    Only the assets that changed are listed, so unlisted assets are left as they are.
    """
    time = from_ms(event.get("u") or event.get("E"))
    changes: list[Change] = []
    with transaction.atomic():
        for row in event.get("B", []):
            asset, values = _values("SPOT", row)
            change = balance_apply(market="SPOT", asset=asset, values=values, time=time, source=str(source))
            if change is not None:
                changes.append(change)
    return changes


def balances_reconcile(*, market: str) -> ReconcileReport:
    """Read the market's balances from the exchange and fix every difference, auditing each fix.

    Beat runs it every minute, the streams process after a reconnect. The exchange is read outside any
    transaction; the time taken just before the call is the data's time, so stream events newer than the
    request are kept.
    """
    from apps.exchange.gateway import get_gateway

    market = market_of(market)
    as_of = timezone.now()
    # account() rather than balances(): one call either way, and the in-memory fake serves it too.
    info = get_gateway().account(GATEWAY_MARKET[market])  # type: ignore[arg-type]
    rows = info.balances if market == "SPOT" else info.futures_balances
    changes = _snapshot_apply(market, rows, Source.RECONCILE, as_of, "positions.reconcile.balance")
    fixes = sum(c.fix for c in changes)
    if fixes:
        logger.info("balances %s: reconciliation fixed %d rows", market, fixes)
    observe_reconcile(market=GATEWAY_MARKET[market], fixed={"balance": fixes})
    return ReconcileReport(market, changes)
