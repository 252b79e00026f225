"""system_status(): every component, parallel probes bounded in time, `since` kept across calls and
processes in Redis, a short cache, and /readyz judging by the same component functions."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from apps.monitoring import health
from apps.monitoring.status import component, components, service, system_status
from apps.monitoring.status.base import ComponentDown, Probe, by_threshold, worst

if TYPE_CHECKING:
    from apps.exchange.runtime import Runtime


class Switch:
    """A probe whose answer the test sets."""

    def __init__(self, state: str = "ok", message: str = "fine") -> None:
        self.state, self.message, self.calls = state, message, 0

    def __call__(self) -> Probe:
        self.calls += 1
        if self.state == "raise":
            raise ConnectionError(self.message)
        if self.state == "down":
            raise ComponentDown(self.message, {"why": self.message})
        return Probe(self.state, self.message, {"n": self.calls})  # type: ignore[arg-type]


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch, status_runtime: Runtime) -> dict[str, Switch]:
    fakes = {"alpha": Switch(), "beta": Switch()}
    monkeypatch.setattr(components, "PROBES", fakes)
    monkeypatch.setattr(health, "_CHECKS", {})
    return fakes


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], "ok"),
        (["ok", "ok"], "ok"),
        (["ok", "degraded"], "degraded"),
        (["degraded", "down", "ok"], "down"),
    ],
)
def test_the_worst_state_wins(states: list[Any], expected: str) -> None:
    assert worst(states) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0, "ok"), (500, "ok"), (501, "degraded"), (5000, "degraded"), (5001, "down")]
)
def test_thresholds_are_exclusive(value: float, expected: str) -> None:
    assert by_threshold(value, degraded_over=500, down_over=5000) == expected


def test_every_component_the_dashboard_expects_is_listed() -> None:
    assert list(components.PROBES) == [
        "web", "worker", "beat", "streams", "market_data", "exchange_spot", "exchange_futures", "database",
        "redis", "channel_layer", "rate_budget", "breakers", "clock", "trading_state",
    ]  # fmt: skip


def test_a_raising_probe_is_down_with_its_reason(probes: dict[str, Switch]) -> None:
    probes["alpha"].state, probes["alpha"].message = "raise", "refused"
    probes["beta"].state, probes["beta"].message = "down", "gone"
    by_name = {c.name: c for c in system_status(fresh=True)}
    assert (by_name["alpha"].state, by_name["alpha"].message) == ("down", "ConnectionError: refused")
    assert (by_name["beta"].state, by_name["beta"].message, by_name["beta"].detail) == (
        "down",
        "gone",
        {"why": "gone"},
    )


def test_a_hanging_probe_is_down_and_does_not_hold_up_the_others(
    probes: dict[str, Switch], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr(health, "CHECK_TIMEOUT_S", 0.3)
    probes["slow"] = lambda: release.wait(5) and Probe("ok", "late")  # type: ignore[assignment]
    try:
        by_name = {c.name: c for c in system_status(fresh=True)}
    finally:
        release.set()
    assert by_name["slow"].state == "down"
    assert "no answer within" in by_name["slow"].message
    assert by_name["alpha"].state == "ok"


def test_since_moves_only_when_the_state_changes(probes: dict[str, Switch]) -> None:
    first = {c.name: c for c in system_status(fresh=True)}
    probes["alpha"].message = "still fine, other words"
    second = {c.name: c for c in system_status(fresh=True)}
    assert second["alpha"].since == first["alpha"].since
    assert second["alpha"].message == "still fine, other words"

    probes["alpha"].state = "degraded"
    third = {c.name: c for c in system_status(fresh=True)}
    assert third["alpha"].state == "degraded"
    assert third["alpha"].since > first["alpha"].since
    assert third["beta"].since == first["beta"].since

    fourth = {c.name: c for c in system_status(fresh=True)}
    assert fourth["alpha"].since == third["alpha"].since


def test_since_is_shared_through_redis_by_every_process(
    probes: dict[str, Switch], status_runtime: Runtime
) -> None:
    earlier = service.datetime.now(tz=service.UTC) - timedelta(hours=2)
    status_runtime.redis.hset(f"{status_runtime.prefix}:status:since", "alpha", f"ok|{earlier.isoformat()}")
    assert component("alpha").since == earlier  # type: ignore[union-attr]


def test_the_status_is_reused_for_a_few_seconds_unless_fresh(probes: dict[str, Switch]) -> None:
    first = service.system_status_snapshot(fresh=True)
    again = service.system_status_snapshot()
    assert again.generated_at == first.generated_at
    assert probes["alpha"].calls == 1
    fresh = service.system_status_snapshot(fresh=True)
    assert fresh.generated_at > first.generated_at
    assert probes["alpha"].calls == 2


def test_component_finds_one_by_name(probes: dict[str, Switch]) -> None:
    assert component("beta").state == "ok"  # type: ignore[union-attr]
    assert component("nope") is None


def test_readiness_checks_of_other_apps_appear_as_components(
    probes: dict[str, Switch], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing() -> None:
        raise RuntimeError("heartbeats stopped")

    monkeypatch.setattr(health, "_CHECKS", {"deadman": failing, "exchange": lambda: None})
    by_name = {c.name: c for c in system_status(fresh=True)}
    assert by_name["deadman"].state == "down"
    assert by_name["deadman"].message == "RuntimeError: heartbeats stopped"
    # "exchange" is what exchange_spot shows; it is not listed twice.
    assert "exchange" not in by_name


def test_readyz_and_the_status_page_agree_on_a_down_component(
    monkeypatch: pytest.MonkeyPatch, status_runtime: Runtime
) -> None:
    down = Switch("down", "Redis refused the connection")
    monkeypatch.setattr(components, "PROBES", {**components.PROBES, "redis": down})
    monkeypatch.setattr(health, "_CHECKS", {"redis": health.registered_checks()["redis"]})
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert "Redis refused the connection" in response.json()["checks"]["redis"]["error"]

    monkeypatch.setattr(components, "PROBES", {"redis": down})
    assert component("redis").state == "down"  # type: ignore[union-attr]


def test_readyz_passes_on_a_degraded_component(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(components, "PROBES", {**components.PROBES, "worker": Switch("degraded", "1 of 2")})
    monkeypatch.setattr(health, "_CHECKS", {"celery": health.registered_checks()["celery"]})
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"celery": response.json()["checks"]["celery"]}}


def test_the_base_readiness_checks_are_the_components() -> None:
    checks = health.registered_checks()
    assert {checks[n].__name__ for n in ("database", "redis", "channel_layer", "celery")} == {
        "check_database",
        "check_redis",
        "check_channel_layer",
        "check_worker",
    }
