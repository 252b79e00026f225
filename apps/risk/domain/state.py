"""Trading states, scopes, and what each state lets through. Pure: no ORM, no I/O.

Three states, from loose to strict: ACTIVE (everything the other checks allow), REDUCE_ONLY (only orders
that shrink exposure) and HALTED (nothing). A state is set for a scope: everything, one market, or one
symbol of a market. The state an order meets is the strictest of the three scopes that contain it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apps.orders.domain.intent import PlacementIntent


class TradingStateValue(StrEnum):
    ACTIVE = "ACTIVE"
    REDUCE_ONLY = "REDUCE_ONLY"
    HALTED = "HALTED"


STRICTNESS: Final = {
    TradingStateValue.ACTIVE: 0,
    TradingStateValue.REDUCE_ONLY: 1,
    TradingStateValue.HALTED: 2,
}
MARKETS: Final = ("SPOT", "USDM")


def strictness(state: str) -> int:
    return STRICTNESS[TradingStateValue(state)]


def most_restrictive(states: Iterable[str]) -> TradingStateValue:
    found = [TradingStateValue(s) for s in states]
    return max(found, key=strictness, default=TradingStateValue.ACTIVE)


def is_tightening(current: str, new: str) -> bool:
    """True when `new` is at least as strict as `current` (a trader may only move this way)."""
    return strictness(new) >= strictness(current)


class ScopeError(ValueError):
    """A scope that is not "all", "spot", "usdm" or "<MARKET>:<SYMBOL>"."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Everything (market ""), one market (symbol ""), or one symbol of one market."""

    market: str = ""
    symbol: str = ""

    @property
    def label(self) -> str:
        if not self.market:
            return "all"
        if not self.symbol:
            return self.market.lower()
        return f"{self.market}:{self.symbol}"

    @property
    def level(self) -> str:
        return "symbol" if self.symbol else "market" if self.market else "global"

    def contains(self, market: str, symbol: str = "") -> bool:
        """Whether an order (or a narrower scope) on `market`/`symbol` falls inside this scope."""
        if not self.market:
            return True
        if self.market != market:
            return False
        return not self.symbol or self.symbol == symbol

    def covers(self, other: Scope) -> bool:
        """Whether every order of `other` is inside this scope."""
        if not self.market:
            return True
        if not other.market or other.market != self.market:
            return False
        return not self.symbol or self.symbol == other.symbol

    def markets(self) -> tuple[str, ...]:
        return (self.market,) if self.market else MARKETS


GLOBAL: Final = Scope()


def parse_scope(text: str) -> Scope:
    """ "all" | "spot" | "usdm" | "<MARKET>:<SYMBOL>" (e.g. "USDM:BTCUSDT"), any letter case."""
    value = (text or "").strip().upper()
    if value == "ALL":
        return GLOBAL
    if value in MARKETS:
        return Scope(value)
    market, sep, symbol = value.partition(":")
    if sep and market in MARKETS and symbol.isalnum():
        return Scope(market, symbol)
    raise ScopeError(
        f'Scope {text!r}: use "all", "spot", "usdm" or "<MARKET>:<SYMBOL>" such as "USDM:BTCUSDT".'
    )


def scopes_of(market: str, symbol: str) -> tuple[Scope, Scope, Scope]:
    """The three scopes an order on `market`/`symbol` meets: everything, its market, its symbol."""
    return GLOBAL, Scope(market), Scope(market, symbol)


@dataclass(frozen=True, slots=True)
class EffectiveState:
    """The state an order meets, and which scope (and why) made it so."""

    state: TradingStateValue
    scope: Scope = GLOBAL
    reason: str = ""


def effective_state(current: dict[Scope, tuple[str, str]], market: str, symbol: str) -> EffectiveState:
    """The strictest current state among the scopes containing market/symbol. `current`: scope → (state,
    reason) for the scopes that have a state set (a scope never set is ACTIVE)."""
    best = EffectiveState(TradingStateValue.ACTIVE)
    for scope in scopes_of(market, symbol):
        if scope not in current:
            continue
        state, reason = current[scope]
        if strictness(state) > strictness(best.state):
            best = EffectiveState(TradingStateValue(state), scope, reason)
    return best


# ---------------------------------------------------------------- what an order may do in each state


@dataclass(frozen=True, slots=True)
class Refusal:
    field: str  # the request field at fault ("" for the order as a whole)
    explanation: str


@dataclass(frozen=True, slots=True)
class Holdings:
    """What the account holds that an order could reduce: the spot base asset, the symbol's USD-M positions
    (position side → signed quantity). None: unknown (never synced)."""

    spot_base: Decimal | None = None
    futures: dict[str, Decimal] | None = None


def _why(effective: EffectiveState) -> str:
    reason = f" ({effective.reason})" if effective.reason else ""
    return f"Trading is {effective.state} for {effective.scope.label}{reason}"


def order_refusal(intent: PlacementIntent, effective: EffectiveState, holdings: Holdings) -> Refusal | None:
    """Why the trading state refuses this order, or None.

    HALTED refuses every order. REDUCE_ONLY lets through only orders that cannot grow exposure:
    - spot: a SELL of at most the base asset the account holds (free + locked), sized by quantity; a buy
      grows the base position, and a quote-sized sell cannot be checked against the holding;
    - USD-M one-way mode: an order flagged reduce_only or close_position (the exchange then refuses it
      if it would open or grow a position);
    - USD-M hedge mode: a SELL on the LONG side or a BUY on the SHORT side, no larger than that side's
      position (Binance takes no reduceOnly flag in hedge mode; the side says it closes).
    """
    if effective.state == TradingStateValue.ACTIVE:
        return None
    if effective.state == TradingStateValue.HALTED:
        return Refusal("", f"{_why(effective)}: no new orders until an admin releases it.")
    if intent.market == "SPOT":
        return _spot_reduce_only(intent, effective, holdings)
    return _futures_reduce_only(intent, effective, holdings)


def _spot_reduce_only(
    intent: PlacementIntent, effective: EffectiveState, holdings: Holdings
) -> Refusal | None:
    why = _why(effective)
    if intent.side != "SELL":
        return Refusal(
            "side", f"{why}: spot buys are refused; only a SELL of what you hold reduces exposure."
        )
    if intent.quantity is None:
        return Refusal(
            "quantity", f"{why}: size the sell by quantity so it can be checked against what you hold."
        )
    held = holdings.spot_base
    if held is None or intent.quantity > held:
        have = "nothing recorded" if held is None else f"{held.normalize():f}"
        return Refusal(
            "quantity",
            f"{why}: a spot SELL reduces exposure only up to the holding ({have}); "
            f"{intent.quantity.normalize():f} is more.",
        )
    return None


def _futures_reduce_only(
    intent: PlacementIntent, effective: EffectiveState, holdings: Holdings
) -> Refusal | None:
    why = _why(effective)
    side = intent.position_side or "BOTH"
    if side == "BOTH":
        if intent.reduce_only or intent.close_position:
            return None
        return Refusal("reduce_only", f"{why}: a USD-M order must be reduce-only (set reduce_only).")
    closing = (side == "LONG" and intent.side == "SELL") or (side == "SHORT" and intent.side == "BUY")
    if not closing:
        return Refusal(
            "side",
            f"{why}: in hedge mode only closing orders pass (SELL on LONG, BUY on SHORT); "
            f"{intent.side} on {side} opens or grows a position.",
        )
    if intent.close_position:
        return None
    held = abs((holdings.futures or {}).get(side, Decimal(0)))
    if intent.quantity is None or intent.quantity > held:
        return Refusal(
            "quantity", f"{why}: closing the {side} side takes at most its position ({held.normalize():f})."
        )
    return None
