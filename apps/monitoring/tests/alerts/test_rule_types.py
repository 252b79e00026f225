"""Each rule type fires and resolves through the real evaluator, reading its real source (Redis, the
database, the exchange runtime) or, where the source belongs to a process we cannot drive from a test
(the limiter's live counters, the status of other processes), a small fake at that boundary."""

from __future__ import annotations

import json
import time
from collections import namedtuple
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from apps.monitoring.models import Alert, AlertRule
from apps.monitoring.tests.alerts.conftest import active_alert

Evaluate = Callable[[AlertRule, datetime], str]


def fires_and_resolves(
    rule: AlertRule,
    evaluate: Evaluate,
    at: Callable[[float], datetime],
    notified: list[tuple[int, str]],
    *,
    fire: Callable[[], None],
    clear: Callable[[], None],
) -> Alert:
    """The rule stays quiet, fires once its source says so, and resolves when the source clears."""
    assert evaluate(rule, at(0)) == "idle"
    fire()
    assert evaluate(rule, at(15)) == "open", rule.last_error
    alert = active_alert(rule)
    assert alert is not None and alert.state == "open" and alert.severity == "critical"
    assert alert.rule_id == rule.pk and alert.title == rule.name
    assert evaluate(rule, at(30)) == "keep"
    clear()
    assert evaluate(rule, at(45)) == "resolve", rule.last_error
    alert.refresh_from_db()
    assert alert.state == "resolved" and alert.resolved_at == at(45) and alert.resolved_by is None
    assert [e for e in alert.events.values_list("event", flat=True)] == ["opened", "resolved"]
    assert notified == [(alert.pk, "opened"), (alert.pk, "resolved")]
    assert rule.last_error == ""
    return alert


# ---------------------------------------------------------------- rolling windows (Redis)


def test_error_rate(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, key_prefix: str) -> None:
    from apps.monitoring.rolling import rolling_record

    rule = make_rule("error_rate", market="spot", threshold_pct="5", window_s=300, min_count=20)

    def fire() -> None:
        for i in range(30):
            rolling_record("exchange:spot", ok=i % 3 != 0, latency_ms=20)  # 10 errors in 30 calls
        rolling_record("exchange:futures", ok=True, latency_ms=20)

    def clear() -> None:
        for _ in range(400):
            rolling_record("exchange:spot", ok=True, latency_ms=20)  # 10 in 430: 2.3 %

    alert = fires_and_resolves(rule, evaluate, at, notified, fire=fire, clear=clear)
    assert alert.last_value["series"] == "exchange:spot"


def test_p95_latency_of_order_submit(
    make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, key_prefix: str
) -> None:
    from apps.monitoring.rolling import rolling_record

    rule = make_rule("p95_latency", series="order_submit", threshold_ms="500", window_s=300, min_count=5)

    def fire() -> None:
        for _ in range(10):
            rolling_record("order_submit", ok=True, latency_ms=2000)

    def clear() -> None:
        for _ in range(400):
            rolling_record("order_submit", ok=True, latency_ms=8)

    alert = fires_and_resolves(rule, evaluate, at, notified, fire=fire, clear=clear)
    assert alert.message.startswith("order_submit p95 latency")


# ---------------------------------------------------------------- stream health (Redis)


def test_stream_stale(
    make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, key_prefix: str, redis_client: Any
) -> None:
    rule = make_rule("stream_stale", market="usdm")
    key = f"{key_prefix}:md:health"
    now_ms = int(time.time() * 1000)

    def health(stale: bool) -> None:
        for name in ("usdm.btcusdt.markprice", "spot.btcusdt.kline_1m"):
            row = {
                "last_event_ms": now_ms - 30_000,
                "stale": stale,
                "stale_since": now_ms - 20_000 if stale else None,
            }
            redis_client.hset(key, name, json.dumps(row))

    health(False)
    alert = fires_and_resolves(
        rule, evaluate, at, notified, fire=lambda: health(True), clear=lambda: health(False)
    )
    # the spot stream is stale too, but the rule watches USD-M only
    assert alert.labels["subjects"] == ["usdm.btcusdt.markprice"]


def test_user_stream_down(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, runtime: Any) -> None:
    from apps.streams.domain.health import StreamHealth
    from apps.streams.health import health_write

    rule = make_rule("user_stream_down")
    now_ms = int(time.time() * 1000)

    def publish(connected: bool) -> None:
        futures = StreamHealth(name="futures", market="USDM", state="live" if connected else "backoff")
        if connected:
            futures.mark_connected(now_ms)
        else:
            futures.mark_down(now_ms - 90_000, "listenKey expired")
        spot = StreamHealth(name="spot", market="SPOT", state="live")
        spot.mark_connected(now_ms)
        health_write(runtime.redis, runtime.prefix, process={"pid": 1}, streams=[spot, futures], ttl_s=60)

    publish(True)
    alert = fires_and_resolves(
        rule, evaluate, at, notified, fire=lambda: publish(False), clear=lambda: publish(True)
    )
    assert alert.labels["subjects"] == ["futures"]
    assert "listenKey expired" in json.dumps(alert.last_value)


# ---------------------------------------------------------------- exchange runtime


def test_breaker_open(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, runtime: Any) -> None:
    from apps.exchange.selectors import GROUPS

    market, group = GROUPS[0]
    rule = make_rule("breaker_open")

    def trip() -> None:
        for _ in range(runtime.breaker.failure_threshold):
            runtime.breaker.record(market, group, ok=False)
        assert runtime.breaker.state(market, group).state == "open"

    alert = fires_and_resolves(
        rule, evaluate, at, notified, fire=trip, clear=lambda: runtime.breaker.reset(market, group)
    )
    assert alert.labels["subjects"] == [f"{market}:{group}"]


def test_rate_budget(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, monkeypatch: Any) -> None:
    import apps.exchange.selectors as exchange_selectors
    from apps.exchange.limiter import PoolUsage

    used = {"value": 10}
    monkeypatch.setattr(
        exchange_selectors,
        "limiter_usage",
        lambda **_: [
            PoolUsage(market="spot", scope="ip", pool="REQUEST_WEIGHT:1m", used=used["value"], limit=6000),
            PoolUsage(market="futures", scope="acct", pool="ORDERS:10s", used=1, limit=300),
        ],
    )
    rule = make_rule("rate_budget", threshold_pct="80")
    alert = fires_and_resolves(
        rule,
        evaluate,
        at,
        notified,
        fire=lambda: used.update(value=5500),
        clear=lambda: used.update(value=1200),
    )
    assert alert.last_value["over"][0]["used_pct"] == "91.67"


# ---------------------------------------------------------------- database sources


def _symbol(market: str, symbol: str, status: str) -> Any:
    from apps.symbols.models import Symbol

    return Symbol.objects.create(
        market=market,
        symbol=symbol,
        status=status,
        base_asset=symbol.removesuffix("USDT"),
        quote_asset="USDT",
        base_precision=8,
        quote_precision=8,
        raw={},
    )


def test_symbol_halted(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, viewer_user: Any) -> None:
    from apps.config.models import UserPreference

    rule = make_rule("symbol_halted")
    watched = _symbol("SPOT", "SOLUSDT", "TRADING")
    _symbol("SPOT", "DOGEUSDT", "HALT")  # halted, but nobody holds, orders or watches it
    UserPreference.objects.create(user=viewer_user, watched_symbols=["SPOT:SOLUSDT"])

    def status(value: str) -> Callable[[], None]:
        return lambda: type(watched).objects.filter(pk=watched.pk).update(status=value)

    alert = fires_and_resolves(rule, evaluate, at, notified, fire=status("HALT"), clear=status("TRADING"))
    assert alert.labels["subjects"] == ["SPOT:SOLUSDT"]
    assert alert.last_value["halted"][0]["why"] == ["watched"]


def test_symbol_events_outbox_becomes_alerts_once(
    make_rule: Any, evaluate: Evaluate, at: Any, notified: Any
) -> None:
    from apps.symbols.models import SymbolEvent

    rule = make_rule("symbol_halted", window_s=3600)
    symbol = _symbol("USDM", "XRPUSDT", "TRADING")
    fresh = SymbolEvent.objects.create(
        symbol=symbol,
        kind="STATUS_CHANGED",
        old_status="TRADING",
        new_status="SETTLING",
        severity="warning",
        is_alert=True,
        message="XRPUSDT settling",
    )
    old = SymbolEvent.objects.create(
        symbol=symbol,
        kind="DELISTED",
        severity="warning",
        is_alert=True,
        message="old news",
        created_at=at(-7200),
    )
    info = SymbolEvent.objects.create(symbol=symbol, kind="LISTED", is_alert=False, message="not an alert")
    evaluate(rule, at(0))
    alert = Alert.objects.get(key=f"symbol_event:{fresh.pk}")
    assert alert.state == "open" and alert.severity == "warning" and alert.rule_id == rule.pk
    assert alert.labels["symbol"] == "XRPUSDT" and alert.message == "XRPUSDT settling"
    fresh.refresh_from_db()
    old.refresh_from_db()
    info.refresh_from_db()
    assert fresh.notified_at == at(0)
    assert old.notified_at is None and info.notified_at is None
    evaluate(rule, at(15))
    assert Alert.objects.filter(key__startswith="symbol_event:").count() == 1
    assert notified == [(alert.pk, "opened")]


def test_kill_switch_engaged(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any) -> None:
    from apps.risk.models import TradingState

    rule = make_rule("kill_switch_engaged")

    def state(value: str) -> Callable[[], None]:
        return lambda: TradingState.objects.create(market="USDM", state=value, reason=f"test {value}")

    alert = fires_and_resolves(rule, evaluate, at, notified, fire=state("HALTED"), clear=state("ACTIVE"))
    assert alert.labels["subjects"] == ["state:usdm"]


def test_reconciliation_drift(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any) -> None:
    from apps.monitoring.services import audit_record

    rule = make_rule("reconciliation_drift", window_s=60, min_fixes=2)
    assert evaluate(rule, at(0)) == "idle"
    for action in ("orders.reconcile.finished", "positions.reconcile.balance", "orders.submit"):
        audit_record(
            actor=None, actor_label="reconciliation", action=action, target_type="order", target_id="1"
        )
    assert evaluate(rule, at(1)) == "open"
    alert = active_alert(rule)
    assert alert is not None
    assert alert.last_value["fixes"] == {"orders.reconcile.finished": 1, "positions.reconcile.balance": 1}
    # the fixes age out of the window: resolved
    assert evaluate(rule, at(75)) == "resolve"
    assert notified == [(alert.pk, "opened"), (alert.pk, "resolved")]


def test_audit_chain_broken(make_rule: Any, evaluate: Evaluate, at: Any, notified: Any) -> None:
    from apps.monitoring.models import AuditVerification

    rule = make_rule("audit_chain_broken")

    def verification(ok: bool) -> Callable[[], None]:
        return lambda: AuditVerification.objects.create(
            ok=ok,
            events=12,
            broken_at_id=None if ok else 7,
            message="" if ok else "hash mismatch",
            triggered_by="beat",
        )

    verification(True)()
    alert = fires_and_resolves(
        rule, evaluate, at, notified, fire=verification(False), clear=verification(True)
    )
    assert "broken at event #7" in alert.message


# ---------------------------------------------------------------- status components and the disk


@pytest.fixture
def components(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Fake component states at the status boundary (B5's component(name))."""
    import apps.monitoring.status as status
    from apps.monitoring.status import Component

    states: dict[str, str] = {}
    since = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)

    def component(name: str) -> Component | None:
        if name not in states:
            return None
        return Component(
            name=name, state=states[name], message=f"{name} is {states[name]}", detail={}, since=since
        )  # type: ignore[arg-type]

    monkeypatch.setattr(status, "component", component)
    return states


@pytest.mark.parametrize(
    ("rule_type", "component"),
    [
        ("worker_missing", "worker"),
        ("beat_missing", "beat"),
        ("streams_missing", "streams"),
        ("database_errors", "database"),
    ],
)
def test_component_down(
    rule_type: str,
    component: str,
    make_rule: Any,
    evaluate: Evaluate,
    at: Any,
    notified: Any,
    components: dict[str, str],
) -> None:
    rule = make_rule(rule_type)
    components[component] = "ok"
    alert = fires_and_resolves(
        rule,
        evaluate,
        at,
        notified,
        fire=lambda: components.update({component: "down"}),
        clear=lambda: components.update({component: "ok"}),
    )
    assert f"{component} is down" in alert.message


def test_disk_space(
    make_rule: Any, evaluate: Evaluate, at: Any, notified: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    import apps.monitoring.alerts.conditions as conditions

    usage = namedtuple("usage", "total used free")
    free = {"bytes": 50 * 2**30}
    real = conditions.shutil.disk_usage

    def disk_usage(path: str) -> Any:
        real(path)  # the path must exist and be readable
        return usage(100 * 2**30, 100 * 2**30 - free["bytes"], free["bytes"])

    monkeypatch.setattr(conditions.shutil, "disk_usage", disk_usage)
    rule = make_rule("disk_space", path=str(tmp_path), threshold_pct="10")
    alert = fires_and_resolves(
        rule,
        evaluate,
        at,
        notified,
        fire=lambda: free.update(bytes=3 * 2**30),
        clear=lambda: free.update(bytes=40 * 2**30),
    )
    assert alert.last_value["free_pct"] == "3"


def test_disk_space_reads_the_real_disk(make_rule: Any, evaluate: Evaluate, at: Any, tmp_path: Any) -> None:
    # Nothing is 100 % free: a 100 % threshold always fires on a real disk; 0 % never does.
    firing = make_rule("disk_space", path=str(tmp_path), threshold_pct="100")
    quiet = make_rule("disk_space", path=str(tmp_path), threshold_pct="0")
    assert evaluate(firing, at(0)) == "open"
    assert evaluate(quiet, at(0)) == "idle"
    assert int(firing.last_value["total_bytes"]) > 0
