"""The platform as real processes for end-to-end tests: daphne (web + REST API) and a Celery worker.

Both run on a SQLite database file of their own (migrated and seeded by `manage.py`), against the test's
local exchange, on a Celery queue of their own (`CELERY_TASK_DEFAULT_QUEUE`) and a Redis key prefix of
their own, so they never meet another test run's processes on the shared Redis.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import requests
from binance.client import Client

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

    from tests.fixtures.local_exchange import LocalExchange

ROOT: Final = Path(__file__).resolve().parents[2]
VENV_BIN: Final = Path(sys.executable).parent

# Creates the test's user (role trader) with a DRF token; also reports the Celery queue the platform's
# configuration actually names, to check that CELERY_TASK_DEFAULT_QUEUE arrives.
CREATE_USER: Final = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from apps.users.services import token_issue
from trader.celery import app

user = get_user_model().objects.create_user(username="e2e-trader", password=None)
user.groups.add(Group.objects.get(name="trader"))
print(json.dumps({"token": token_issue(user=user).key, "queue": app.conf.task_default_queue}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def last_json(out: str) -> Any:
    """The JSON line a command printed last (`shell` may print a banner first)."""
    return json.loads(out.strip().splitlines()[-1])


def exchange_client(url: str, account: dict[str, Any]) -> Client:
    """python-binance's own client on the local exchange, signing with the test account's key."""
    cls = type("SimClient", (Client,), {"API_URL": f"{url}/api", "FUTURES_URL": f"{url}/fapi"})
    client: Client = cls(account["api_key"], account["api_secret"], ping=False)
    return client


class Platform:
    """migrate → sync_symbols → a trader with a token → daphne + a Celery worker; `api` talks REST to it."""

    def __init__(self, workdir: Path, exchange_url: str, account: dict[str, Any]) -> None:
        suffix = uuid.uuid4().hex[:10]
        self.workdir = workdir
        self.db = workdir / "platform.sqlite3"
        self.queue = f"pytest-e2e-{suffix}"
        self.worker_name = f"e2e-{suffix}@localhost"
        self.redis_prefix = f"test:e2e:{suffix}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="trader.settings",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{self.db}",
            TRADER_EXCHANGE="sim",
            TRADER_SIM_URL=exchange_url,
            TRADER_EXCHANGE_API_KEY=account["api_key"],
            TRADER_EXCHANGE_API_SECRET=account["api_secret"],
            TRADER_EXCHANGE_REDIS_PREFIX=self.redis_prefix,
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
        )
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.log_paths: dict[str, Path] = {}
        self._logs: list[IO[bytes]] = []
        self.api = requests.Session()

    # ------------------------------------------------------------------ setup
    def manage(self, *commands: tuple[str, ...]) -> list[str]:
        """Run `manage.py` commands side by side (each its own process); their outputs, in order."""
        running = [
            (
                args,
                subprocess.Popen(
                    [sys.executable, "manage.py", *args],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for args in commands
        ]
        outputs = []
        for args, process in running:
            try:
                out, err = process.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                raise
            assert process.returncode == 0, f"manage.py {' '.join(args)} failed:\n{out}\n{err}"
            outputs.append(out)
        return outputs

    def prepare(self) -> None:
        self.manage(("migrate", "--noinput"))
        # Symbols and the user touch different tables: both at once (SQLite queues the two writers).
        _, user_out = self.manage(("sync_symbols",), ("shell", "-c", CREATE_USER))
        created = last_json(user_out)
        self.api.headers["Authorization"] = f"Token {created['token']}"
        # The setting must reach Celery, or the web process's tasks would go to any worker on the broker.
        assert created["queue"] == self.queue, f"CELERY_TASK_DEFAULT_QUEUE did not arrive: {created['queue']}"

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log_path = self.workdir / f"{name}.log"
        log = log_path.open("wb")
        self._logs.append(log)
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        self.log_paths[name] = log_path
        return process

    def start(self, *, timeout: float = 60) -> None:
        daphne_args = ["-b", "127.0.0.1", "-p", str(self.port), "trader.asgi:application"]
        worker_args = ["worker", "-P", "solo", "-n", self.worker_name, "-Q", self.queue, "-l", "info"]
        worker_args += ["--without-mingle", "--without-gossip"]  # alone on its queue: no neighbours to meet
        self._spawn("daphne", [str(VENV_BIN / "daphne"), *daphne_args])
        self._spawn("worker", [sys.executable, "-m", "celery", "-A", "trader", *worker_args])
        self._wait_healthy(timeout)
        self._wait_worker(timeout)

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            assert process.poll() is None, f"{name} exited early:\n{self.logs()}"

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"daphne did not answer /healthz:\n{self.logs()}"
            time.sleep(0.1)

    def _wait_worker(self, timeout: float) -> None:
        from trader.celery import app

        deadline = time.monotonic() + timeout
        while not app.control.ping(destination=[self.worker_name], timeout=0.5):
            self._check_alive()
            assert time.monotonic() < deadline, f"the worker did not answer pings:\n{self.logs()}"

    # ------------------------------------------------------------------ teardown and diagnostics
    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()
        self.api.close()
        self._forget_redis_keys()

    def _forget_redis_keys(self) -> None:
        import redis

        client = redis.Redis.from_url(self.env.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
        try:
            keys = list(client.scan_iter(f"{self.redis_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()

    def logs(self, tail: int = 12000) -> str:
        parts = []
        for name, path in self.log_paths.items():
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"----- {name} log ({path}) -----\n{text[-tail:]}")
        return "\n".join(parts)


@contextlib.contextmanager
def platform_running(
    platform: Platform, request: pytest.FixtureRequest, local_exchange: LocalExchange, label: str
) -> Iterator[Platform]:
    """Start the platform, stop it afterwards, and print its logs when a test of the module failed."""
    failed_before = request.session.testsfailed
    try:
        platform.prepare()
        platform.start()
        yield platform
    finally:
        platform.stop()
        if request.session.testsfailed != failed_before:
            reporter = request.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_sep("-", f"platform logs ({label})")
                reporter.write_line(platform.logs())
        local_exchange.reset()
