"""Equity snapshots: what the account is worth in USDT, per market and in total, once a minute.

Spot: every balance at its last price in USDT (the exchange's ticker through the gateway; USDT counts 1).
USD-M: wallet balance plus unrealized profit per asset, read fresh from the exchange (stored rows stand in
when it cannot be read). The prices are also kept on the balance rows, for the portfolio view and the
pre-trade check, which must not call the exchange themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.utils import timezone

from apps.exchange.domain.errors import ExchangeError, RejectedError
from apps.positions.models import Balance, EquityMarket, EquitySnapshot, Position

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
QUOTE: Final = "USDT"


@dataclass(frozen=True, slots=True)
class Valuation:
    equity: Decimal
    wallet: Decimal
    unrealized: Decimal
    unpriced: tuple[str, ...] = ()


def usdt_prices(gateway: Any, assets: set[str]) -> dict[str, Decimal]:
    """asset → last price in USDT from the spot ticker; assets without a USDT pair are left out."""
    prices: dict[str, Decimal] = {}
    for asset in sorted(assets):
        if asset == QUOTE:
            prices[asset] = ONE
            continue
        try:
            prices[asset] = gateway.ticker_price("spot", f"{asset}{QUOTE}")
        except RejectedError:
            logger.debug("no %s%s pair: %s left unpriced", asset, QUOTE, asset)
    return prices


def _spot(prices: dict[str, Decimal]) -> Valuation:
    value = ZERO
    unpriced: list[str] = []
    for row in Balance.objects.filter(market="SPOT"):
        if row.total == 0:
            continue
        price = prices.get(row.asset)
        if price is None:
            unpriced.append(row.asset)
        else:
            value += row.total * price
    return Valuation(value, value, ZERO, tuple(unpriced))


def _futures(gateway: Any, prices: dict[str, Decimal]) -> Valuation:
    try:
        assets = gateway.account("futures").futures_balances
        rows = [(b.asset, b.wallet_balance, b.unrealized_pnl) for b in assets]
    except ExchangeError as error:
        logger.warning("futures balances unreadable (%s): stored rows used for equity", error)
        unrealized_by_asset: dict[str, Decimal] = {}
        for p in Position.objects.exclude(quantity=0).select_related("symbol"):
            asset = p.symbol.margin_asset or p.symbol.quote_asset
            unrealized_by_asset[asset] = unrealized_by_asset.get(asset, ZERO) + p.unrealized_pnl
        rows = [
            (b.asset, b.wallet_balance or ZERO, unrealized_by_asset.get(b.asset, ZERO))
            for b in Balance.objects.filter(market="USDM")
        ]
    wallet = unrealized = ZERO
    unpriced: list[str] = []
    for asset, wallet_balance, pnl in rows:
        if wallet_balance == 0 and pnl == 0:
            continue
        price = prices.get(asset)
        if price is None:
            unpriced.append(asset)
            continue
        wallet += wallet_balance * price
        unrealized += pnl * price
    return Valuation(wallet + unrealized, wallet, unrealized, tuple(unpriced))


def _save(time: datetime, market: str, value: Valuation) -> EquitySnapshot:
    row, _ = EquitySnapshot.objects.update_or_create(
        time=time,
        market=market,
        defaults={
            "equity": value.equity,
            "wallet": value.wallet,
            "unrealized": value.unrealized,
            "unpriced": list(value.unpriced),
        },
    )
    return row


def equity_snapshot_take(*, now: datetime | None = None) -> list[EquitySnapshot]:
    """Value both markets now and store SPOT, USDM and TOTAL rows (one time for all three).

    Exchange calls (tickers, futures balances) happen before the transaction that stores the rows.
    """
    from apps.exchange.gateway import get_gateway

    gateway = get_gateway()
    time = (now or timezone.now()).replace(microsecond=0)
    assets = set(Balance.objects.values_list("asset", flat=True))
    prices = usdt_prices(gateway, assets)
    futures = _futures(gateway, prices)
    with transaction.atomic():
        for asset, price in prices.items():
            Balance.objects.filter(asset=asset).update(usdt_price=price, priced_at=time)
        spot = _spot(prices)
        total = Valuation(
            spot.equity + futures.equity,
            spot.wallet + futures.wallet,
            futures.unrealized,
            tuple(sorted(set(spot.unpriced) | set(futures.unpriced))),
        )
        return [
            _save(time, EquityMarket.SPOT, spot),
            _save(time, EquityMarket.USDM, futures),
            _save(time, EquityMarket.TOTAL, total),
        ]
