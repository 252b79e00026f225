"""Stream health: written by the streams process, read by /readyz and GET /api/streams/health/."""

from __future__ import annotations

from typing import Any

import pytest

from apps.streams.domain.health import StreamHealth, down_for_s, problem
from apps.streams.health import check_user_streams, health_clear, health_write, now_ms, streams_status


def test_a_stream_is_a_problem_only_once_down_beyond_the_threshold() -> None:
    health = StreamHealth(name="spot", market="SPOT", down_since_ms=10_000)
    assert problem(health, 40_000, down_after_s=60) is None
    health.last_error = "closed by the exchange (code 1001)"
    assert problem(health, 80_000, down_after_s=60) == (
        "spot user stream down for 70 s: closed by the exchange (code 1001)"
    )
    health.mark_connected(80_000)
    assert down_for_s(health, 500_000) is None and problem(health, 500_000, down_after_s=60) is None
    health.mark_down(600_000, "EOF")
    assert down_for_s(health, 610_000) == 10


def test_a_quiet_connected_stream_is_healthy() -> None:
    health = StreamHealth(name="futures", market="USDM", last_event_ms=0)
    health.mark_connected(1)
    assert problem(health, 10**9, down_after_s=60) is None


@pytest.fixture
def installed(runtime_for: Any, sim: Any) -> Any:
    return runtime_for(sim.url)


def publish(rt: Any, *streams: StreamHealth) -> None:
    health_write(rt.redis, rt.prefix, process={"pid": 1}, streams=list(streams), ttl_s=30)


def test_no_streams_process_is_not_running_and_ready_unless_required(installed: Any, settings: Any) -> None:
    status = streams_status()
    assert not status.running and status.streams == []
    check_user_streams()  # not running: fine by default
    settings.TRADER_STREAMS_REQUIRED = True
    with pytest.raises(RuntimeError, match="no streams process"):
        check_user_streams()


def test_readiness_fails_while_a_stream_is_down_too_long(installed: Any, settings: Any) -> None:
    live = StreamHealth(name="spot", market="SPOT")
    live.mark_connected(now_ms())
    down = StreamHealth(name="futures", market="USDM", down_since_ms=now_ms() - 120_000, last_error="refused")
    publish(installed, live, down)
    with pytest.raises(RuntimeError, match=r"futures user stream down for 1[0-9]{2} s: refused"):
        check_user_streams()
    settings.TRADER_STREAMS_DOWN_AFTER_S = 600
    check_user_streams()
    health_clear(installed.redis, installed.prefix)
    assert not streams_status().running


def test_the_api_shows_each_stream_to_viewers_only(
    installed: Any, viewer_client: Any, api_client: Any, db: None
) -> None:
    live = StreamHealth(name="spot", market="SPOT", reconnects=2, last_event_ms=now_ms() - 3_000)
    live.mark_connected(now_ms())
    publish(installed, live)
    body = viewer_client.get("/api/streams/health/").json()
    assert body["running"] and body["ok"]
    [row] = body["streams"]
    assert row["name"] == "spot" and row["connected"] and row["reconnects"] == 2
    assert 2 <= row["last_event_age_s"] < 60 and row["down_for_s"] is None
    assert api_client.get("/api/streams/health/").status_code in (401, 403)


def test_readyz_lists_the_user_streams_check(installed: Any, client: Any, db: None) -> None:
    body = client.get("/readyz").json()
    assert body["checks"]["user_streams"]["ok"] is True


def test_the_status_command_fails_when_nothing_reports_and_passes_when_streams_are_up(installed: Any) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no streams process"):
        call_command("streams_status", "--quiet")
    live = StreamHealth(name="futures", market="USDM")
    live.mark_connected(now_ms())
    publish(installed, live)
    call_command("streams_status", "--quiet")
