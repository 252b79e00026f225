"""The back-office pages for symbols open, and offer no way to edit what only exchangeInfo may set."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.symbols.models import Symbol, SymbolEvent
from apps.symbols.services import symbol_sync_apply
from apps.symbols.tests.payloads import SPOT_2025, symbols, with_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    return client


def test_symbol_pages_list_detail_and_events_render_read_only(staff_client: Client) -> None:
    symbol_sync_apply(market="SPOT", raw_symbols=symbols(SPOT_2025))
    raw = [with_status(s, "HALT") if s["symbol"] == "BTCUSDT" else s for s in symbols(SPOT_2025)]
    symbol_sync_apply(market="SPOT", raw_symbols=raw)
    btc = Symbol.objects.get(symbol="BTCUSDT")
    assert staff_client.get("/admin/symbols/symbol/?market__exact=SPOT&q=btc").status_code == 200
    page = staff_client.get(f"/admin/symbols/symbol/{btc.pk}/change/")
    assert page.status_code == 200 and b"went from TRADING to HALT" in page.content
    assert b'name="_save"' not in page.content
    event = SymbolEvent.objects.get()
    assert staff_client.get(f"/admin/symbols/symbolevent/{event.pk}/change/").status_code == 200
    assert staff_client.get("/admin/symbols/symbol/add/").status_code == 403
