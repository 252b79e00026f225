"""P&L as a pure fold over fills, with Binance's rules for averaging, realizing and flipping.

`fold_fills` sorts by (time, trade_id) and skips trade ids it has already seen, so the same fills give
the same state whatever order they arrive in and however often one is delivered (REST history and the
user stream overlap). Spot holdings use the same fold; they are simply never short, and the average
entry is their cost basis.

Commissions stay per asset as charged. They are also converted into the quote asset: at the fill's
price when charged in the base asset, through `prices` for a third asset (BNB). Without a price a
commission stays unconverted and is reported in `unconverted_commissions`: guessing a BNB price would
put a wrong number into net P&L with nothing to show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import datetime

ZERO = Decimal(0)

Side = Literal["BUY", "SELL"]
PositionSide = Literal["BOTH", "LONG", "SHORT"]
# asset -> price of one unit in the quote asset
Prices = Mapping[str, Decimal]

_POSITION_SIDES = ("BOTH", "LONG", "SHORT")


def _require_decimals(owner: str, **values: object) -> None:
    # Floats would slip in silently through arithmetic with Decimals and lose cents; refuse them here.
    for name, value in values.items():
        if not isinstance(value, Decimal):
            raise TypeError(f"{owner}.{name} must be a Decimal, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class FillIn:
    """One execution as the exchange reports it (spot myTrades, futures userTrades, user stream)."""

    side: Side
    quantity: Decimal
    price: Decimal
    commission: Decimal  # may be negative: futures maker rebates
    commission_asset: str
    time: datetime
    trade_id: int
    # futures userTrades "realizedPnl": kept to reconcile against, never used to compute
    realized_pnl: Decimal | None = None
    position_side: PositionSide = "BOTH"

    def __post_init__(self) -> None:
        _require_decimals("FillIn", quantity=self.quantity, price=self.price, commission=self.commission)
        if self.realized_pnl is not None:
            _require_decimals("FillIn", realized_pnl=self.realized_pnl)
        if self.side not in ("BUY", "SELL"):
            raise ValueError(f"FillIn.side must be BUY or SELL, not {self.side!r}")
        if self.position_side not in _POSITION_SIDES:
            raise ValueError(f"FillIn.position_side must be BOTH, LONG or SHORT, not {self.position_side!r}")
        if self.quantity <= 0 or self.price <= 0:
            raise ValueError(f"trade {self.trade_id}: quantity and price must be positive")

    @property
    def signed_quantity(self) -> Decimal:
        return self.quantity if self.side == "BUY" else -self.quantity


@dataclass(frozen=True, slots=True)
class FundingIn:
    """A funding payment: positive when received, negative when paid (Binance's FUNDING_FEE income)."""

    amount: Decimal
    asset: str
    time: datetime

    def __post_init__(self) -> None:
        _require_decimals("FundingIn", amount=self.amount)


@dataclass(frozen=True, slots=True)
class PositionState:
    """A position (or spot holding) after some fills; every amount of money is in the quote asset."""

    quantity: Decimal = ZERO  # signed: > 0 long, < 0 short
    entry_price: Decimal = ZERO  # weighted average of the open quantity; 0 when flat
    realized_pnl: Decimal = ZERO  # gross: before commissions and funding, as Binance's realizedPnl
    commissions: Mapping[str, Decimal] = field(default_factory=dict)  # per asset, as charged
    commission_quote: Decimal = ZERO  # the convertible part of `commissions`, in quote
    unconverted_commissions: Mapping[str, Decimal] = field(default_factory=dict)
    funding: Decimal = ZERO  # received minus paid
    unconverted_funding: Mapping[str, Decimal] = field(default_factory=dict)
    trade_count: int = 0
    # Sum of the exchange's own realizedPnl over the fills that carried one (None: none did).
    reported_realized_pnl: Decimal | None = None
    # What the position open now has realized and cost since it opened: break-even must earn it back.
    open_realized_pnl: Decimal = ZERO
    open_costs: Decimal = ZERO  # commissions minus funding since the position opened
    # (time, trade_id) of the latest fill applied; a fill older than this needs a refold, not apply_fill.
    last_fill: tuple[datetime, int] | None = None
    seen_trade_ids: frozenset[int] = frozenset()

    @property
    def is_flat(self) -> bool:
        return self.quantity == 0

    @property
    def cost_basis(self) -> Decimal:
        return abs(self.quantity) * self.entry_price

    @property
    def break_even_price(self) -> Decimal | None:
        return break_even_price(self)


@dataclass(frozen=True, slots=True)
class _Assets:
    base: str
    quote: str
    prices: Prices


@dataclass(frozen=True, slots=True)
class _Move:
    quantity: Decimal
    entry_price: Decimal
    realized: Decimal


def _move(quantity: Decimal, entry: Decimal, delta: Decimal, price: Decimal) -> _Move:
    """Binance's position arithmetic for one signed quantity change at `price`."""
    if delta == 0:
        return _Move(quantity, entry, ZERO)
    if quantity == 0 or (quantity > 0) == (delta > 0):
        size = abs(quantity) + abs(delta)
        return _Move(quantity + delta, (abs(quantity) * entry + abs(delta) * price) / size, ZERO)
    closed = min(abs(quantity), abs(delta))
    realized = closed * (price - entry) if quantity > 0 else closed * (entry - price)
    new_quantity = quantity + delta
    if new_quantity == 0:
        new_entry = ZERO
    elif (new_quantity > 0) != (quantity > 0):
        new_entry = price  # flipped: the remainder is a fresh position opened at this fill
    else:
        new_entry = entry
    return _Move(new_quantity, new_entry, realized)


def _to_quote(amount: Decimal, asset: str, fill_price: Decimal | None, assets: _Assets) -> Decimal | None:
    if asset == assets.quote:
        return amount
    if asset == assets.base and fill_price is not None:
        return amount * fill_price
    price = assets.prices.get(asset)
    return None if price is None else amount * price


def _added(totals: Mapping[str, Decimal], asset: str, amount: Decimal) -> dict[str, Decimal]:
    out = dict(totals)
    out[asset] = out.get(asset, ZERO) + amount
    return out


def _fill_step(state: PositionState, fill: FillIn, assets: _Assets) -> PositionState:
    delta = fill.signed_quantity
    if fill.commission_asset == assets.base:
        # A base-asset fee (spot BUY without BNB) comes out of the holding itself: 1 BTC bought with a
        # 0.001 BTC fee leaves 0.999 BTC, still bought at the fill price.
        delta -= fill.commission
    move = _move(state.quantity, state.entry_price, delta, fill.price)
    fee = _to_quote(fill.commission, fill.commission_asset, fill.price, assets)
    fee_known = ZERO if fee is None else fee
    fresh = move.quantity != 0 and (state.quantity == 0 or (move.quantity > 0) != (state.quantity > 0))
    if move.quantity == 0:
        open_realized, open_costs = ZERO, ZERO
    elif fresh:
        # On a flip only the share of the fee that opened the remainder belongs to the new position.
        open_realized, open_costs = ZERO, fee_known * abs(move.quantity) / abs(delta)
    else:
        open_realized = state.open_realized_pnl + move.realized
        open_costs = state.open_costs + fee_known
    reported = state.reported_realized_pnl
    if fill.realized_pnl is not None:
        reported = (reported or ZERO) + fill.realized_pnl
    return replace(
        state,
        quantity=move.quantity,
        entry_price=move.entry_price,
        realized_pnl=state.realized_pnl + move.realized,
        commissions=_added(state.commissions, fill.commission_asset, fill.commission),
        commission_quote=state.commission_quote + fee_known,
        unconverted_commissions=(
            state.unconverted_commissions
            if fee is not None
            else _added(state.unconverted_commissions, fill.commission_asset, fill.commission)
        ),
        trade_count=state.trade_count + 1,
        reported_realized_pnl=reported,
        open_realized_pnl=open_realized,
        open_costs=open_costs,
        last_fill=(fill.time, fill.trade_id),
    )


def _funding_step(state: PositionState, funding: FundingIn, assets: _Assets) -> PositionState:
    amount = _to_quote(funding.amount, funding.asset, None, assets)
    if amount is None:
        return replace(
            state, unconverted_funding=_added(state.unconverted_funding, funding.asset, funding.amount)
        )
    return replace(
        state,
        funding=state.funding + amount,
        open_costs=state.open_costs if state.is_flat else state.open_costs - amount,
    )


def apply_fill(
    state: PositionState,
    fill: FillIn,
    *,
    base_asset: str,
    quote_asset: str,
    prices: Prices | None = None,
) -> PositionState:
    """`state` after `fill`; a trade id already applied leaves it unchanged.

    Fills must come in (time, trade_id) order: one older than `state.last_fill` means refolding.
    """
    if fill.trade_id in state.seen_trade_ids:
        return state
    new = _fill_step(state, fill, _Assets(base_asset, quote_asset, prices or {}))
    return replace(new, seen_trade_ids=state.seen_trade_ids | {fill.trade_id})


def apply_funding(
    state: PositionState,
    funding: FundingIn,
    *,
    base_asset: str,
    quote_asset: str,
    prices: Prices | None = None,
) -> PositionState:
    """`state` with a funding payment added (kept apart from trading P&L)."""
    return _funding_step(state, funding, _Assets(base_asset, quote_asset, prices or {}))


def fold_fills(
    fills: Iterable[FillIn],
    *,
    base_asset: str,
    quote_asset: str,
    initial: PositionState | None = None,
    prices: Prices | None = None,
    funding: Iterable[FundingIn] = (),
) -> PositionState:
    """One position (one symbol, one position side) from its fills and funding payments.

    Fills are sorted by (time, trade_id) and duplicates of a trade id skipped, including ids `initial`
    has seen. Funding is interleaved by time, ahead of fills at the same instant; it only changes which
    position's break-even it counts towards.
    """
    fills = list(fills)
    sides = {f.position_side for f in fills}
    if len(sides) > 1:
        raise ValueError(f"fills of several position sides {sorted(sides)}: use fold_fills_by_position_side")
    assets = _Assets(base_asset, quote_asset, prices or {})
    state = initial or PositionState()
    seen = set(state.seen_trade_ids)
    events: list[tuple[tuple[datetime, int, int], FillIn | FundingIn]] = [
        ((f.time, 1, f.trade_id), f) for f in fills
    ]
    events += [((f.time, 0, 0), f) for f in funding]
    # Sorting on the key alone keeps same-instant funding in input order; sums do not depend on it.
    for _, event in sorted(events, key=lambda pair: pair[0]):
        if isinstance(event, FundingIn):
            state = _funding_step(state, event, assets)
        elif event.trade_id not in seen:
            seen.add(event.trade_id)
            state = _fill_step(state, event, assets)
    return replace(state, seen_trade_ids=frozenset(seen))


def fold_fills_by_position_side(
    fills: Iterable[FillIn],
    *,
    base_asset: str,
    quote_asset: str,
    initial: Mapping[PositionSide, PositionState] | None = None,
    prices: Prices | None = None,
) -> dict[PositionSide, PositionState]:
    """Hedge mode: LONG and SHORT of one symbol are separate positions, each folded on its own.

    Funding income names only the symbol, not the side, so it is not split here.
    """
    by_side: dict[PositionSide, list[FillIn]] = {}
    for fill in fills:
        by_side.setdefault(fill.position_side, []).append(fill)
    starts = dict(initial or {})
    return {
        side: fold_fills(
            by_side.get(side, []),
            base_asset=base_asset,
            quote_asset=quote_asset,
            initial=starts.get(side),
            prices=prices,
        )
        for side in sorted(set(by_side) | set(starts))
    }


def unrealized_pnl(state: PositionState, price: Decimal) -> Decimal:
    """P&L of the open quantity at `price` (Binance: the mark price for futures, last price for spot)."""
    return state.quantity * (price - state.entry_price) if state.quantity else ZERO


def net_pnl(state: PositionState, price: Decimal | None = None) -> Decimal:
    """Realized minus converted commissions plus funding, and unrealized at `price` when given.

    Unconverted commissions and funding are left out; check `unconverted_*` before showing this as final.
    """
    total = state.realized_pnl - state.commission_quote + state.funding
    return total if price is None else total + unrealized_pnl(state, price)


def break_even_price(state: PositionState, *, exit_fee_rate: Decimal = ZERO) -> Decimal | None:
    """The price at which closing the open position nets zero over its life since it opened.

    Counts what it realized in partial closes, the commissions and funding since it opened and, with
    `exit_fee_rate`, the fee of closing at that price. None when flat or no positive price breaks even.
    """
    q = state.quantity
    if q == 0:
        return None
    earned = state.open_realized_pnl - state.open_costs
    # earned + q * (p - entry) - |q| * p * rate = 0
    denominator = q - abs(q) * exit_fee_rate
    if denominator == 0:
        return None
    price = (q * state.entry_price - earned) / denominator
    return price if price > 0 else None
