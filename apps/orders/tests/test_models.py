"""Database rules of orders and fills: sizes and prices positive, ids unique, decimals exact."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from apps.orders.models import Fill, Order
from apps.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "overrides",
    [
        {"requested_quantity": Decimal(0)},
        {"requested_quantity": Decimal("-0.001")},
        {"requested_quantity": None, "requested_quote_quantity": None},
        {"requested_price": Decimal(0)},
        {"requested_stop_price": Decimal(-1)},
        {"status": "ALMOST_FILLED"},
        {"side": "HOLD"},
    ],
    ids=[
        "zero quantity",
        "negative quantity",
        "no size at all",
        "zero price",
        "negative stop",
        "bad status",
        "bad side",
    ],
)
def test_the_database_refuses_an_impossible_order(overrides: dict) -> None:
    make_order()  # the symbol exists before the failing insert
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(**overrides)


def test_a_market_order_may_be_sized_by_quote_amount_alone() -> None:
    order = make_order(
        order_type="MARKET",
        requested_quantity=None,
        requested_price=None,
        requested_quote_quantity=Decimal(50),
    )
    assert order.requested_quote_quantity == Decimal(50)


def test_client_order_ids_are_unique() -> None:
    make_order(client_order_id="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(client_order_id="same")


def test_binance_order_ids_are_unique_per_symbol() -> None:
    make_order(exchange_order_id=42)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(exchange_order_id=42)


def test_amounts_keep_binance_decimals() -> None:
    # 15 significant digits: what SQLite (the zero-setup database) stores exactly; PostgreSQL keeps all.
    order = make_order(requested_quantity=Decimal("9214157.80000001"), requested_price=Decimal("0.00000001"))
    stored = Order.objects.get(pk=order.pk)
    assert stored.requested_quantity == Decimal("9214157.80000001")
    assert stored.requested_price == Decimal("0.00000001")
    fill = Fill.objects.create(
        order=order,
        symbol=order.symbol,
        market="SPOT",
        exchange_trade_id=1,
        price=Decimal("123456.12345678"),
        quantity=Decimal("0.00000001"),
        quote_quantity=Decimal("0.01234567"),
        commission=Decimal(0),
        is_maker=False,
        trade_time=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert Fill.objects.get(pk=fill.pk).price == Decimal("123456.12345678")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores decimals as 15-digit REALs")
def test_on_postgresql_amounts_keep_all_eighteen_decimals() -> None:
    order = make_order(requested_quantity=Decimal("9000000000.000000000000000001"))
    assert Order.objects.get(pk=order.pk).requested_quantity == Decimal("9000000000.000000000000000001")
