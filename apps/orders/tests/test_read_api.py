"""GET /api/orders/ (paged, filtered) and GET /api/orders/{id}/ with fills and events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from apps.orders.services import fill_record, order_transition
from apps.orders.tests.factories import make_order, spot_symbol

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_list_filters_open_and_closed_orders(viewer_client: APIClient) -> None:
    working = make_order()
    done = make_order()
    order_transition(order_id=done.pk, event="REJECT", source="task", payload={"code": -2010, "msg": "no"})

    def ids(params: dict[str, str]) -> list[int]:
        return [row["id"] for row in viewer_client.get("/api/orders/", params).json()["results"]]

    assert ids({"status": "open"}) == [working.pk]
    assert ids({"status": "closed"}) == [done.pk]
    assert set(ids({})) == {working.pk, done.pk}


def test_the_list_filters_by_market_symbol_and_time(viewer_client: APIClient) -> None:
    old = make_order(created_at=NOW - timedelta(days=2))
    eth = make_order(symbol=spot_symbol("ETHUSDT"), created_at=NOW)
    rows = viewer_client.get("/api/orders/", {"symbol": "ethusdt", "market": "spot"}).json()["results"]
    assert [row["id"] for row in rows] == [eth.pk]
    since = viewer_client.get("/api/orders/", {"since": (NOW - timedelta(days=1)).isoformat()}).json()
    assert [row["id"] for row in since["results"]] == [eth.pk]
    assert old.pk not in [row["id"] for row in since["results"]]
    assert viewer_client.get("/api/orders/", {"status": "sideways"}).status_code == 400


def test_the_list_is_paged(viewer_client: APIClient) -> None:
    for _ in range(3):
        make_order()
    page = viewer_client.get("/api/orders/", {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_the_detail_shows_fills_and_events_with_decimals_as_strings(viewer_client: APIClient) -> None:
    order = make_order()
    order_transition(order_id=order.pk, event="ACCEPT", source="task")
    fill_record(
        order_id=order.pk,
        exchange_trade_id=11,
        price=Decimal("100000.5"),
        quantity=Decimal("0.001"),
        commission=Decimal("0.000001"),
        commission_asset="BTC",
        is_maker=True,
        trade_time=NOW,
    )
    body = viewer_client.get(f"/api/orders/{order.pk}/").json()
    assert body["status"] == "NEW" and body["price"] == "100000" and body["external"] is False
    assert body["fills"][0]["price"] == "100000.5" and body["fills"][0]["quantity"] == "0.001"
    assert [e["to_status"] for e in body["events"]] == ["NEW"]


def test_an_unknown_order_is_404(viewer_client: APIClient) -> None:
    assert viewer_client.get("/api/orders/999999/").status_code == 404


def test_users_without_a_role_cannot_read_orders(outsider_user: object) -> None:
    client = APIClient()
    client.force_authenticate(outsider_user)
    assert client.get("/api/orders/").status_code == 403


def test_orders_placed_outside_the_platform_are_marked_external(viewer_client: APIClient) -> None:
    make_order(external=True)
    (row,) = viewer_client.get("/api/orders/").json()["results"]
    assert row["external"] is True
