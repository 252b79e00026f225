"""What the account holds: balances per market and asset, USD-M positions, equity over time, income history.

Every row is a copy of exchange truth (REST snapshots, user-stream events, history imports); nothing here is
typed in by a user. `exchange_update_time` is the exchange's own time of the data a row shows: older data
that arrives later (a REST answer after a newer stream event) never overwrites newer data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.symbols.models import Market, Symbol

# Same scale as the orders and symbols apps.
_DIGITS = {"max_digits": 36, "decimal_places": 18}
ZERO = Decimal(0)


def _amount(help_text: str = "", *, null: bool = False) -> models.DecimalField:
    if null:
        return models.DecimalField(**_DIGITS, null=True, blank=True, help_text=help_text)
    return models.DecimalField(**_DIGITS, default=ZERO, help_text=help_text)


class Source(models.TextChoices):
    SNAPSHOT = "snapshot", "REST snapshot"
    STREAM = "stream", "User data stream"
    RECONCILE = "reconcile", "Reconciliation"


class Balance(models.Model):
    """One asset of one market's wallet. Spot: free + locked. USD-M: the wallet figures Binance reports."""

    market = models.CharField(max_length=8, choices=Market.choices)
    asset = models.CharField(max_length=24)
    free = _amount("Spot: available to trade")
    locked = _amount("Spot: held by open orders")
    wallet_balance = _amount("USD-M: wallet balance (wb)", null=True)
    cross_wallet_balance = _amount("USD-M: cross wallet balance (cw)", null=True)
    available_balance = _amount("USD-M: available for new positions", null=True)
    unrealized_pnl = _amount("USD-M: unrealized profit of the asset's positions", null=True)
    usdt_price = _amount("Last price of one unit in USDT (equity snapshots); empty when unpriced", null=True)
    priced_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SNAPSHOT)
    exchange_update_time = models.DateTimeField(
        null=True, blank=True, help_text="The exchange's time of the data shown; older data is ignored"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("market", "asset")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["market", "asset"], name="balance_unique_per_market_asset"),
            models.CheckConstraint(condition=Q(market__in=Market.values), name="balance_market_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.market} {self.asset} {self.total}"

    @property
    def total(self) -> Decimal:
        """What the wallet holds of the asset: free + locked (spot), the wallet balance (USD-M)."""
        if self.market == Market.USDM:
            return self.wallet_balance or ZERO
        return self.free + self.locked

    @property
    def usdt_value(self) -> Decimal | None:
        """`total` at the last stored USDT price; None when the asset was never priced."""
        return None if self.usdt_price is None else self.total * self.usdt_price


class PositionSide(models.TextChoices):
    BOTH = "BOTH", "Both (one-way mode)"
    LONG = "LONG", "Long"
    SHORT = "SHORT", "Short"


class MarginType(models.TextChoices):
    CROSS = "cross", "Cross"
    ISOLATED = "isolated", "Isolated"


class Position(models.Model):
    """One USD-M position per symbol and side. A closed position keeps its row with quantity 0 (its
    leverage and margin type are still the symbol's settings)."""

    symbol = models.ForeignKey(Symbol, on_delete=models.PROTECT, related_name="positions")
    position_side = models.CharField(max_length=5, choices=PositionSide.choices, default=PositionSide.BOTH)
    quantity = _amount("Signed: negative is short")
    entry_price = _amount()
    break_even_price = _amount()
    leverage = models.PositiveSmallIntegerField(null=True, blank=True)
    margin_type = models.CharField(max_length=8, choices=MarginType.choices, blank=True)
    isolated_margin = _amount("Isolated: wallet + unrealized")
    isolated_wallet = _amount("Isolated: margin put into the position")
    mark_price = _amount()
    unrealized_pnl = _amount()
    accumulated_realized = _amount(
        "Realized profit accumulated by the position (ACCOUNT_UPDATE cr)", null=True
    )
    liquidation_price = _amount(
        "Empty when the position cannot be liquidated (flat, or fully covered)", null=True
    )
    maint_margin = _amount(null=True)
    initial_margin = _amount(null=True)
    notional = _amount("Signed, at the mark price")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SNAPSHOT)
    exchange_update_time = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("symbol__symbol", "position_side")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["symbol", "position_side"], name="position_unique_per_symbol_side"
            ),
            models.CheckConstraint(
                condition=Q(position_side__in=PositionSide.values), name="position_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(margin_type__in=[*MarginType.values, ""]), name="position_margin_type_valid"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["symbol"], name="position_open", condition=~Q(quantity=0)),
        ]

    def __str__(self) -> str:
        return f"{self.symbol.symbol} {self.position_side} {self.quantity}"


class EquityMarket(models.TextChoices):
    SPOT = "SPOT", "Spot"
    USDM = "USDM", "USD-M futures"
    TOTAL = "TOTAL", "Total"


class EquitySnapshot(models.Model):
    """Account value at one moment, in USDT: one row per market and one TOTAL row per snapshot time."""

    time = models.DateTimeField()
    market = models.CharField(max_length=8, choices=EquityMarket.choices)
    equity = _amount("Wallet + unrealized, in USDT")
    wallet = _amount("Spot: the assets' value; USD-M: wallet balance")
    unrealized = _amount("USD-M unrealized profit")
    # Assets we could not price (no USDT pair): left out of `equity`, named here so the gap is visible.
    unpriced = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-time", "market")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["time", "market"], name="equity_unique_per_time_market"),
            models.CheckConstraint(condition=Q(market__in=EquityMarket.values), name="equity_market_valid"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["time"], name="equity_time"),
            models.Index(fields=["market", "time"], name="equity_market_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.market} {self.equity}"


class IncomeRecord(models.Model):
    """One line of the USD-M income history (realized P&L, funding, commission, transfers...).

    Binance's tranId is not unique across income types (a trade's REALIZED_PNL and COMMISSION share it),
    nor across assets, so the key is (market, tranId, type, asset).
    """

    market = models.CharField(max_length=8, choices=Market.choices, default=Market.USDM)
    income_type = models.CharField(max_length=32, help_text="REALIZED_PNL, FUNDING_FEE, COMMISSION, ...")
    asset = models.CharField(max_length=24)
    amount = models.DecimalField(**_DIGITS)
    symbol = models.CharField(max_length=32, blank=True)
    time = models.DateTimeField()
    exchange_tran_id = models.BigIntegerField()
    trade_id = models.CharField(max_length=32, blank=True)
    info = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-time", "-id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["market", "exchange_tran_id", "income_type", "asset"], name="income_unique_tran"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["time"], name="income_time"),
            models.Index(fields=["income_type", "time"], name="income_type_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.income_type} {self.amount} {self.asset}"


class ImportCursor(models.Model):
    """How far one history import got, so an interrupted run resumes where the last committed page ended.

    `what`: "spot_trades:<SYMBOL>", "usdm_trades:<SYMBOL>" or "usdm_income".
    """

    what = models.CharField(max_length=64, unique=True)
    last_time = models.DateTimeField(null=True, blank=True, help_text="Time of the newest row imported")
    last_id = models.BigIntegerField(null=True, blank=True, help_text="Trade id of the newest row imported")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("what",)

    def __str__(self) -> str:
        return f"{self.what}: id {self.last_id}, {self.last_time}"


class BracketTable(models.Model):
    """A USD-M symbol's leverage brackets as last read from the exchange (maintenance margin, liquidation).

    Kept in the database so every process (worker, streams) prices liquidation from the same table without
    asking the exchange per event; reconciliation refreshes it.
    """

    symbol = models.CharField(max_length=32, unique=True)
    brackets = models.JSONField(
        help_text="leverageBracket rows as the exchange sent them, numbers as strings"
    )
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("symbol",)

    def __str__(self) -> str:
        return f"{self.symbol} ({len(self.brackets)} brackets)"
