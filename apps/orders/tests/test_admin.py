"""The back-office pages for orders open with their transitions and fills, and cannot change them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.orders.services import fill_record, order_transition
from apps.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_an_order_page_shows_intent_exchange_fields_events_and_fills_read_only() -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    order = make_order(client_order_id="web-abc")
    order_transition(order_id=order.pk, event="ACCEPT", source="task")
    fill_record(
        order_id=order.pk,
        exchange_trade_id=77,
        price=Decimal(100000),
        quantity=Decimal("0.001"),
        commission=Decimal(0),
        commission_asset="BNB",
        is_maker=False,
        trade_time=datetime(2026, 11, 25, tzinfo=UTC),
    )
    assert client.get("/admin/orders/order/?status__exact=NEW&q=web").status_code == 200
    page = client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200
    assert (
        b"Reported by the exchange" in page.content
        and b"PENDING_NEW" in page.content
        and b"77" in page.content
    )
    assert b'name="_save"' not in page.content
    assert client.get("/admin/orders/fill/").status_code == 200
    assert client.get("/admin/orders/order/add/").status_code == 403
