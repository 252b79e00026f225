"""Order (what we asked for, apart from what the exchange reports), Fill, and OrderEvent (transitions)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.orders.domain.state import OrderEvent as Event
from apps.orders.domain.state import OrderStatus
from apps.symbols.models import Market, Symbol

# Same scale as the symbol filters: Binance amounts have at most 8 decimals, averages get more room.
_DIGITS = {"max_digits": 36, "decimal_places": 18}


class Side(models.TextChoices):
    BUY = "BUY", "Buy"
    SELL = "SELL", "Sell"


class PositionSide(models.TextChoices):
    BOTH = "BOTH", "Both (one-way mode)"
    LONG = "LONG", "Long"
    SHORT = "SHORT", "Short"


# The first OrderEvent of every order, written when it is saved PENDING_NEW. Not an event of the state table:
# nothing moves an order into PENDING_NEW; it is born there.
CREATED = "CREATE"
# Amending a resting order (quantity/price) changes no status: a request, then the exchange's answer.
MODIFY_REQUEST = "MODIFY_REQUEST"
MODIFIED = "MODIFIED"
MODIFY_REJECTED = "MODIFY_REJECTED"
_RECORD_ONLY_EVENTS = (CREATED, MODIFY_REQUEST, MODIFIED, MODIFY_REJECTED)


class EventSource(models.TextChoices):
    API = "api", "API request"
    TASK = "task", "Background task"
    STREAM = "stream", "User data stream"
    RECONCILE = "reconcile", "Reconciliation"


class Order(models.Model):
    # ------------------------------------------------ intent: what we asked for, never changed afterwards
    client_order_id = models.CharField(
        max_length=36, unique=True, help_text="Our id for the order at Binance; the idempotency key"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="Empty for orders the platform placed itself (kill switch, reconciliation)",
    )
    symbol = models.ForeignKey(Symbol, on_delete=models.PROTECT, related_name="orders")
    market = models.CharField(max_length=8, choices=Market.choices)
    side = models.CharField(max_length=4, choices=Side.choices)
    order_type = models.CharField(
        max_length=32, help_text="Binance's spelling: LIMIT, MARKET, STOP_LOSS_LIMIT..."
    )
    time_in_force = models.CharField(max_length=8, blank=True)
    requested_quantity = models.DecimalField(**_DIGITS, null=True, blank=True)
    requested_quote_quantity = models.DecimalField(
        **_DIGITS, null=True, blank=True, help_text="Spot MARKET orders sized by quote amount (quoteOrderQty)"
    )
    requested_price = models.DecimalField(**_DIGITS, null=True, blank=True)
    requested_stop_price = models.DecimalField(**_DIGITS, null=True, blank=True)
    reduce_only = models.BooleanField(default=False)
    position_side = models.CharField(max_length=5, choices=PositionSide.choices, blank=True)
    close_position = models.BooleanField(default=False, help_text="Futures: close the whole position")
    working_type = models.CharField(
        max_length=16, blank=True, help_text="Futures: MARK_PRICE or CONTRACT_PRICE"
    )
    trailing_delta = models.PositiveIntegerField(null=True, blank=True, help_text="Spot trailing stop, bips")
    callback_rate = models.DecimalField(**_DIGITS, null=True, blank=True, help_text="Futures trailing, %")
    activation_price = models.DecimalField(**_DIGITS, null=True, blank=True, help_text="Futures trailing")
    # The key a client sent (Idempotency-Key header, else its own client_order_id): the same key from the
    # same user names the same order, so a retried request never places a second one.
    idempotency_key = models.CharField(max_length=64, blank=True)
    # Spot order lists (OCO): every leg is an Order; the legs share the list's clientOrderId.
    list_client_order_id = models.CharField(max_length=36, blank=True, db_index=True)
    contingency_type = models.CharField(max_length=8, blank=True, help_text="OCO for a leg of an order list")
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="The order this one replaces through a spot cancelReplace",
    )

    external = models.BooleanField(
        default=False, help_text="Placed outside the platform with our key; adopted by reconciliation"
    )

    # ------------------------------------------------ our state machine (apps.orders.domain.state)
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in OrderStatus],
        default=OrderStatus.PENDING_NEW.value,
    )
    reject_code = models.IntegerField(null=True, blank=True, help_text="Binance's error code on rejection")
    reject_reason = models.CharField(max_length=500, blank=True)
    reject_explanation = models.CharField(max_length=500, blank=True, help_text="What the rejection means")

    # ------------------------------------------------ exchange truth: only ever copied from Binance's reports
    exchange_order_id = models.BigIntegerField(null=True, blank=True)
    exchange_algo_id = models.BigIntegerField(
        null=True, blank=True, help_text="Futures conditional orders: Binance's algoId (its own numbering)"
    )
    exchange_status = models.CharField(
        max_length=20, blank=True, help_text="Status as Binance last reported it"
    )
    exchange_executed_qty = models.DecimalField(**_DIGITS, default=0)
    exchange_cumulative_quote = models.DecimalField(**_DIGITS, default=0)
    exchange_avg_price = models.DecimalField(**_DIGITS, null=True, blank=True)
    exchange_update_time = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                # A futures closePosition stop closes whatever the position is: it has no size of its own.
                condition=Q(requested_quantity__isnull=False)
                | Q(requested_quote_quantity__isnull=False)
                | Q(close_position=True),
                name="order_has_a_size",
            ),
            models.CheckConstraint(
                condition=Q(requested_quantity__isnull=True) | Q(requested_quantity__gt=0),
                name="order_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(requested_quote_quantity__isnull=True) | Q(requested_quote_quantity__gt=0),
                name="order_quote_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(requested_price__isnull=True) | Q(requested_price__gt=0),
                name="order_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(requested_stop_price__isnull=True) | Q(requested_stop_price__gt=0),
                name="order_stop_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(exchange_executed_qty__gte=0) & Q(exchange_cumulative_quote__gte=0),
                name="order_exchange_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrderStatus]), name="order_status_valid"
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="order_side_valid"),
            models.CheckConstraint(condition=Q(market__in=Market.values), name="order_market_valid"),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique_per_user",
            ),
            # Binance numbers orders per symbol.
            models.UniqueConstraint(
                fields=["symbol", "exchange_order_id"],
                condition=Q(exchange_order_id__isnull=False),
                name="order_exchange_id_unique_per_symbol",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # Reconciliation and the open-orders list look for orders that are not finished.
            models.Index(
                fields=["status", "updated_at"],
                name="order_open",
                condition=Q(
                    status__in=["PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_CANCEL", "UNKNOWN"]
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_order_id} {self.side} {self.order_type} ({self.status})"


class Fill(models.Model):
    """One trade of one of our orders. Applying the same trade twice is impossible by construction.

    A trade imported from the exchange's history whose order the platform does not know (placed elsewhere
    with our key and finished before reconciliation saw it) has no `order`; `exchange_order_id` names it.
    """

    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="fills")
    exchange_order_id = models.BigIntegerField(
        null=True, blank=True, help_text="Binance's orderId of the trade's order (set by history imports)"
    )
    # A fill without an order has no order to take its side from; history imports copy the trade's.
    side = models.CharField(
        max_length=4, choices=Side.choices, blank=True, help_text="Empty: the order's side"
    )
    # Copied from the order for the uniqueness rule: Binance numbers trades per symbol, so a trade id is
    # unique only together with its symbol (which belongs to one market).
    symbol = models.ForeignKey(Symbol, on_delete=models.PROTECT, related_name="+")
    market = models.CharField(max_length=8, choices=Market.choices)
    exchange_trade_id = models.BigIntegerField()
    price = models.DecimalField(**_DIGITS)
    quantity = models.DecimalField(**_DIGITS)
    quote_quantity = models.DecimalField(**_DIGITS)
    commission = models.DecimalField(**_DIGITS)
    commission_asset = models.CharField(max_length=24, blank=True)
    is_maker = models.BooleanField()
    realized_pnl = models.DecimalField(**_DIGITS, null=True, blank=True, help_text="Futures only")
    trade_time = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("trade_time", "id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["symbol", "exchange_trade_id"], name="fill_trade_unique_per_symbol"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="fill_price_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fill_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"trade {self.exchange_trade_id} {self.quantity} @ {self.price}"


class OrderEvent(models.Model):
    """One transition of one order, written in the same transaction as the status change itself."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    event = models.CharField(
        max_length=20, choices=[(e, e) for e in _RECORD_ONLY_EVENTS] + [(e.value, e.value) for e in Event]
    )
    source = models.CharField(max_length=10, choices=EventSource.choices)
    # Decimals in a payload (amounts from a report) are stored as strings, never as floats.
    payload = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("order_id", "id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(source__in=EventSource.values), name="orderevent_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status} ({self.event}, {self.source})"
