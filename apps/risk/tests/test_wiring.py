"""How the risk app is wired in: limiter priority, /readyz, tasks, broadcasts, the admin, stream health."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.exchange.domain.types import OrderRequest
from apps.exchange.domain.weights import Priority
from apps.exchange.gateway.pipeline import Pipeline, kill_switch_calls
from apps.risk.conf import RiskSettings
from apps.risk.domain.state import GLOBAL, Scope
from apps.risk.models import KillSwitchRun
from apps.risk.selectors import trading_state_value
from apps.risk.services import kill_switch_engage


def test_every_call_inside_the_kill_switch_scope_runs_at_top_priority_past_the_breaker() -> None:
    pipeline = Pipeline.__new__(Pipeline)
    pipeline.default_timeout_s = 5.0
    outside = pipeline._start("futures.position_risk", None, None, None, kill_switch=False)
    assert (outside.priority, outside.kill_switch) == (Priority.ACCOUNT, False)
    with kill_switch_calls():
        for name in ("futures.position_risk", "spot.open_orders", "futures.order.place", "spot.ticker_price"):
            inside = pipeline._start(name, None, None, None, kill_switch=False)
            assert (inside.priority, inside.kill_switch) == (Priority.URGENT, True), name
    assert pipeline._start("spot.account", None, None, None, kill_switch=False).priority == Priority.ACCOUNT


def test_the_deadman_readiness_check_is_registered() -> None:
    from apps.monitoring.health import registered_checks

    assert "deadman" in registered_checks()


@pytest.mark.django_db
def test_the_task_works_the_run_off_and_progress_is_published(
    fake_gateway: Any,
    trader_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from apps.risk import broadcast
    from apps.risk.tasks import kill_switch_run

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(broadcast, "publish_on_commit", lambda kind, payload: sent.append((kind, payload)))
    order = OrderRequest(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        client_order_id="o1",
        quantity=Decimal("1"),
        price=Decimal("1"),
    )
    fake_gateway.place_order("futures", order)
    stop = OrderRequest(
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_MARKET",
        client_order_id="a1",
        quantity=Decimal("1"),
        stop_price=Decimal("1"),
    )
    fake_gateway.place_algo_order(stop)
    with django_capture_on_commit_callbacks(execute=False):
        run = kill_switch_engage(actor=trader_user, scope="usdm", close_positions=False, reason="task").run
    assert kill_switch_run(run.pk) == "completed"
    assert fake_gateway.open_orders("futures") == [] and fake_gateway.open_algo_orders() == []
    assert "cancel_all_orders" in fake_gateway.calls and "cancel_all_algo_orders" in fake_gateway.calls
    events = [p["event"] for _, p in sent]
    assert events[:2] == ["risk.state", "risk.kill_switch"]
    assert "risk.kill_switch_step" in events and events[-1] == "risk.kill_switch"
    assert sent[-1][1]["status"] == "COMPLETED"
    assert {kind for kind, _ in sent} == {broadcast.KIND}
    assert kill_switch_run(run.pk) == "busy"  # a finished run is nobody's to work on


@pytest.mark.django_db
def test_the_admin_adds_a_state_through_the_service_and_shows_runs_read_only(
    admin_user: Any, client: Any
) -> None:
    from apps.monitoring.models import AuditEvent

    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        "/admin/risk/tradingstate/add/",
        {"market": "USDM", "symbol": "btcusdt", "state": "HALTED", "reason": "maint"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert trading_state_value(Scope("USDM", "BTCUSDT")) == "HALTED"
    assert AuditEvent.objects.filter(action="risk.state.set", target_id="USDM:BTCUSDT").exists()
    empty = client.post(
        "/admin/risk/tradingstate/add/", {"market": "", "symbol": "", "state": "HALTED", "reason": ""}
    )
    assert empty.status_code == 200 and trading_state_value(GLOBAL) == "ACTIVE"

    run = KillSwitchRun.objects.create(scope="all", reason="x", report={"summary": {"closed": 1}})
    page = client.get(f"/admin/risk/killswitchrun/{run.pk}/change/")
    assert page.status_code == 200 and b"summary" in page.content
    assert client.get("/admin/risk/riskalert/").status_code == 200
    assert client.get("/admin/risk/killswitchrun/add/").status_code == 403


@pytest.mark.integration
@pytest.mark.django_db
def test_a_futures_user_stream_reported_down_in_redis_restricts_usdm(sim: Any, runtime_for: Any) -> None:
    from apps.risk.monitor import risk_monitor_run
    from apps.streams.domain.health import StreamHealth
    from apps.streams.health import health_write, now_ms

    rt = runtime_for(sim.url)
    down = StreamHealth(
        "futures", "USDM", state="backoff", down_since_ms=now_ms() - 120_000, last_error="refused"
    )
    up = StreamHealth("spot", "SPOT", state="live", connected=True, connected_since_ms=now_ms())
    health_write(
        rt.redis, rt.prefix, process={"pid": 1, "started_ms": now_ms()}, streams=[down, up], ttl_s=30
    )
    settings = RiskSettings(user_stream_down_action="REDUCE_ONLY", user_stream_down_seconds=60)
    (acted,) = risk_monitor_run(settings=settings)
    assert acted["trigger"] == "user_stream_down" and acted["scope"] == "usdm"
    assert trading_state_value(Scope("USDM")) == "REDUCE_ONLY"
    assert trading_state_value(Scope("SPOT")) == "ACTIVE"
