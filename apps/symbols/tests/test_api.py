"""GET /api/symbols/ and GET /api/symbols/{market}/{symbol}/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.symbols.services import symbol_sync_apply
from apps.symbols.tests.payloads import FUTURES_2025, SPOT_2025, symbols, with_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(viewer_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(viewer_user)
    return client


@pytest.fixture
def _both_markets() -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    symbol_sync_apply(market="USDM", raw_symbols=symbols(FUTURES_2025))


@pytest.mark.usefixtures("_both_markets")
def test_a_viewer_gets_a_page_of_listed_symbols(viewer_client: APIClient) -> None:
    response = viewer_client.get("/api/symbols/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 50 and len(body["results"]) == 50
    assert body["results"][0] == {
        # BCCBTC was recorded in BREAK: listed, but not taking orders.
        "market": "SPOT",
        "symbol": "BCCBTC",
        "status": "BREAK",
        "is_listed": True,
        "base_asset": "BCC",
        "quote_asset": "BTC",
        "margin_asset": "",
        "tradable": False,
    }


@pytest.mark.usefixtures("_both_markets")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("market=usdm&search=btc", ["BTCUSDT"]),
        ("market=SPOT&search=Btcu", ["BTCUSDT"]),
        ("market=spot&search=usdt", ["BTCUSDT", "ETHUSDT"]),
        (
            "search=eth&market=SPOT",
            [
                "BNBETH",
                "BNTETH",
                "DNTETH",
                "EOSETH",
                "ETHBTC",
                "ETHUSDT",
                "ICNETH",
                "LRCETH",
                "MCOETH",
                "OAXETH",
                "QTUMETH",
                "SNTETH",
                "WTCETH",
            ],
        ),
        ("search=zzz", []),
    ],
)
def test_search_matches_the_start_of_the_symbol_base_or_quote(
    viewer_client: APIClient, query: str, expected: list[str]
) -> None:
    body = viewer_client.get(f"/api/symbols/?{query}&page_size=100").json()
    assert [row["symbol"] for row in body["results"]] == expected


def test_the_status_filter_finds_halted_symbols(viewer_client: APIClient) -> None:
    raw = [with_status(s, "HALT") if s["symbol"] == "ETHBTC" else s for s in symbols(SPOT_2025)]
    symbol_sync_apply(market="SPOT", raw_symbols=raw)
    body = viewer_client.get("/api/symbols/?status=halt").json()
    assert [(r["symbol"], r["tradable"]) for r in body["results"]] == [("ETHBTC", False)]


@pytest.mark.usefixtures("_both_markets")
def test_pages_follow_one_another(viewer_client: APIClient) -> None:
    first = viewer_client.get("/api/symbols/?market=SPOT&page_size=10").json()
    third = viewer_client.get("/api/symbols/?market=SPOT&page_size=10&page=3").json()
    assert first["count"] == 25 and first["next"] and len(third["results"]) == 5 and third["next"] is None


def test_an_unknown_market_is_a_clear_400(viewer_client: APIClient) -> None:
    response = viewer_client.get("/api/symbols/?market=coinm")
    assert response.status_code == 400
    assert "Unknown market" in response.json()["market"][0]


@pytest.mark.usefixtures("_both_markets")
def test_the_detail_shows_the_filters_in_plain_form(viewer_client: APIClient) -> None:
    response = viewer_client.get("/api/symbols/spot/btcusdt/")
    assert response.status_code == 200
    body = response.json()
    assert (body["symbol"], body["tradable"], body["blocked_reason"]) == ("BTCUSDT", True, None)
    filters = body["filters"]
    assert filters["price"] == {"min": "0.01", "max": "1000000", "tick": "0.01"}
    assert filters["quantity"] == {"min": "0.00001", "max": "9000", "step": "0.00001"}
    assert filters["notional"]["min"] == "5" and filters["notional"]["max_applies_to_market"] is False
    assert filters["percent_price"]["bid_down"] == "0.2" and filters["max_open_orders"] == 200
    assert "Prices go in steps of 0.01 from 0.01 up to 1000000 USDT." in filters["rules"]
    assert body["events"] == []


@pytest.mark.usefixtures("_both_markets")
def test_the_detail_of_a_futures_symbol_names_the_mark_price(viewer_client: APIClient) -> None:
    body = viewer_client.get("/api/symbols/USDM/BTCUSDT/").json()
    assert body["price_precision"] == 2 and body["margin_asset"] == "USDT"
    assert body["filters"]["percent_price"]["reference"] == "mark price"
    assert body["filters"]["notional"]["min"] == "100"


def test_the_detail_of_a_halted_symbol_says_why_orders_are_blocked(viewer_client: APIClient) -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    raw = [with_status(s, "BREAK") if s["symbol"] == "BTCUSDT" else s for s in symbols(SPOT_2025)]
    symbol_sync_apply(market="SPOT", raw_symbols=raw)
    body = viewer_client.get("/api/symbols/SPOT/BTCUSDT/").json()
    assert body["tradable"] is False and "status is BREAK" in body["blocked_reason"]
    assert [e["kind"] for e in body["events"]] == ["STATUS_CHANGED"]


@pytest.mark.parametrize("path", ["/api/symbols/SPOT/NOPE/", "/api/symbols/COINM/BTCUSDT/"])
def test_an_unknown_symbol_or_market_is_404(viewer_client: APIClient, path: str) -> None:
    assert viewer_client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/symbols/", "/api/symbols/SPOT/BTCUSDT/"])
def test_anonymous_and_roleless_users_are_refused(api_client: APIClient, outsider_user, path: str) -> None:
    assert api_client.get(path).status_code in (401, 403)
    api_client.force_authenticate(outsider_user)
    assert api_client.get(path).status_code == 403
