"""The status endpoint follows real processes: a Celery worker killed with SIGKILL and the local exchange
stopped both show "down" well within the alert rules' for-duration (60 s for "Worker missing"), `since`
moves only when a state changes, and both come back "ok" once restarted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from rest_framework.test import APIClient

from apps.exchange.runtime import build_runtime, set_runtime

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[4]
# The seeded "Worker missing" rule fires after 60 s; the status must have said "down" before that.
FOR_DURATION_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Exchange:
    """The local exchange as a process of this test only, so it can be stopped and started again."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.gettempdir()) / f"trader-status-exchange-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "simulator", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--log-level", "WARNING"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{self.url}/_sim/health", timeout=1).raise_for_status()
                return
            except requests.RequestException:
                assert self.process.poll() is None, f"the exchange exited; see {self.log}"
                assert time.monotonic() < deadline, f"the exchange did not start; see {self.log}"
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Worker:
    def __init__(self) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.name = f"status-{suffix}@localhost"
        self.queue = f"pytest-status-{suffix}"
        self.log = Path(tempfile.gettempdir()) / f"trader-status-worker-{suffix}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        from trader.celery import app

        args = ["worker", "-P", "solo", "-n", self.name, "-Q", self.queue, "-l", "info"]
        args += ["--without-mingle", "--without-gossip"]
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="trader.settings", PYTHONUNBUFFERED="1")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "trader", *args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.name], timeout=0.5):
            assert self.process.poll() is None, f"the worker exited; see {self.log}"
            assert time.monotonic() < deadline, f"the worker did not answer pings; see {self.log}"

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def platform(settings: Any) -> Iterator[tuple[Exchange, Worker]]:
    exchange, worker = Exchange(), Worker()
    settings.TRADER_STATUS_WORKER_QUEUES = [worker.queue]  # other runs' workers on the broker do not count
    settings.TRADER_STATUS_CACHE_S = 1
    prefix = f"test:status:{uuid.uuid4().hex[:10]}"
    rt = None
    try:
        exchange.start()
        worker.start()
        rt = build_runtime(prefix=prefix, sim_url=exchange.url)
        set_runtime(rt)
        yield exchange, worker
    finally:
        set_runtime(None)
        worker.stop()
        exchange.stop()
        if rt is not None:
            keys = list(rt.redis.scan_iter(f"{prefix}:*", count=1000))
            if keys:
                rt.redis.delete(*keys)


@pytest.fixture
def viewer_api() -> APIClient:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("status-viewer")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client = APIClient()
    client.force_authenticate(user)
    return client


def _components(api: APIClient) -> dict[str, dict[str, Any]]:
    response = api.get("/api/status/")
    assert response.status_code == 200
    return {c["name"]: c for c in response.json()["components"]}


def _wait_for(
    api: APIClient, what: str, predicate: Callable[[dict[str, dict[str, Any]]], bool], timeout: float
) -> tuple[dict[str, dict[str, Any]], float]:
    started = time.monotonic()
    last: dict[str, dict[str, Any]] = {}
    while time.monotonic() - started < timeout:
        last = _components(api)
        if predicate(last):
            return last, time.monotonic() - started
        time.sleep(0.5)
    summary = {name: (c["state"], c["message"]) for name, c in last.items()}
    pytest.fail(f"{what} not seen within {timeout} s; last status: {summary}")


def _states(*names: str, state: str) -> Callable[[dict[str, dict[str, Any]]], bool]:
    return lambda status: all(status[n]["state"] == state for n in names)


EXCHANGE = ("exchange_spot", "exchange_futures")


def test_the_status_follows_a_killed_worker_and_a_stopped_exchange(
    platform: tuple[Exchange, Worker], viewer_api: APIClient
) -> None:
    exchange, worker = platform
    up, _ = _wait_for(viewer_api, "worker and exchange ok", _states("worker", *EXCHANGE, state="ok"), 60)
    assert [w["name"] for w in up["worker"]["detail"]["workers"] if worker.queue in w["queues"]] == [
        worker.name
    ]
    assert float(up["exchange_spot"]["detail"]["latency_ms"]) > 0
    worker_since, spot_since = up["worker"]["since"], up["exchange_spot"]["since"]

    # Unchanged states keep their `since`, however often the status is computed.
    time.sleep(1.2)
    again = _components(viewer_api)
    assert (again["worker"]["state"], again["worker"]["since"]) == ("ok", worker_since)
    assert (again["exchange_spot"]["state"], again["exchange_spot"]["since"]) == ("ok", spot_since)

    worker.kill()
    down, took = _wait_for(viewer_api, "worker down", _states("worker", state="down"), FOR_DURATION_S)
    assert took < FOR_DURATION_S
    assert down["worker"]["since"] > worker_since
    assert "answered" in down["worker"]["message"]
    assert down["exchange_spot"]["since"] == spot_since  # the exchange did not change

    exchange.stop()
    gone, took = _wait_for(viewer_api, "exchange down", _states(*EXCHANGE, state="down"), FOR_DURATION_S)
    assert took < FOR_DURATION_S
    assert gone["exchange_spot"]["since"] > spot_since
    assert gone["exchange_spot"]["detail"]["latency_ms"] is None
    assert gone["worker"]["since"] == down["worker"]["since"]  # still down: unchanged

    exchange.start()
    worker.start()
    # Recovery may wait out the circuit breaker the failed probes opened (cooldown 30 s).
    back, _ = _wait_for(viewer_api, "all ok again", _states("worker", *EXCHANGE, state="ok"), 120)
    assert back["worker"]["since"] > down["worker"]["since"]
    assert back["exchange_spot"]["since"] > gone["exchange_spot"]["since"]
