"""The positions REST API: roles, query validation, decimals as strings, and what each route shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.orders.models import Fill
from apps.orders.tests.factories import make_order
from apps.positions.models import Balance, EquitySnapshot, IncomeRecord, Position

pytestmark = pytest.mark.django_db

D = Decimal
READS = [
    "/api/portfolio/",
    "/api/balances/",
    "/api/positions/",
    "/api/trades/",
    "/api/equity/",
    "/api/income/",
]


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("url", READS)
def test_reads_need_the_viewer_role(
    url: str, api_client: APIClient, outsider_user: Any, viewer_user: Any
) -> None:
    assert api_client.get(url).status_code in (401, 403)
    assert client_for(outsider_user).get(url).status_code == 403
    assert client_for(viewer_user).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/positions/reconcile/", "/api/history/import/"])
def test_actions_need_the_trader_role(url: str, viewer_user: Any, outsider_user: Any) -> None:
    assert client_for(viewer_user).post(url).status_code == 403
    assert client_for(outsider_user).post(url).status_code == 403


def test_a_history_import_is_queued_for_the_worker(trader_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.positions import tasks

    queued: list[dict[str, Any]] = []

    class _Result:
        id = "task-1"

    monkeypatch.setattr(tasks.history_import_task, "delay", lambda **kw: queued.append(kw) or _Result())
    response = client_for(trader_user).post(
        "/api/history/import/", {"market": "usdm", "since": "2026-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 202
    assert response.json() == {"task_id": "task-1", "markets": ["USDM"], "since": "2026-01-01T00:00:00Z"}
    assert queued == [{"markets": ["USDM"], "since": "2026-01-01T00:00:00+00:00"}]
    bad = client_for(trader_user).post("/api/history/import/", {"market": "coinm"}, format="json")
    assert bad.status_code == 400 and bad.json()["market"] == ["Use SPOT or USDM."]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/balances/?market=XX", "market"),
        ("/api/trades/?since=yesterday", "since"),
        ("/api/trades/?since=2026-01-02T00:00Z&until=2026-01-01T00:00Z", "until"),
        ("/api/trades/?symbol=BTC-USDT", "symbol"),
        ("/api/positions/?symbol=!!", "symbol"),
        ("/api/income/?type=no%20such", "type"),
        ("/api/equity/?step=2m", "step"),
        ("/api/equity/?market=COINM", "market"),
        ("/api/equity/?step=1m&since=2026-01-01T00:00Z&until=2026-03-01T00:00Z", "step"),
        ("/api/equity/?since=2026-01-02T00:00Z&until=2026-01-01T00:00Z", "until"),
    ],
)
def test_bad_query_parameters_are_400_with_a_message_per_field(
    url: str, field: str, viewer_user: Any
) -> None:
    response = client_for(viewer_user).get(url)
    assert response.status_code == 400
    assert field in response.json() and response.json()[field]


def test_balances_list_decimals_as_strings_and_leaves_zero_out(viewer_user: Any) -> None:
    Balance.objects.create(market="SPOT", asset="BTC", free=D("0.5"), locked=D("0.25"), usdt_price=D(50000))
    Balance.objects.create(market="SPOT", asset="BNB")
    Balance.objects.create(market="USDM", asset="USDT", wallet_balance=D(100), available_balance=D(90))
    client = client_for(viewer_user)
    rows = client.get("/api/balances/").json()
    assert [(r["market"], r["asset"]) for r in rows] == [("SPOT", "BTC"), ("USDM", "USDT")]
    btc = rows[0]
    assert (btc["free"], btc["locked"], btc["total"], btc["usdt_value"]) == ("0.5", "0.25", "0.75", "37500")
    assert rows[1]["total"] == "100" and rows[1]["available_balance"] == "90"
    assert len(client.get("/api/balances/?market=spot&include_zero=true").json()) == 2


def test_positions_show_liquidation_price_and_margin_ratio(viewer_user: Any, usdm_btcusdt: Any) -> None:
    Balance.objects.create(market="USDM", asset="USDT", wallet_balance=D(1000), cross_wallet_balance=D(1000))
    Position.objects.create(
        symbol=usdm_btcusdt,
        quantity=D("0.1"),
        entry_price=D(50000),
        mark_price=D(49000),
        unrealized_pnl=D(-100),
        notional=D(4900),
        maint_margin=D("19.6"),
        liquidation_price=D("40404.04"),
        leverage=10,
        margin_type="cross",
    )
    Position.objects.create(symbol=usdm_btcusdt, position_side="LONG")  # flat: not listed
    [row] = client_for(viewer_user).get("/api/positions/?symbol=btcusdt").json()
    assert row["liquidation_price"] == "40404.04" and row["quantity"] == "0.1"
    assert D(row["margin_ratio"]) == (D("19.6") / D(900)).quantize(D("0.00000001"))
    flat = client_for(viewer_user).get("/api/positions/?include_flat=true").json()
    assert len(flat) == 2
    assert client_for(viewer_user).get("/api/positions/?symbol=ETHUSDT").json() == []


def _fill(symbol: Any, trade_id: int, when: datetime, **fields: Any) -> Fill:
    values = {
        "symbol": symbol,
        "market": symbol.market,
        "exchange_trade_id": trade_id,
        "price": D(100),
        "quantity": D(1),
        "quote_quantity": D(100),
        "commission": D(0),
        "commission_asset": "USDT",
        "is_maker": False,
        "trade_time": when,
    }
    return Fill.objects.create(**(values | fields))


def test_trades_are_filtered_paged_and_marked_external(viewer_user: Any, spot_btcusdt: Any) -> None:
    ours = make_order(symbol=spot_btcusdt, side="BUY")
    adopted = make_order(symbol=spot_btcusdt, side="SELL", external=True)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    _fill(spot_btcusdt, 1, t0, order=ours)
    _fill(spot_btcusdt, 2, t0 + timedelta(hours=1), order=adopted)
    _fill(spot_btcusdt, 3, t0 + timedelta(hours=2), side="SELL", exchange_order_id=99)
    client = client_for(viewer_user)
    body = client.get("/api/trades/?market=SPOT&symbol=btcusdt").json()
    assert body["count"] == 3
    rows = {r["exchange_trade_id"]: r for r in body["results"]}
    assert [r["exchange_trade_id"] for r in body["results"]] == [3, 2, 1]  # newest first
    assert (rows[1]["external"], rows[2]["external"], rows[3]["external"]) == (False, True, True)
    assert (rows[1]["side"], rows[2]["side"], rows[3]["side"]) == ("BUY", "SELL", "SELL")
    assert rows[3]["order_id"] is None and rows[3]["exchange_order_id"] == 99 and rows[3]["price"] == "100"
    window = client.get("/api/trades/?since=2026-11-01T00:30:00Z&until=2026-11-01T02:00:00Z").json()
    assert [r["exchange_trade_id"] for r in window["results"]] == [2]
    assert client.get("/api/trades/?market=USDM").json()["count"] == 0
    assert len(client.get("/api/trades/?page_size=1").json()["results"]) == 1


def test_equity_keeps_the_last_snapshot_of_each_step(viewer_user: Any) -> None:
    t0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    for minute in range(10):
        EquitySnapshot.objects.create(
            time=t0 + timedelta(minutes=minute), market="TOTAL", equity=D(100 + minute)
        )
        EquitySnapshot.objects.create(time=t0 + timedelta(minutes=minute), market="SPOT", equity=D(minute))
    body = (
        client_for(viewer_user)
        .get("/api/equity/?since=2026-11-25T10:00:00Z&until=2026-11-25T11:00:00Z&step=5m")
        .json()
    )
    assert body["step"] == "5m" and body["market"] == "TOTAL"
    assert [(p["time"], p["taken_at"], p["equity"]) for p in body["points"]] == [
        ("2026-11-25T10:00:00Z", "2026-11-25T10:04:00Z", "104"),
        ("2026-11-25T10:05:00Z", "2026-11-25T10:09:00Z", "109"),
    ]
    spot = (
        client_for(viewer_user)
        .get("/api/equity/?since=2026-11-25T10:00:00Z&until=2026-11-25T11:00:00Z&step=1h&market=SPOT")
        .json()
    )
    assert [p["equity"] for p in spot["points"]] == ["9"]


def test_income_filters_by_type_and_time(viewer_user: Any) -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    for tran, (kind, amount) in enumerate(
        [("FUNDING_FEE", "-0.5"), ("REALIZED_PNL", "12"), ("COMMISSION", "-1")]
    ):
        IncomeRecord.objects.create(
            income_type=kind,
            asset="USDT",
            amount=D(amount),
            symbol="BTCUSDT",
            time=t0 + timedelta(days=tran),
            exchange_tran_id=tran,
        )
    client = client_for(viewer_user)
    assert [r["type"] for r in client.get("/api/income/").json()["results"]] == [
        "COMMISSION",
        "REALIZED_PNL",
        "FUNDING_FEE",
    ]
    [row] = client.get("/api/income/?type=funding_fee").json()["results"]
    assert row["amount"] == "-0.5" and row["exchange_tran_id"] == 0
    assert client.get("/api/income/?since=2026-11-02T00:00:00Z").json()["count"] == 2


def test_portfolio_totals_pnl_and_exposure(viewer_user: Any, spot_btcusdt: Any, usdm_btcusdt: Any) -> None:
    now = timezone.now()
    Balance.objects.create(market="SPOT", asset="USDT", free=D(1000), usdt_price=D(1))
    Balance.objects.create(market="SPOT", asset="BTC", free=D("0.5"), usdt_price=D(130))
    Balance.objects.create(market="USDM", asset="USDT", wallet_balance=D(500), usdt_price=D(1))
    Position.objects.create(symbol=usdm_btcusdt, quantity=D("0.1"), unrealized_pnl=D(-7), notional=D(4000))
    # Spot: bought 1 BTC at 100 ten days ago, sold half at 120 today: 10 USDT realized today.
    _fill(spot_btcusdt, 1, now - timedelta(days=10), side="BUY", commission=D("0.5"), commission_asset="USDT")
    _fill(spot_btcusdt, 2, now, side="SELL", quantity=D("0.5"), price=D(120), quote_quantity=D(60))
    # USD-M: 5 realized three days ago, funding paid today.
    _fill(usdm_btcusdt, 3, now - timedelta(days=3), side="SELL", realized_pnl=D(5), commission=D("0.2"))
    IncomeRecord.objects.create(
        income_type="FUNDING_FEE", asset="USDT", amount=D(-1), time=now, exchange_tran_id=1
    )
    body = client_for(viewer_user).get("/api/portfolio/").json()
    assert body["balances_synced"] is True and body["unpriced"] == []
    assert body["total_equity"] == str(D(1000) + D(65) + D(500) - 7)
    markets = {m["market"]: m for m in body["markets"]}
    assert markets["USDM"]["unrealized"] == "-7" and markets["SPOT"]["equity"] == "1065"
    today, week, total = body["pnl"]["today"], body["pnl"]["7d"], body["pnl"]["all"]
    assert (today["spot_realized"], today["futures_realized"], today["funding"]) == ("10", "0", "-1")
    assert (week["realized"], week["commission"], week["net"]) == ("15", "0.2", "13.8")
    assert (total["realized"], total["commission"], total["net"]) == ("15", "0.7", "13.3")
    # The half still held: bought at 100, worth 130.
    assert body["unrealized"] == {"spot": "15", "futures": "-7", "total": "8"}
    exposure = {(e["market"], e["name"]): e for e in body["exposure"]}
    assert exposure[("USDM", "BTCUSDT")]["notional_usdt"] == "4000"
    assert exposure[("SPOT", "BTC")]["notional_usdt"] == "65"
