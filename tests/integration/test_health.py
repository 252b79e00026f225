"""/healthz and /readyz: every check reported on its own, 503 when any fails."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest
from celery import Celery
from django.test import Client, override_settings

from apps.monitoring import health


def _closed_port() -> int:
    # A port nothing listens on: bind, read the number, close.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ok() -> None:
    return None


def _fail() -> None:
    raise ConnectionError("connection refused")


@pytest.fixture
def only_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, health.Check]]:
    registry: dict[str, health.Check] = {}
    monkeypatch.setattr(health, "_CHECKS", registry)
    yield registry


def test_healthz_answers_without_touching_any_dependency(only_checks: dict[str, health.Check]) -> None:
    only_checks["database"] = _fail
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_every_check_passes(only_checks: dict[str, health.Check]) -> None:
    only_checks.update(database=_ok, redis=_ok, channel_layer=_ok, celery=_ok)
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "channel_layer", "celery"}
    assert all(entry["ok"] and entry["error"] is None for entry in body["checks"].values())
    assert all(isinstance(entry["latency_ms"], str) for entry in body["checks"].values())


@pytest.mark.parametrize("failing", ["database", "redis", "channel_layer", "celery"])
def test_readyz_is_503_and_names_the_one_failing_check(
    only_checks: dict[str, health.Check], failing: str
) -> None:
    only_checks.update({name: _ok for name in ("database", "redis", "channel_layer", "celery")})
    only_checks[failing] = _fail
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert [name for name, entry in body["checks"].items() if not entry["ok"]] == [failing]
    assert body["checks"][failing]["error"] == "ConnectionError: connection refused"


def test_a_hanging_check_is_reported_as_timed_out(
    only_checks: dict[str, health.Check], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    release = threading.Event()
    monkeypatch.setattr(health, "CHECK_TIMEOUT_S", 0.2)
    only_checks["slow"] = lambda: release.wait(2) and None
    try:
        results = health.run_checks()
    finally:
        release.set()
    assert results[0].ok is False
    assert results[0].error == "timed out"


def test_readyz_registers_the_four_base_checks() -> None:
    assert {"database", "redis", "channel_layer", "celery"} <= set(health.registered_checks())


@pytest.mark.django_db
def test_the_database_check_passes_on_the_test_database() -> None:
    health.check_database()


def test_the_redis_check_passes_against_the_real_redis() -> None:
    health.check_redis()


def test_the_redis_check_fails_when_nothing_listens() -> None:
    with pytest.raises(Exception, match=r"(?i)connect"):
        health.check_redis(f"redis://127.0.0.1:{_closed_port()}/0")


def test_the_channel_layer_check_round_trips_a_message() -> None:
    health.check_channel_layer()


def test_the_channel_layer_check_round_trips_through_real_redis(settings) -> None:
    settings.CHANNEL_LAYERS = {
        "redis": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL]},
        },
    }
    health.check_channel_layer("redis")


def test_the_channel_layer_check_passes_while_a_consumer_receives_on_another_loop(settings) -> None:
    # The server's loop holds a receive() on the shared layer whenever a WebSocket is open; the check
    # must not collide with it (channels_redis allows one receiving loop per layer instance).
    import asyncio
    import threading

    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL]},
        },
    }
    shared = get_channel_layer()
    started = threading.Event()
    loop = asyncio.new_event_loop()

    async def consumer() -> None:
        channel = await shared.new_channel("consumer.")
        started.set()
        await shared.receive(channel)

    def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(consumer())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(5)
    try:
        health.check_channel_layer()
    finally:
        loop.call_soon_threadsafe(lambda: [task.cancel() for task in asyncio.all_tasks(loop)])
        thread.join(5)
        loop.run_until_complete(shared.close_pools())
        loop.close()


def test_the_channel_layer_check_fails_when_redis_is_down(settings) -> None:
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CHANNEL_LAYERS = {
        "down": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}
    }
    with pytest.raises(Exception):  # noqa: B017 -- the layer's own connection error, whatever its class
        health.check_channel_layer("down")


def test_the_celery_check_fails_when_no_worker_listens(settings) -> None:
    # Database 15 of the same Redis: a broker that answers but has no worker on it.
    # set_as_current=False: a current app would capture every shared_task sent afterwards in this process.
    lonely = Celery("lonely", broker=settings.REDIS_URL.rsplit("/", 1)[0] + "/15", set_as_current=False)
    with pytest.raises(RuntimeError, match="no Celery worker answered a ping"):
        health.check_celery(lonely)


@pytest.mark.integration
def test_the_celery_check_passes_with_a_real_worker(celery_worker_process: object) -> None:
    health.check_celery()


@override_settings(DEBUG=False)
def test_readyz_never_caches(only_checks: dict[str, health.Check]) -> None:
    only_checks["database"] = _ok
    response = Client().get("/readyz")
    assert "no-cache" in response["Cache-Control"]
