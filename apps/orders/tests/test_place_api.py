"""POST /api/orders/: validation before anything is saved or sent, roles, and idempotency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.monitoring.models import AuditEvent
from apps.orders.models import Order, OrderEvent
from apps.orders.pretrade import pretrade_checks
from apps.symbols.domain.violations import Violation
from apps.symbols.models import Symbol

URL = "/api/orders/"
LIMIT = {"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001"}


def limit(**fields: Any) -> dict[str, Any]:
    return {**LIMIT, "price": "30000", **fields}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    # Placement enqueues on commit; these tests check what is recorded, not the worker, so the enqueue
    # is recorded instead of reaching the broker.
    sent: list[int] = []
    from apps.orders import tasks

    monkeypatch.setattr(tasks.submit_order, "delay", sent.append)
    return sent


def test_a_valid_limit_order_is_recorded_pending_new_and_answered_with_202(
    trader_client: APIClient, symbols: None, django_capture_on_commit_callbacks: Any, _no_broker: list[int]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = trader_client.post(URL, limit(), format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    order = Order.objects.get(pk=body["id"])
    assert order.status == "PENDING_NEW" == body["status"]
    assert body["quantity"] == "0.001" and body["price"] == "30000" and body["time_in_force"] == "GTC"
    assert order.client_order_id == body["client_order_id"]
    assert order.client_order_id.startswith(f"t{order.pk}-")
    assert len(callbacks) == 1 and _no_broker == [order.pk]
    [event] = OrderEvent.objects.filter(order=order)
    assert (event.event, event.to_status, event.source) == ("CREATE", "PENDING_NEW", "api")
    audit = AuditEvent.objects.get(action="orders.place")
    assert audit.target_id == str(order.pk) and audit.actor_label == "tom-trader"


def test_post_only_becomes_limit_maker_on_spot_and_gtx_on_futures(
    trader_client: APIClient, symbols: None
) -> None:
    spot = trader_client.post(URL, limit(post_only=True), format="json").json()
    assert (spot["type"], spot["time_in_force"]) == ("LIMIT_MAKER", "")
    futures = trader_client.post(
        URL, limit(market="USDM", quantity="0.01", post_only=True), format="json"
    ).json()
    assert (futures["type"], futures["time_in_force"]) == ("LIMIT", "GTX")


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"symbol": "NOPEUSDT"}, "symbol", "not a known"),
        ({"type": "MARKET"}, "price", "does not take price"),
        ({"price": "abc"}, "price", "Not a plain decimal"),
        ({"price": "-1"}, "price", "Not a plain decimal"),
        ({"quantity": "0"}, "quantity", "greater than zero"),
        ({"quantity": 0.001}, "quantity", "as strings"),
        ({"price": "1e-3"}, "price", "Not a plain decimal"),
        ({"price": "NaN"}, "price", "Not a plain decimal"),
        ({"price": "30,000"}, "price", "Not a plain decimal"),
        ({"quantity": "0.000001"}, "quantity", ""),
        ({"price": "30000.001"}, "price", ""),
        ({"type": "LIMIT", "price": None}, "price", "needs price"),
        ({"time_in_force": "GTX"}, "time_in_force", "Use one of"),
        ({"type": "TRAILING_STOP_MARKET"}, "type", "not an order type"),
        ({"market": "MARGIN"}, "market", "SPOT or USDM"),
    ],
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_is_recorded(
    trader_client: APIClient, symbols: None, fields: dict[str, Any], field: str, words: str
) -> None:
    body = {k: v for k, v in limit(**fields).items() if v is not None}
    response = trader_client.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()
    assert field in errors, errors
    assert words in " ".join(map(str, errors[field]))
    assert not Order.objects.exists()


def test_a_halted_symbol_is_refused(trader_client: APIClient, symbols: None) -> None:
    Symbol.objects.filter(market="SPOT", symbol="BTCUSDT").update(status="HALT")
    response = trader_client.post(URL, limit(), format="json")
    assert response.status_code == 400
    assert "symbol" in response.json()
    assert not Order.objects.exists()


def test_a_market_order_takes_a_quote_quantity_but_not_both_sizes(
    trader_client: APIClient, symbols: None
) -> None:
    ok = trader_client.post(
        URL, {**LIMIT, "type": "MARKET", "quantity": None, "quote_quantity": "50"}, format="json"
    )
    assert ok.status_code == 202, ok.json()
    assert ok.json()["quote_quantity"] == "50"
    both = trader_client.post(URL, {**LIMIT, "type": "MARKET", "quote_quantity": "50"}, format="json")
    assert both.status_code == 400 and "quantity" in both.json()


def test_a_registered_pretrade_check_refuses_the_order(trader_client: APIClient, symbols: None) -> None:
    def too_big(intent: Any) -> list[Violation]:
        return [Violation("RISK", 0, "", "Above the per-order notional limit.", "quantity")]

    pretrade_checks.append(too_big)
    try:
        response = trader_client.post(URL, limit(), format="json")
    finally:
        pretrade_checks.remove(too_big)
    assert response.status_code == 400
    assert response.json()["quantity"] == ["Above the per-order notional limit."]


def test_viewers_may_read_but_not_place_orders(viewer_client: APIClient, symbols: None) -> None:
    assert viewer_client.post(URL, limit(), format="json").status_code == 403
    assert viewer_client.get(URL).status_code == 200
    assert not Order.objects.exists()


def test_anonymous_requests_are_refused(api_client: APIClient, symbols: None) -> None:
    assert api_client.post(URL, limit(), format="json").status_code in (401, 403)


def test_the_same_idempotency_key_twice_returns_the_same_order(
    trader_client: APIClient, symbols: None
) -> None:
    first = trader_client.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = trader_client.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Order.objects.count() == 1


def test_the_same_client_order_id_twice_returns_the_same_order(
    trader_client: APIClient, symbols: None
) -> None:
    first = trader_client.post(URL, limit(client_order_id="my-bot-1"), format="json").json()
    second = trader_client.post(URL, limit(client_order_id="my-bot-1"), format="json").json()
    assert first["id"] == second["id"]
    assert Order.objects.count() == 1


def test_another_user_with_the_same_key_gets_an_order_of_their_own(
    trader_client: APIClient, admin_user: Any, symbols: None
) -> None:
    other = APIClient()
    other.force_authenticate(admin_user)
    first = trader_client.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="shared").json()
    second = other.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="shared").json()
    assert first["id"] != second["id"]


def test_a_request_that_loses_the_insert_race_returns_the_winners_order(
    trader_client: APIClient, symbols: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both requests looked before either inserted: the second finds nothing, inserts, hits the unique
    # (user, key) constraint, and must then answer with the first one's order.
    from apps.orders import placement

    first = trader_client.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="late").json()
    real = placement._existing
    calls: list[str] = []

    def blind_first_look(actor: Any, key: str) -> Any:
        calls.append(key)
        return None if len(calls) == 1 else real(actor, key)

    monkeypatch.setattr(placement, "_existing", blind_first_look)
    second = trader_client.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="late")
    assert second.status_code == 200 and second.json()["id"] == first["id"]
    assert len(calls) == 2 and Order.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks tables across threads (SQLITE_LOCKED, no busy wait); "
    "run with DATABASE_URL=postgres://... to race two real writers",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_posting_the_same_key_at_once_create_one_order(trader_user: Any, symbols: None) -> None:
    barrier = threading.Barrier(2)
    answers: list[tuple[int, int]] = []

    def post() -> None:
        client = APIClient()
        client.force_authenticate(trader_user)
        barrier.wait()
        try:
            response = client.post(URL, limit(), format="json", HTTP_IDEMPOTENCY_KEY="race")
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(code for code, _ in answers) == [200, 202]
    assert len({order_id for _, order_id in answers}) == 1
    assert Order.objects.count() == 1
