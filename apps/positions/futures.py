"""USD-M positions: positionRisk snapshots, the user stream's ACCOUNT_UPDATE, reconciliation.

All position writes go through `_apply`: it locks every open position (cross liquidation prices depend on
all of them), skips data older than a row's (by the exchange's time), derives what the source did not send
(apps.positions.risk), saves only rows that differ, and broadcasts each once after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.monitoring.metrics.definitions import observe_reconcile
from apps.monitoring.services import audit_record
from apps.positions.balances import balance_apply
from apps.positions.brackets import brackets_refresh
from apps.positions.broadcast import position_payload, publish_on_commit
from apps.positions.common import Change, dec, diff, fixes_report, from_ms, is_older, jsonable
from apps.positions.models import MarginType, Position, Source
from apps.positions.risk import derive
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

RECONCILE_SOON_KEY: Final = "trader:positions:reconcile-soon"
RECONCILE_SOON_S: Final = 30

ZERO: Final = Decimal(0)
FIELDS: Final = (
    "quantity",
    "entry_price",
    "break_even_price",
    "leverage",
    "margin_type",
    "isolated_margin",
    "isolated_wallet",
    "mark_price",
    "unrealized_pnl",
    "accumulated_realized",
    "liquidation_price",
    "maint_margin",
    "initial_margin",
    "notional",
)
# What only account events change; the rest follows the mark price (or is derived from what does).
STATE_FIELDS: Final = frozenset({"quantity", "entry_price", "leverage", "margin_type", "isolated_wallet"})
# wire key (positionRisk, or ACCOUNT_UPDATE's short keys) → field. positionInitialMargin before
# initialMargin: v3's initialMargin also counts the symbol's open orders.
_WIRE: Final = (
    (("positionAmt", "pa"), "quantity"),
    (("entryPrice", "ep"), "entry_price"),
    (("breakEvenPrice", "bep"), "break_even_price"),
    (("markPrice",), "mark_price"),
    (("unRealizedProfit", "up"), "unrealized_pnl"),
    (("isolatedWallet", "iw"), "isolated_wallet"),
    (("isolatedMargin",), "isolated_margin"),
    (("notional",), "notional"),
    (("positionInitialMargin", "initialMargin"), "initial_margin"),
    (("maintMargin",), "maint_margin"),
    (("cr",), "accumulated_realized"),
)
_FLAT: Final = {
    "quantity": ZERO,
    "entry_price": ZERO,
    "break_even_price": ZERO,
    "unrealized_pnl": ZERO,
    "isolated_wallet": ZERO,
}

Item = tuple[str, str, dict[str, Any]]  # symbol, position side, field values


@dataclass(frozen=True, slots=True)
class PositionsReport:
    changes: list[Change] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"market": "USDM", **fixes_report(self.changes)}


def margin_type_of(value: str | None) -> str | None:
    """ "cross"/"CROSSED" → cross, "isolated"/"ISOLATED" → isolated (positionRisk, symbolConfig, streams)."""
    if not value:
        return None
    return MarginType.ISOLATED if value.lower().startswith("isolated") else MarginType.CROSS


def _liquidation(value: Any) -> Decimal | None:
    # The exchange reports 0 for a position that cannot be liquidated (or is flat).
    amount = dec(value)
    return amount if amount > 0 else None


def parse_position(row: Any) -> Item:
    """(symbol, side, values) from a gateway Position, a positionRisk row or an ACCOUNT_UPDATE P entry."""
    if not isinstance(row, Mapping):
        values: dict[str, Any] = {
            "quantity": row.amount,
            "entry_price": row.entry_price,
            "mark_price": row.mark_price,
            "unrealized_pnl": row.unrealized_pnl,
            "liquidation_price": _liquidation(row.liquidation_price),
            "notional": row.notional,
        }
        if row.leverage is not None:
            values["leverage"] = row.leverage
        if margin_type_of(row.margin_type):
            values["margin_type"] = margin_type_of(row.margin_type)
        return row.symbol, row.position_side or "BOTH", values
    values = {}
    for keys, name in _WIRE:
        raw = next((row[k] for k in keys if row.get(k) not in (None, "")), None)
        if raw is not None:
            values[name] = dec(raw)
    if row.get("liquidationPrice") not in (None, ""):
        values["liquidation_price"] = _liquidation(row["liquidationPrice"])
    if row.get("leverage") not in (None, ""):
        values["leverage"] = int(row["leverage"])
    margin = margin_type_of(row.get("marginType") or row.get("mt"))
    if margin:
        values["margin_type"] = margin
    return str(row.get("symbol") or row["s"]), str(row.get("positionSide") or row.get("ps") or "BOTH"), values


def _row(symbol: Symbol, side: str) -> tuple[Position, bool]:
    try:
        with transaction.atomic():
            return Position.objects.select_for_update().get_or_create(symbol=symbol, position_side=side)
    except IntegrityError:
        return Position.objects.select_for_update().get(symbol=symbol, position_side=side), False


def _snapshot(row: Position) -> dict[str, Any]:
    return jsonable({name: getattr(row, name) for name in FIELDS})


def _apply(
    items: Iterable[Item],
    *,
    time: datetime | None,
    source: str,
    audit_action: str | None = None,
    complete: bool = False,
    only_symbol: str | None = None,
) -> list[Change]:
    """Write `items` and derive the rest; `complete`: open rows the items leave out are flat now."""
    items = list(items)
    names = {symbol for symbol, _, _ in items}
    symbols = {s.symbol: s for s in Symbol.objects.filter(market="USDM", symbol__in=names)}
    with transaction.atomic():
        rows = {
            (p.symbol.symbol, p.position_side): p
            for p in Position.objects.select_for_update(of=("self",))
            .select_related("symbol")
            .filter(~Q(quantity=0) | Q(symbol__symbol__in=names))
        }
        before = {key: _snapshot(p) for key, p in rows.items()}
        reported: dict[int, set[str]] = {}
        for symbol, side, values in items:
            if symbol not in symbols:
                logger.warning("position of %s ignored: not a stored USD-M symbol (sync symbols)", symbol)
                continue
            row = rows.get((symbol, side))
            if row is None:
                row, _ = _row(symbols[symbol], side)
                row.symbol = symbols[symbol]
                rows[(symbol, side)] = row
            elif is_older(time, row.exchange_update_time):
                continue
            for name, value in values.items():
                setattr(row, name, value)
            reported[row.pk] = set(values)
        if complete:
            given = {(symbol, side) for symbol, side, _ in items}
            for key, row in rows.items():
                in_scope = only_symbol is None or key[0] == only_symbol
                if (
                    in_scope
                    and key not in given
                    and row.quantity != 0
                    and not is_older(time, row.exchange_update_time)
                ):
                    for name, value in _FLAT.items():
                        setattr(row, name, value)
                    reported[row.pk] = set(_FLAT)
        derive(list(rows.values()), reported)
        return [
            c for key, row in rows.items() if (c := _save(row, before.get(key), time, source, audit_action))
        ]


def _save(
    row: Position, before: dict[str, Any] | None, time: datetime | None, source: str, audit_action: str | None
) -> Change | None:
    after = _snapshot(row)
    changed = diff(before, after)
    newer = time is not None and (row.exchange_update_time is None or time > row.exchange_update_time)
    if newer:
        row.exchange_update_time = time
    if not changed:
        if newer:
            row.save(update_fields=["exchange_update_time"])
        return None
    row.source = source
    row.updated_at = timezone.now()
    row.save()
    fix = before is None or bool(set(changed) & STATE_FIELDS)
    change = Change("position", f"{row.symbol.symbol}:{row.position_side}", before, after, changed, fix)
    if audit_action and fix:
        audit_record(
            actor=None,
            action=audit_action,
            target_type="position",
            target_id=change.key,
            before=before,
            after=after,
        )
    publish_on_commit("position", position_payload(row))
    return change


# ---------------------------------------------------------------- services


def positions_apply_snapshot(
    *,
    rows: Iterable[Any],
    source: str = Source.SNAPSHOT,
    as_of: datetime | None = None,
    symbol: str | None = None,
) -> list[Change]:
    """positionRisk rows (gateway Position objects or wire rows) as the complete truth of the account, or
    of `symbol` only: stored open positions they leave out are flat. `as_of`: when the data was read."""
    return _apply(
        [parse_position(r) for r in rows],
        time=as_of or timezone.now(),
        source=str(source),
        complete=True,
        only_symbol=symbol,
    )


def futures_account_update_apply(*, event: Mapping[str, Any], source: str = Source.STREAM) -> list[Change]:
    """USD-M `ACCOUNT_UPDATE` {E, T, a: {m, B: [{a, wb, cw, bc}], P: [{s, pa, ep, bep, cr, up, mt, iw, ps}]}}.

    Balances and positions listed are absolute; both apply in one transaction, then liquidation prices are
    re-derived (the wallet moved). Older than stored data (by `T`, else `E`) is ignored, per row. It may
    arrive before the order update that caused it: nothing here depends on the order.
    """
    time = from_ms(event.get("T") or event.get("E"))
    body = event.get("a", {})
    changes: list[Change] = []
    with transaction.atomic():
        for b in body.get("B", []):
            values = {"wallet_balance": dec(b["wb"]), "cross_wallet_balance": dec(b["cw"])}
            change = balance_apply(
                market="USDM", asset=str(b["a"]), values=values, time=time, source=str(source)
            )
            if change is not None:
                changes.append(change)
        items = [parse_position(p) for p in body.get("P", [])]
        changes += _apply(items, time=time, source=str(source))
        opened = {symbol for symbol, _, values in items if values.get("quantity")}
        if opened and _figures_incomplete(opened):
            transaction.on_commit(request_positions_reconcile)
    return changes


def _figures_incomplete(symbols: set[str]) -> bool:
    """An open position whose leverage or brackets are unknown: ACCOUNT_UPDATE carries neither, so its
    liquidation price and margin cannot be derived until the exchange is asked."""
    from apps.positions.models import BracketTable

    unknown_leverage = (
        Position.objects.filter(symbol__symbol__in=symbols, leverage__isnull=True)
        .exclude(quantity=0)
        .exists()
    )
    with_brackets = set(BracketTable.objects.filter(symbol__in=symbols).values_list("symbol", flat=True))
    return unknown_leverage or bool(symbols - with_brackets)


def request_positions_reconcile() -> bool:
    """Enqueue the positions reconciliation now rather than at the next 60 s beat; at most once per
    RECONCILE_SOON_S, so a burst of fills on a new position asks once. False when it was not enqueued."""
    import redis
    from django.conf import settings

    from apps.positions.tasks import reconcile

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        try:
            first = client.set(RECONCILE_SOON_KEY, "1", nx=True, ex=RECONCILE_SOON_S)
        finally:
            client.close()
        if not first:
            return False
        reconcile.delay()
    except Exception:  # the beat's 60 s run fills the figures in anyway
        logger.warning("positions: could not request an early reconciliation", exc_info=True)
        return False
    return True


def futures_account_config_apply(*, event: Mapping[str, Any], source: str = Source.STREAM) -> list[Change]:
    """USD-M `ACCOUNT_CONFIG_UPDATE` with `ac: {s, l}`: the symbol's new leverage (other forms: no-op)."""
    config = event.get("ac")
    if not config:
        return []
    time = from_ms(event.get("T") or event.get("E"))
    item: Item = (str(config["s"]), "BOTH", {"leverage": int(config["l"])})
    sides = Position.objects.filter(symbol__market="USDM", symbol__symbol=config["s"]).values_list(
        "position_side", flat=True
    )
    items = [(item[0], side, item[2]) for side in sorted(set(sides) | {"BOTH"})]
    return _apply(items, time=time, source=str(source))


def _symbol_configs(gateway: Any, symbols: Iterable[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for symbol in sorted(set(symbols)):
        config = gateway.futures_symbol_config(symbol)
        out[symbol] = {"leverage": config.leverage, "margin_type": margin_type_of(config.margin_type)}
    return out


def positions_reconcile() -> PositionsReport:
    """Read every position from the exchange and fix what differs here, auditing each fix.

    positionRisk v3 sends no leverage or margin type: they are read per symbol with an open position (or
    one we never knew the settings of). Brackets of open symbols are refreshed for the derived figures.
    Exchange calls happen before the transaction; the request's start time is the data's time.
    """
    from apps.exchange.gateway import get_gateway

    gateway = get_gateway()
    as_of = timezone.now()
    items = [parse_position(p) for p in gateway.positions()]
    open_symbols = {s for s, _, v in items if v.get("quantity")}
    unknown = set(
        Position.objects.filter(
            symbol__symbol__in={s for s, _, _ in items}, leverage__isnull=True
        ).values_list("symbol__symbol", flat=True)
    )
    known = {s for s, _, _ in items} - set(Position.objects.values_list("symbol__symbol", flat=True))
    configs = _symbol_configs(gateway, open_symbols | unknown | known)
    brackets_refresh(open_symbols)
    for symbol, _, values in items:
        for name, value in configs.get(symbol, {}).items():
            values.setdefault(name, value)
    changes = _apply(
        items, time=as_of, source=Source.RECONCILE, audit_action="positions.reconcile.position", complete=True
    )
    fixes = sum(c.fix for c in changes)
    if fixes:
        logger.info("positions: reconciliation fixed %d rows", fixes)
    observe_reconcile(market="futures", fixed={"position": fixes})
    return PositionsReport(changes)
