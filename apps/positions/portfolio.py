"""The portfolio overview: equity, balances at their USDT value, P&L over three periods, exposure.

A selector: stored rows only, no exchange call. USDT values use the prices the minute's equity snapshot
stored on the balances. Realized P&L:
- spot: the domain fold over the spot fills of each symbol (apps.positions.domain.pnl), realized in a period
  being the fold's realized at the period's end minus at its start. It covers the imported history only:
  an asset held before the first imported trade has no cost basis here;
- USD-M: the realized P&L Binance reports on each fill, the commissions of the fills, and the funding
  payments of the income history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from apps.orders.models import Fill
from apps.positions.domain.pnl import FillIn, PositionState, apply_fill, unrealized_pnl
from apps.positions.models import Balance, IncomeRecord, Position

if TYPE_CHECKING:
    from collections.abc import Iterable

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
PERIODS: Final = ("today", "7d", "all")
_BALANCE_FIELDS: Final = (
    "market",
    "asset",
    "free",
    "locked",
    "wallet_balance",
    "cross_wallet_balance",
    "available_balance",
    "unrealized_pnl",
    "updated_at",
)


@dataclass(slots=True)
class PeriodPnl:
    spot_realized: Decimal = ZERO
    futures_realized: Decimal = ZERO
    commission: Decimal = ZERO
    funding: Decimal = ZERO

    @property
    def realized(self) -> Decimal:
        return self.spot_realized + self.futures_realized

    @property
    def net(self) -> Decimal:
        return self.realized - self.commission + self.funding

    def as_dict(self) -> dict[str, Decimal]:
        return {
            "realized": self.realized,
            "spot_realized": self.spot_realized,
            "futures_realized": self.futures_realized,
            "commission": self.commission,
            "funding": self.funding,
            "net": self.net,
        }


@dataclass(slots=True)
class _Spot:
    pnl: dict[str, PeriodPnl] = field(default_factory=lambda: {p: PeriodPnl() for p in PERIODS})
    unrealized: Decimal = ZERO
    unconverted: set[str] = field(default_factory=set)


def _cutoffs(now: datetime) -> dict[str, datetime | None]:
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"today": midnight, "7d": now - timedelta(days=7), "all": None}


def usdt_prices() -> dict[str, Decimal]:
    prices = dict(Balance.objects.filter(usdt_price__gt=0).values_list("asset", "usdt_price"))
    prices["USDT"] = ONE
    return prices


def _fills(market: str) -> Iterable[dict[str, Any]]:
    return (
        Fill.objects.filter(market=market)
        .annotate(trade_side=Coalesce(NullIf(F("side"), Value("")), F("order__side")))
        .order_by("symbol_id", "trade_time", "exchange_trade_id")
        .values(
            "symbol__symbol",
            "symbol__base_asset",
            "symbol__quote_asset",
            "trade_side",
            "quantity",
            "price",
            "commission",
            "commission_asset",
            "trade_time",
            "exchange_trade_id",
            "realized_pnl",
        )
        .iterator(chunk_size=2000)
    )


def _fold_symbol(
    rows: list[dict[str, Any]], cutoffs: dict[str, datetime | None], prices: dict[str, Decimal], out: _Spot
) -> None:
    base, quote = rows[0]["symbol__base_asset"], rows[0]["symbol__quote_asset"]
    quote_usdt = prices.get(quote)
    if quote_usdt is None:
        out.unconverted.add(quote)
        return
    in_quote = {a: p / quote_usdt for a, p in prices.items()}
    state = PositionState()
    at_cut: dict[str, PositionState] = {}
    for row in rows:
        for name, cut in cutoffs.items():
            if cut is not None and name not in at_cut and row["trade_time"] >= cut:
                at_cut[name] = state
        if row["trade_side"] not in ("BUY", "SELL"):
            continue
        fill = FillIn(
            side=row["trade_side"],
            quantity=row["quantity"],
            price=row["price"],
            commission=row["commission"],
            commission_asset=row["commission_asset"],
            time=row["trade_time"],
            trade_id=row["exchange_trade_id"],
        )
        state = apply_fill(state, fill, base_asset=base, quote_asset=quote, prices=in_quote)
    out.unconverted |= set(state.unconverted_commissions)
    for name in PERIODS:
        start = at_cut.get(name, state if cutoffs[name] is not None else PositionState())
        period = out.pnl[name]
        period.spot_realized += (state.realized_pnl - start.realized_pnl) * quote_usdt
        period.commission += (state.commission_quote - start.commission_quote) * quote_usdt
    last = in_quote.get(base)
    if last is not None:
        out.unrealized += unrealized_pnl(state, last) * quote_usdt


def _spot(cutoffs: dict[str, datetime | None], prices: dict[str, Decimal]) -> _Spot:
    out = _Spot()
    by_symbol: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _fills("SPOT"):
        by_symbol[row["symbol__symbol"]].append(row)
    for rows in by_symbol.values():
        _fold_symbol(rows, cutoffs, prices, out)
    return out


def _futures(
    pnl: dict[str, PeriodPnl], cutoffs: dict[str, datetime | None], prices: dict[str, Decimal]
) -> set[str]:
    unpriced: set[str] = set()
    for row in _fills("USDM"):
        quote = prices.get(row["symbol__quote_asset"])
        fee = prices.get(row["commission_asset"])
        for name, cut in cutoffs.items():
            if cut is not None and row["trade_time"] < cut:
                continue
            if row["realized_pnl"] is not None and quote is not None:
                pnl[name].futures_realized += row["realized_pnl"] * quote
            if fee is not None:
                pnl[name].commission += row["commission"] * fee
        if quote is None or fee is None:
            unpriced |= {row["symbol__quote_asset"], row["commission_asset"]} - set(prices)
    for income in IncomeRecord.objects.filter(income_type="FUNDING_FEE").values("asset", "amount", "time"):
        price = prices.get(income["asset"])
        if price is None:
            unpriced.add(income["asset"])
            continue
        for name, cut in cutoffs.items():
            if cut is None or income["time"] >= cut:
                pnl[name].funding += income["amount"] * price
    return unpriced


def _balances(prices: dict[str, Decimal]) -> tuple[list[dict[str, Any]], dict[str, Decimal], set[str]]:
    rows: list[dict[str, Any]] = []
    wallets: dict[str, Decimal] = {"SPOT": ZERO, "USDM": ZERO}
    unpriced: set[str] = set()
    for b in Balance.objects.order_by("market", "asset"):
        if b.total == 0 and not b.unrealized_pnl:
            continue
        price = prices.get(b.asset)
        value = None if price is None else b.total * price
        if value is None:
            unpriced.add(b.asset)
        else:
            wallets[b.market] += value
        row = {name: getattr(b, name) for name in _BALANCE_FIELDS}
        rows.append(row | {"total": b.total, "usdt_price": price, "usdt_value": value})
    return rows, wallets, unpriced


def _exposure(
    balances: list[dict[str, Any]], positions: list[Position], prices: dict[str, Decimal]
) -> list[dict[str, Any]]:
    out = [
        {
            "market": "USDM",
            "name": p.symbol.symbol,
            "position_side": p.position_side,
            "quantity": p.quantity,
            "notional_usdt": p.notional * prices.get(p.symbol.quote_asset, ONE),
        }
        for p in positions
    ]
    out += [
        {
            "market": "SPOT",
            "name": b["asset"],
            "position_side": "",
            "quantity": b["total"],
            "notional_usdt": b["usdt_value"],
        }
        for b in balances
        if b["market"] == "SPOT" and b["asset"] != "USDT"
    ]
    return out


def portfolio_overview(*, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    prices = usdt_prices()
    cutoffs = _cutoffs(now)
    balances, wallets, unpriced = _balances(prices)
    positions = list(Position.objects.exclude(quantity=0).select_related("symbol").order_by("symbol__symbol"))
    futures_unrealized = sum(
        (p.unrealized_pnl * prices.get(p.symbol.quote_asset, ONE) for p in positions), ZERO
    )
    spot = _spot(cutoffs, prices)
    unpriced |= _futures(spot.pnl, cutoffs, prices) | spot.unconverted
    markets = [
        {"market": "SPOT", "wallet": wallets["SPOT"], "unrealized": ZERO, "equity": wallets["SPOT"]},
        {
            "market": "USDM",
            "wallet": wallets["USDM"],
            "unrealized": futures_unrealized,
            "equity": wallets["USDM"] + futures_unrealized,
        },
    ]
    return {
        "as_of": now,
        "balances_synced": Balance.objects.exists(),
        "total_equity": sum((m["equity"] for m in markets), ZERO),
        "markets": markets,
        "balances": balances,
        "pnl": {name: spot.pnl[name].as_dict() for name in PERIODS},
        "unrealized": {
            "spot": spot.unrealized,
            "futures": futures_unrealized,
            "total": spot.unrealized + futures_unrealized,
        },
        "exposure": _exposure(balances, positions, prices),
        "unpriced": sorted(unpriced),
    }
