"""The balance and margin pre-trade check, registered into apps.orders.pretrade from PositionsConfig.ready().

It reads only stored rows (balances, positions, our open orders, symbols): it runs in the web request, so
it never calls the exchange. The arithmetic is the domain's (apps.positions.domain.margin); this module
gathers its inputs and turns each Shortfall into the Violation order placement answers with (HTTP 400,
field-level). The exchange still has the last word; this refuses what it would refuse anyway, earlier and
in plain words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from django.db.models import Q

from apps.orders.models import Order
from apps.positions.domain.margin import futures_margin_check, spot_balance_check
from apps.positions.models import Balance, MarginType, Position
from apps.symbols.domain.violations import Violation
from apps.symbols.models import Symbol

if TYPE_CHECKING:
    from apps.orders.domain.intent import PlacementIntent
    from apps.positions.domain.margin import Shortfall

ZERO: Final = Decimal(0)
# Binance's standard spot taker fee; only a MARKET buy sized in base uses it (headroom for the walk).
SPOT_TAKER_FEE: Final = Decimal("0.001")
SPOT_MAKER_FEE: Final = Decimal("0.001")
# Binance's leverage for a symbol whose setting was never changed (and never read by reconciliation).
DEFAULT_LEVERAGE: Final = 20
# Orders whose money the exchange may hold (or will, once acknowledged).
_OPEN: Final = ("PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_CANCEL", "UNKNOWN")
_CODES: Final = {
    "INSUFFICIENT_BALANCE": (-2010, "Account has insufficient balance for requested action."),
    "INSUFFICIENT_MARGIN": (-2019, "Margin is insufficient."),
}


def _violation(shortfall: Shortfall) -> Violation:
    code, message = _CODES[shortfall.code]
    return Violation(shortfall.code, code, message, shortfall.message, shortfall.field)


def balance_and_margin_check(intent: PlacementIntent) -> list[Violation]:
    """Spot: the free balance covers what the order locks. USD-M: the available margin covers the order's
    initial margin. Reduce-only and close-position orders free margin rather than use it: exempt."""
    if intent.reduce_only or intent.close_position:
        return []
    # Until the market's balances have been synced once we know nothing about the account, and refusing
    # every order would lock a fresh install out; the exchange still refuses what it cannot pay for.
    if not Balance.objects.filter(market=intent.market).exists():
        return []
    symbol = Symbol.objects.filter(market=intent.market, symbol=intent.symbol).first()
    if symbol is None:
        return []
    shortfalls = _spot(intent, symbol) if intent.market == "SPOT" else _futures(intent, symbol)
    return [_violation(s) for s in shortfalls]


# ---------------------------------------------------------------- spot


def _free(asset: str) -> Decimal:
    row = Balance.objects.filter(market="SPOT", asset=asset).only("free").first()
    return row.free if row is not None else ZERO


def _spent(order: Order) -> tuple[str, Decimal] | None:
    """(asset, amount) an order locks at the exchange: the base it sells, or the quote it spends."""
    size = order.requested_quantity
    if order.side == "SELL":
        return None if size is None else (order.symbol.base_asset, size)
    price = order.requested_price or order.requested_stop_price
    spend = order.requested_quote_quantity or (size * price if size is not None and price else None)
    return None if spend is None else (order.symbol.quote_asset, spend)


def _pending_reserved(symbol: Symbol) -> tuple[Decimal, Decimal]:
    """(base, quote) our orders will lock once the exchange acknowledges them: saved, not yet sent.

    Acknowledged orders are already in the exchange's locked balance. List legs share one lock and
    pending legs lock nothing until placed, so they are left out."""
    assets = [symbol.base_asset, symbol.quote_asset]
    pending = Order.objects.filter(
        Q(symbol__base_asset__in=assets) | Q(symbol__quote_asset__in=assets),
        market="SPOT",
        status="PENDING_NEW",
        exchange_order_id__isnull=True,
        list_client_order_id="",
    ).select_related("symbol")
    held: dict[str, Decimal] = {}
    for order in pending:
        spent = _spent(order)
        if spent is not None:
            held[spent[0]] = held.get(spent[0], ZERO) + spent[1]
    return held.get(symbol.base_asset, ZERO), held.get(symbol.quote_asset, ZERO)


def _last_price(symbol: Symbol) -> Decimal | None:
    """The symbol's price from the USDT prices the equity snapshots store on balances (minute-fresh)."""
    prices = dict(
        Balance.objects.filter(
            market="SPOT", asset__in=[symbol.base_asset, symbol.quote_asset], usdt_price__gt=0
        ).values_list("asset", "usdt_price")
    )
    if symbol.quote_asset == "USDT":
        prices["USDT"] = Decimal(1)
    base, quote = prices.get(symbol.base_asset), prices.get(symbol.quote_asset)
    return base / quote if base and quote else None


def _spot(intent: PlacementIntent, symbol: Symbol) -> list[Shortfall]:
    reserved_base, reserved_quote = _pending_reserved(symbol)
    return spot_balance_check(
        side=intent.side,  # type: ignore[arg-type]
        order_type=intent.type,
        quantity=intent.quantity,
        quote_quantity=intent.quote_quantity,
        price=intent.price or intent.stop_price,
        free_base=_free(symbol.base_asset) - reserved_base,
        free_quote=_free(symbol.quote_asset) - reserved_quote,
        taker_fee_rate=SPOT_TAKER_FEE,
        maker_fee_rate=SPOT_MAKER_FEE,
        last_price=_last_price(symbol),
        base_asset=symbol.base_asset,
        quote_asset=symbol.quote_asset,
    )


# ---------------------------------------------------------------- USD-M


def _leverages() -> dict[int, int]:
    """symbol id → leverage, from stored positions (flat rows keep the symbol's setting)."""
    out: dict[int, int] = {}
    for symbol_id, leverage in Position.objects.filter(leverage__isnull=False).values_list(
        "symbol_id", "leverage"
    ):
        out[symbol_id] = leverage
    return out


def _available(asset: str, leverages: dict[int, int]) -> Decimal | None:
    """Cross wallet + cross unrealized P&L - the cross positions' initial margin: what new orders can use.

    Computed from stored rows so it follows every ACCOUNT_UPDATE; the exchange's availableBalance (read at
    reconciliation) stands in when the wallet was never reported."""
    row = Balance.objects.filter(market="USDM", asset=asset).first()
    if row is None:
        return None
    wallet = row.cross_wallet_balance if row.cross_wallet_balance is not None else row.wallet_balance
    if wallet is None:
        return row.available_balance
    available = wallet
    cross = Position.objects.filter(~Q(quantity=0), ~Q(margin_type=MarginType.ISOLATED)).select_related(
        "symbol"
    )
    for p in cross:
        if (p.symbol.margin_asset or p.symbol.quote_asset) != asset:
            continue
        leverage = leverages.get(p.symbol_id, DEFAULT_LEVERAGE)
        margin = p.initial_margin if p.initial_margin is not None else abs(p.notional) / leverage
        available += p.unrealized_pnl - margin
    return available


def _open_orders_margin(asset: str, leverages: dict[int, int], marks: dict[int, Decimal]) -> Decimal:
    total = ZERO
    orders = Order.objects.filter(market="USDM", status__in=_OPEN, reduce_only=False, close_position=False)
    for order in orders.select_related("symbol"):
        if (
            order.symbol.margin_asset or order.symbol.quote_asset
        ) != asset or order.requested_quantity is None:
            continue
        price = order.requested_price or order.requested_stop_price or marks.get(order.symbol_id)
        left = order.requested_quantity - order.exchange_executed_qty
        if price and left > 0:
            total += left * price / leverages.get(order.symbol_id, DEFAULT_LEVERAGE)
    return total


def _new_exposure(intent: PlacementIntent, symbol: Symbol, quantity: Decimal) -> Decimal:
    """The part of the order that opens or grows a position: closing the opposite side needs no margin."""
    side = intent.position_side or "BOTH"
    if side in ("LONG", "SHORT"):
        closing = (side == "LONG") == (intent.side == "SELL")
        return ZERO if closing else quantity
    held = (
        Position.objects.filter(symbol=symbol, position_side="BOTH")
        .values_list("quantity", flat=True)
        .first()
    )
    held = held or ZERO
    opposite = (held > 0 and intent.side == "SELL") or (held < 0 and intent.side == "BUY")
    return max(ZERO, quantity - abs(held)) if opposite else quantity


def _futures(intent: PlacementIntent, symbol: Symbol) -> list[Shortfall]:
    if intent.quantity is None:
        return []
    marks = dict(Position.objects.filter(mark_price__gt=0).values_list("symbol_id", "mark_price"))
    price = intent.price or intent.stop_price or intent.activation_price or marks.get(symbol.pk)
    if not price:
        return []  # a MARKET order on a symbol we have no mark price of: nothing to estimate with
    asset = symbol.margin_asset or symbol.quote_asset
    leverages = _leverages()
    available = _available(asset, leverages)
    quantity = _new_exposure(intent, symbol, intent.quantity)
    if available is None or quantity == 0:
        return []
    return futures_margin_check(
        quantity=quantity,
        price_or_mark=price,
        leverage=leverages.get(symbol.pk, DEFAULT_LEVERAGE),
        available_balance=available,
        open_order_initial_margin=_open_orders_margin(asset, leverages, marks),
        reduce_only=intent.reduce_only,
        margin_asset=asset,
    )
