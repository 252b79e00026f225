"""Symbol (one tradable pair per market, with its typed filters and raw exchangeInfo) and SymbolEvent."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

# Binance prints up to 8 decimals on spot and futures; 18 leaves room for any finer grid, and 18 integer
# digits hold maxQty "9000000000" or maxNotional "9000000000.00000000" with margin.
_DIGITS = {"max_digits": 36, "decimal_places": 18}


def _amount(help_text: str) -> models.DecimalField:
    return models.DecimalField(**_DIGITS, null=True, blank=True, help_text=help_text)


def _count(help_text: str) -> models.IntegerField:
    return models.IntegerField(null=True, blank=True, help_text=help_text)


class Market(models.TextChoices):
    SPOT = "SPOT", "Spot"
    USDM = "USDM", "USD-M futures"


class Symbol(models.Model):
    market = models.CharField(max_length=8, choices=Market.choices)
    symbol = models.CharField(max_length=32, help_text="Binance's name, e.g. BTCUSDT")
    status = models.CharField(max_length=24, help_text="Exchange status as last reported, e.g. TRADING, HALT")
    # A delisted pair keeps its row (orders and fills point at it) but is no longer listed.
    is_listed = models.BooleanField(default=True)
    base_asset = models.CharField(max_length=24)
    quote_asset = models.CharField(max_length=24)
    margin_asset = models.CharField(max_length=24, blank=True)
    contract_type = models.CharField(max_length=32, blank=True)
    base_precision = models.PositiveSmallIntegerField()
    quote_precision = models.PositiveSmallIntegerField()
    price_precision = models.PositiveSmallIntegerField(null=True, blank=True)
    quantity_precision = models.PositiveSmallIntegerField(null=True, blank=True)
    order_types = models.JSONField(default=list)
    time_in_force = models.JSONField(default=list, blank=True)
    permissions = models.JSONField(default=list, blank=True)
    iceberg_allowed = models.BooleanField(default=False)
    oco_allowed = models.BooleanField(default=False)
    quote_order_qty_market_allowed = models.BooleanField(default=False)
    allow_trailing_stop = models.BooleanField(default=False)

    # PRICE_FILTER
    min_price = _amount("PRICE_FILTER minPrice (0 = no minimum)")
    max_price = _amount("PRICE_FILTER maxPrice (0 = no maximum)")
    tick_size = _amount("PRICE_FILTER tickSize")
    # PERCENT_PRICE / PERCENT_PRICE_BY_SIDE
    multiplier_up = _amount("PERCENT_PRICE multiplierUp")
    multiplier_down = _amount("PERCENT_PRICE multiplierDown")
    multiplier_decimal = _count("PERCENT_PRICE multiplierDecimal (futures)")
    bid_multiplier_up = _amount("PERCENT_PRICE_BY_SIDE bidMultiplierUp")
    bid_multiplier_down = _amount("PERCENT_PRICE_BY_SIDE bidMultiplierDown")
    ask_multiplier_up = _amount("PERCENT_PRICE_BY_SIDE askMultiplierUp")
    ask_multiplier_down = _amount("PERCENT_PRICE_BY_SIDE askMultiplierDown")
    avg_price_mins = _count("Minutes of the average price the percent and notional filters use")
    # LOT_SIZE and MARKET_LOT_SIZE
    min_qty = _amount("LOT_SIZE minQty")
    max_qty = _amount("LOT_SIZE maxQty")
    step_size = _amount("LOT_SIZE stepSize")
    market_min_qty = _amount("MARKET_LOT_SIZE minQty")
    market_max_qty = _amount("MARKET_LOT_SIZE maxQty")
    market_step_size = _amount("MARKET_LOT_SIZE stepSize (0 = LOT_SIZE's step applies)")
    # MIN_NOTIONAL / NOTIONAL
    min_notional = _amount("MIN_NOTIONAL minNotional (futures: notional) or NOTIONAL minNotional")
    max_notional = _amount("NOTIONAL maxNotional")
    apply_min_to_market = models.BooleanField(null=True, blank=True)
    apply_max_to_market = models.BooleanField(null=True, blank=True)
    # ICEBERG_PARTS, MAX_NUM_*
    iceberg_parts = _count("ICEBERG_PARTS limit")
    max_num_orders = _count("MAX_NUM_ORDERS")
    max_num_algo_orders = _count("MAX_NUM_ALGO_ORDERS")
    max_num_iceberg_orders = _count("MAX_NUM_ICEBERG_ORDERS")
    # TRAILING_DELTA, basis points
    min_trailing_above_delta = _count("TRAILING_DELTA minTrailingAboveDelta")
    max_trailing_above_delta = _count("TRAILING_DELTA maxTrailingAboveDelta")
    min_trailing_below_delta = _count("TRAILING_DELTA minTrailingBelowDelta")
    max_trailing_below_delta = _count("TRAILING_DELTA maxTrailingBelowDelta")

    # The symbol object exactly as exchangeInfo sent it: the source the typed fields are parsed from,
    # and the only place filters we have no column for (and their order) are kept.
    raw = models.JSONField()
    listed_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    delisted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("market", "symbol")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["market", "symbol"], name="symbol_unique_per_market"),
            models.CheckConstraint(condition=models.Q(market__in=Market.values), name="symbol_market_valid"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["market", "is_listed", "status"], name="symbol_market_listed_status"),
            models.Index(fields=["base_asset"], name="symbol_base_asset"),
            models.Index(fields=["quote_asset"], name="symbol_quote_asset"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.market})"


class SymbolEventKind(models.TextChoices):
    LISTED = "LISTED", "Listed"
    STATUS_CHANGED = "STATUS_CHANGED", "Status changed"
    DELISTED = "DELISTED", "Delisted"
    FILTERS_CHANGED = "FILTERS_CHANGED", "Trading rules changed"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"


class SymbolEvent(models.Model):
    """A change the exchangeInfo sync saw. Alerts double as the notification outbox.

    Rows with `is_alert` and no `notified_at` are waiting for the monitoring app's notification channels
    to deliver them (found through the partial index); delivery sets `notified_at`.
    """

    symbol = models.ForeignKey(Symbol, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=SymbolEventKind.choices)
    old_status = models.CharField(max_length=24, blank=True)
    new_status = models.CharField(max_length=24, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.INFO)
    is_alert = models.BooleanField(default=False)
    message = models.CharField(max_length=300)
    detail = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["created_at"],
                name="symbolevent_undelivered",
                condition=models.Q(is_alert=True, notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.symbol_id}: {self.message}"
