"""Pre-trade risk checks: one order, the account as it stands, the limits that apply. Pure: no ORM, no I/O.

Every check returns the violations it finds (none when the order passes), so a refused order lists every
limit it breaks, each with the current value, the value the order would bring, the limit, a plain message
and the request field to blame. Limits are maxima: a value equal to its limit passes, one above it fails.

Reduce-only (and close-position) orders cannot add risk, so the checks that only guard against adding risk
let them through: order notional, position, gross exposure, correlated exposure, leverage, daily loss and
drawdown. The price band (a fat finger is a fat finger), the open-order count and the order rate still
apply. An order that is not flagged reduce-only but makes its position smaller passes the position and
exposure checks the same way: only growth beyond a limit is refused.

Amounts are in the quote currency of the limits (USDT): the adapter converts before calling.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.config.domain.limits import EffectiveLimits

ZERO: Final = Decimal(0)
HUNDRED: Final = Decimal(100)


@dataclass(frozen=True, slots=True)
class OrderAsk:
    """The numbers of one order that the checks need.

    `notional` is the order's value in USDT (None when no price is known: a MARKET order on a symbol we
    hold no price for); `price` is the limit price the band is checked on; `size_field` is the request
    field that sized the order (quantity, or quote_quantity for a spot MARKET order sized in quote).
    """

    key: str
    side: str
    notional: Decimal | None
    price: Decimal | None
    reduce_only: bool = False
    size_field: str = "quantity"

    @property
    def delta(self) -> Decimal | None:
        """Signed change of the position's notional if the order fills: + for a buy, - for a sell."""
        if self.notional is None:
            return None
        return self.notional if self.side == "BUY" else -self.notional


@dataclass(frozen=True, slots=True)
class RiskSnapshot:
    """The account as the checks see it, for the order's symbol. Amounts in USDT, signed where noted."""

    position_notional: Decimal = ZERO  # signed: negative is short
    gross_exposure: Decimal = ZERO  # sum of |notional| over every symbol held
    correlated: frozenset[str] = frozenset()  # the order symbol's group (itself included)
    correlated_exposure: Decimal = ZERO  # sum of |notional| over `correlated`
    open_orders_symbol: int = 0
    open_orders_total: int = 0
    orders_last_minute: int = 0
    reference_price: Decimal | None = None
    reference_source: str = ""
    leverage: int | None = None  # the symbol's USD-M leverage setting, when known
    daily_pnl: Decimal | None = None  # realized + unrealized since 00:00 UTC
    equity: Decimal | None = None
    equity_peak: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RiskViolation:
    """One broken limit: `current` is the value now, `requested` the value the order would bring."""

    limit: str
    limit_value: Decimal | int
    current: Decimal | int | None
    requested: Decimal | int | None
    message: str
    field: str


def order_ask(
    *,
    key: str,
    side: str,
    quantity: Decimal | None,
    quote_quantity: Decimal | None,
    price: Decimal | None,
    stop_price: Decimal | None,
    reference_price: Decimal | None,
    quote_usdt: Decimal | None,
    reduce_only: bool,
) -> OrderAsk:
    """The order's numbers in USDT: quote amount, or quantity x (limit price, else stop, else reference)."""
    notional: Decimal | None = None
    if quote_usdt is not None:
        if quote_quantity is not None:
            notional = quote_quantity * quote_usdt
        else:
            at = price or stop_price or reference_price
            if quantity is not None and at is not None:
                notional = quantity * at * quote_usdt
    size_field = "quote_quantity" if quote_quantity is not None else "quantity"
    return OrderAsk(key, side, notional, price, reduce_only=reduce_only, size_field=size_field)


def _money(value: Decimal) -> str:
    return f"{value:,.2f} USDT"


def _after(ask: OrderAsk, snap: RiskSnapshot) -> Decimal | None:
    delta = ask.delta
    return None if delta is None else snap.position_notional + delta


def _grows(ask: OrderAsk, snap: RiskSnapshot) -> bool:
    """Does the order add risk? Reduce-only never does; otherwise: does |position| grow?"""
    if ask.reduce_only:
        return False
    after = _after(ask, snap)
    if after is None:  # no price: only the direction is known
        held = snap.position_notional
        return not ((held > 0 and ask.side == "SELL") or (held < 0 and ask.side == "BUY"))
    return abs(after) > abs(snap.position_notional)


# ---------------------------------------------------------------- size and exposure


def check_order_notional(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    if ask.reduce_only or ask.notional is None or ask.notional <= limits.max_order_notional:
        return []
    return [
        RiskViolation(
            "max_order_notional",
            limits.max_order_notional,
            None,
            ask.notional,
            f"This order is worth {_money(ask.notional)}; one order may be worth at most "
            f"{_money(limits.max_order_notional)}.",
            ask.size_field,
        )
    ]


def check_position_notional(
    ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits
) -> list[RiskViolation]:
    after = _after(ask, snap)
    if after is None or not _grows(ask, snap) or abs(after) <= limits.max_position_notional:
        return []
    return [
        RiskViolation(
            "max_position_notional",
            limits.max_position_notional,
            abs(snap.position_notional),
            abs(after),
            f"The {ask.key} position would be worth {_money(abs(after))} "
            f"(now {_money(abs(snap.position_notional))}); the limit per symbol is "
            f"{_money(limits.max_position_notional)}.",
            ask.size_field,
        )
    ]


def check_gross_exposure(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    after = _after(ask, snap)
    if after is None or not _grows(ask, snap):
        return []
    gross = snap.gross_exposure - abs(snap.position_notional) + abs(after)
    if gross <= limits.max_gross_exposure:
        return []
    return [
        RiskViolation(
            "max_gross_exposure",
            limits.max_gross_exposure,
            snap.gross_exposure,
            gross,
            f"Total exposure would be {_money(gross)} (now {_money(snap.gross_exposure)}); the limit is "
            f"{_money(limits.max_gross_exposure)}.",
            ask.size_field,
        )
    ]


def check_correlated_exposure(
    ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits
) -> list[RiskViolation]:
    """Only a group of two or more symbols: a symbol alone is the position limit's business."""
    after = _after(ask, snap)
    if after is None or len(snap.correlated) < 2 or not _grows(ask, snap):
        return []
    group = snap.correlated_exposure - abs(snap.position_notional) + abs(after)
    if group <= limits.max_correlated_exposure:
        return []
    others = ", ".join(sorted(snap.correlated - {ask.key}))
    return [
        RiskViolation(
            "max_correlated_exposure",
            limits.max_correlated_exposure,
            snap.correlated_exposure,
            group,
            f"{ask.key} moves with {others} (correlation above {limits.correlation_threshold}); together "
            f"they would be worth {_money(group)}, above the limit of "
            f"{_money(limits.max_correlated_exposure)}.",
            ask.size_field,
        )
    ]


def check_leverage(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    if snap.leverage is None or snap.leverage <= limits.max_leverage or not _grows(ask, snap):
        return []
    return [
        RiskViolation(
            "max_leverage",
            limits.max_leverage,
            snap.leverage,
            snap.leverage,
            f"{ask.key} is set to {snap.leverage}x leverage; new risk is allowed up to "
            f"{limits.max_leverage}x. Lower the symbol's leverage first.",
            "symbol",
        )
    ]


# ---------------------------------------------------------------- counts and rate


def check_open_orders(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    found: list[RiskViolation] = []
    if snap.open_orders_symbol + 1 > limits.max_open_orders_per_symbol:
        found.append(
            RiskViolation(
                "max_open_orders_per_symbol",
                limits.max_open_orders_per_symbol,
                snap.open_orders_symbol,
                snap.open_orders_symbol + 1,
                f"{ask.key} already has {snap.open_orders_symbol} open orders; the limit is "
                f"{limits.max_open_orders_per_symbol}. Cancel one first.",
                "symbol",
            )
        )
    if snap.open_orders_total + 1 > limits.max_open_orders_total:
        found.append(
            RiskViolation(
                "max_open_orders_total",
                limits.max_open_orders_total,
                snap.open_orders_total,
                snap.open_orders_total + 1,
                f"{snap.open_orders_total} orders are open across all symbols; the limit is "
                f"{limits.max_open_orders_total}. Cancel one first.",
                "non_field_errors",
            )
        )
    return found


def check_order_rate(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    if snap.orders_last_minute + 1 <= limits.max_orders_per_minute:
        return []
    return [
        RiskViolation(
            "max_orders_per_minute",
            limits.max_orders_per_minute,
            snap.orders_last_minute,
            snap.orders_last_minute + 1,
            f"{snap.orders_last_minute} orders were placed in the last minute; the limit is "
            f"{limits.max_orders_per_minute} a minute. Wait a few seconds.",
            "non_field_errors",
        )
    ]


# ---------------------------------------------------------------- price band (every order)


def check_price_band(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    """No reference price (nothing stored, or too old): the band is not checked; the exchange's own
    PERCENT_PRICE filter still applies."""
    ref = snap.reference_price
    if ask.price is None or ref is None or ref <= 0:
        return []
    deviation = abs(ask.price - ref) / ref * HUNDRED
    if deviation <= limits.price_band_pct:
        return []
    return [
        RiskViolation(
            "price_band_pct",
            limits.price_band_pct,
            ref,
            ask.price,
            f"The price {ask.price.normalize():f} is {deviation:.2f} % away from the {snap.reference_source} "
            f"{ref.normalize():f}; orders must be within {limits.price_band_pct.normalize():f} % of it.",
            "price",
        )
    ]


# ---------------------------------------------------------------- losses


def check_daily_loss(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    if snap.daily_pnl is None or -snap.daily_pnl <= limits.daily_loss_limit or not _grows(ask, snap):
        return []
    loss = -snap.daily_pnl
    return [
        RiskViolation(
            "daily_loss_limit",
            limits.daily_loss_limit,
            loss,
            loss,
            f"Today's loss is {_money(loss)}, beyond the daily limit of {_money(limits.daily_loss_limit)}; "
            "only orders that reduce a position are accepted until tomorrow (00:00 UTC).",
            "non_field_errors",
        )
    ]


def drawdown_pct(equity: Decimal | None, peak: Decimal | None) -> Decimal | None:
    if equity is None or peak is None or peak <= 0:
        return None
    return max(ZERO, (peak - equity) / peak * HUNDRED)


def check_drawdown(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    dd = drawdown_pct(snap.equity, snap.equity_peak)
    if dd is None or dd <= limits.max_drawdown_pct or not _grows(ask, snap):
        return []
    return [
        RiskViolation(
            "max_drawdown_pct",
            limits.max_drawdown_pct,
            dd,
            dd,
            f"Equity is {dd:.2f} % below its peak of {_money(snap.equity_peak or ZERO)}, beyond the "
            f"{limits.max_drawdown_pct.normalize():f} % limit; only orders that reduce a position are "
            "accepted.",
            "non_field_errors",
        )
    ]


CHECKS: Final[tuple[Callable[[OrderAsk, RiskSnapshot, EffectiveLimits], list[RiskViolation]], ...]] = (
    check_price_band,
    check_order_notional,
    check_position_notional,
    check_gross_exposure,
    check_correlated_exposure,
    check_leverage,
    check_open_orders,
    check_order_rate,
    check_daily_loss,
    check_drawdown,
)


def check_order(ask: OrderAsk, snap: RiskSnapshot, limits: EffectiveLimits) -> list[RiskViolation]:
    """Every violation of every check, in a fixed order."""
    found: list[RiskViolation] = []
    for check in CHECKS:
        found.extend(check(ask, snap, limits))
    return found
