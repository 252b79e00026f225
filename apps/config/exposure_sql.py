"""The per-order reads of the risk check, as plain SQL (portable: SQLite and PostgreSQL).

Why not the ORM here: these run in every order request, and building the aggregate querysets cost about
ten times what the database took to answer them (measured by bench/risk_bench.py). Table and column names
come from the models' metadata, so a renamed column fails loudly rather than silently.

SQLite keeps decimals as REAL and hands back floats: `_dec` turns them into Decimals through their shortest
repr (what was stored); PostgreSQL hands back Decimals as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Final

from django.db import connection
from django.utils.dateparse import parse_datetime

from apps.orders.models import Order
from apps.positions.models import Balance, EquitySnapshot, Position
from apps.symbols.models import Symbol

ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class SymbolRow:
    id: int
    base: str
    quote: str


def _dec(value: Any) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    found = parse_datetime(value) if isinstance(value, str) else value
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=UTC)  # SQLite stores UTC without an offset
    return found  # type: ignore[no-any-return]


def _in(values: list[Any]) -> tuple[str, list[Any]]:
    """ "IN (%s, %s)" and its params; an empty list matches nothing."""
    if not values:
        return "IN (NULL)", []
    return f"IN ({', '.join(['%s'] * len(values))})", list(values)


@cache
def _names() -> dict[str, str]:
    col = {
        f"{model.__name__}.{f.name}": f.column
        for model in (Position, Balance, Order, Symbol, EquitySnapshot)
        for f in model._meta.concrete_fields
    }
    return {
        "position": Position._meta.db_table,
        "balance": Balance._meta.db_table,
        "order": Order._meta.db_table,
        "symbol": Symbol._meta.db_table,
        "equity": EquitySnapshot._meta.db_table,
        **col,
    }


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def position_totals(group_ids: list[int]) -> tuple[Decimal, Decimal]:
    """(sum of |notional| of every open USD-M position, the same over `group_ids`' symbols)."""
    n = _names()
    notional, symbol, quantity = n["Position.notional"], n["Position.symbol"], n["Position.quantity"]
    members, params = _in(group_ids)
    sql = (
        f"SELECT SUM(ABS({notional})), SUM(CASE WHEN {symbol} {members} THEN ABS({notional}) ELSE 0 END) "
        f"FROM {n['position']} WHERE {quantity} <> 0"
    )
    gross, group = _fetch(sql, params)[0]
    return _dec(gross), _dec(group)


def position_rows(symbol_id: int) -> list[tuple[str, Decimal, int | None, Decimal, datetime | None]]:
    """(side, signed notional, leverage, mark price, updated) of one symbol's position rows."""
    n = _names()
    sql = (
        f"SELECT {n['Position.position_side']}, {n['Position.notional']}, {n['Position.leverage']}, "
        f"{n['Position.mark_price']}, {n['Position.updated_at']} FROM {n['position']} "
        f"WHERE {n['Position.symbol']} = %s"
    )
    return [
        (side, _dec(notional), leverage, _dec(mark), _when(updated))
        for side, notional, leverage, mark, updated in _fetch(sql, [symbol_id])
    ]


def spot_totals(quote: str, group_assets: list[str], own_asset: str) -> tuple[Decimal, Decimal, Decimal]:
    """USDT value of priced spot holdings other than `quote`: (all, `group_assets`, `own_asset`)."""
    n = _names()
    value = f"(({n['Balance.free']} + {n['Balance.locked']}) * {n['Balance.usdt_price']})"
    asset = n["Balance.asset"]
    members, params = _in(group_assets)
    sql = (
        f"SELECT SUM({value}), SUM(CASE WHEN {asset} {members} THEN {value} ELSE 0 END), "
        f"SUM(CASE WHEN {asset} = %s THEN {value} ELSE 0 END) FROM {n['balance']} "
        f"WHERE {n['Balance.market']} = 'SPOT' AND {n['Balance.usdt_price']} IS NOT NULL AND {asset} <> %s"
    )
    gross, group, own = _fetch(sql, [*params, own_asset, quote])[0]
    return _dec(gross), _dec(group), _dec(own)


def order_counts(symbol_id: int, open_statuses: tuple[str, ...], since: datetime) -> tuple[int, int, int]:
    """(open orders, open orders of the symbol, orders we placed since `since`)."""
    n = _names()
    statuses, params = _in(list(open_statuses))
    open_sql = (
        f"SELECT COUNT(*), SUM(CASE WHEN {n['Order.symbol']} = %s THEN 1 ELSE 0 END) "
        f"FROM {n['order']} WHERE {n['Order.status']} {statuses}"
    )
    total, of_symbol = _fetch(open_sql, [symbol_id, *params])[0]
    recent_sql = (
        f"SELECT COUNT(*) FROM {n['order']} WHERE {n['Order.created_at']} >= %s AND NOT {n['Order.external']}"
    )
    (recent,) = _fetch(recent_sql, [connection.ops.adapt_datetimefield_value(since)])[0]
    return int(total or 0), int(of_symbol or 0), int(recent or 0)


def symbol_rows(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], SymbolRow]:
    """(market, symbol) → id and assets, for the pairs that exist."""
    n = _names()
    markets, market_params = _in(sorted({market for market, _ in pairs}))
    names, name_params = _in(sorted({symbol for _, symbol in pairs}))
    sql = (
        f"SELECT {n['Symbol.market']}, {n['Symbol.symbol']}, {n['Symbol.id']}, {n['Symbol.base_asset']}, "
        f"{n['Symbol.quote_asset']} FROM {n['symbol']} "
        f"WHERE {n['Symbol.market']} {markets} AND {n['Symbol.symbol']} {names}"
    )
    wanted = set(pairs)
    return {
        (market, symbol): SymbolRow(pk, base, quote)
        for market, symbol, pk, base, quote in _fetch(sql, [*market_params, *name_params])
        if (market, symbol) in wanted
    }


def asset_prices(assets: list[str]) -> dict[str, tuple[Decimal, datetime | None]]:
    """asset → (USDT price, when priced) as the equity snapshot stored them on the balances."""
    n = _names()
    names, params = _in(assets)
    sql = (
        f"SELECT {n['Balance.asset']}, {n['Balance.usdt_price']}, {n['Balance.priced_at']} "
        f"FROM {n['balance']} WHERE {n['Balance.usdt_price']} > 0 AND {n['Balance.asset']} {names}"
    )
    return {asset: (_dec(price), _when(at)) for asset, price, at in _fetch(sql, params)}


def equity_points(midnight: datetime) -> tuple[tuple[int, datetime, Decimal] | None, Decimal | None]:
    """((id, time, equity) of the newest TOTAL snapshot, the equity the day started with)."""
    n = _names()
    table, market, time, equity = (
        n["equity"],
        n["EquitySnapshot.market"],
        n["EquitySnapshot.time"],
        n["EquitySnapshot.equity"],
    )
    rows = _fetch(
        f"SELECT {n['EquitySnapshot.id']}, {time}, {equity} FROM {table} WHERE {market} = 'TOTAL' "
        f"ORDER BY {time} DESC LIMIT 1",
        [],
    )
    if not rows:
        return None, None
    pk, at, value = rows[0]
    newest = (int(pk), _when(at) or midnight, _dec(value))
    at_midnight = connection.ops.adapt_datetimefield_value(midnight)
    # The last equity before midnight; on the first day, the first one after it.
    for op, order in (("<", "DESC"), (">=", "ASC")):
        found = _fetch(
            f"SELECT {equity} FROM {table} WHERE {market} = 'TOTAL' AND {time} {op} %s "
            f"ORDER BY {time} {order} LIMIT 1",
            [at_midnight],
        )
        if found:
            return newest, _dec(found[0][0])
    return newest, None


def equity_peak(after_id: int) -> tuple[Decimal | None, int | None]:
    """(highest TOTAL equity, highest id) among the snapshots with id > `after_id`."""
    n = _names()
    # The market goes in the CASE, not the WHERE: then the id range alone bounds the scan (the primary
    # key), instead of every TOTAL row through the (market, time) index.
    pk, market, equity = n["EquitySnapshot.id"], n["EquitySnapshot.market"], n["EquitySnapshot.equity"]
    sql = (
        f"SELECT MAX(CASE WHEN {market} = 'TOTAL' THEN {equity} END), MAX({pk}) FROM {n['equity']} "
        f"WHERE {pk} > %s"
    )
    peak, last = _fetch(sql, [after_id])[0]
    return (None, None) if peak is None else (_dec(peak), int(last))


def equity_of(pk: int) -> Decimal | None:
    n = _names()
    rows = _fetch(
        f"SELECT {n['EquitySnapshot.equity']} FROM {n['equity']} WHERE {n['EquitySnapshot.id']} = %s", [pk]
    )
    return _dec(rows[0][0]) if rows else None
