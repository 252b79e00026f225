"""The whole platform as `make run` starts it (web, worker, beat, streams, local exchange), for browser tests.

One stack per test module: `scripts/devrun.py run` on free ports, its own run directory (SQLite, logs) and
its own Redis key prefix, with a trader and a viewer account created through `manage.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-browser-password"


def _e2e_redis_url() -> str:
    """The test Redis (REDIS_URL: CI's server or `make test`'s bundled one), database 12."""
    base = urllib.parse.urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urllib.parse.urlunsplit(base._replace(path="/12"))


E2E_REDIS_URL = os.environ.get("TRADER_E2E_REDIS_URL") or _e2e_redis_url()

_CREATE_USERS = """
from django.contrib.auth.models import Group, User
for name, role in (("tina", "trader"), ("vic", "viewer"), ("ada", "admin")):
    user, _ = User.objects.get_or_create(username=name)
    user.set_password({password!r})
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
print("users ready")
"""


@dataclass(frozen=True)
class Stack:
    url: str
    sim_url: str
    run_dir: Path
    env: dict[str, str]

    def manage(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "trader.settings"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def api(self, method: str, path: str, *, token: str, body: object | None = None) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode()

    def token(self, username: str) -> str:
        request = urllib.request.Request(
            f"{self.url}/api/auth/token/",
            data=json.dumps({"username": username, "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.loads(response.read())["token"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _wait(
    what: str, predicate: Callable[[], bool], supervisor: subprocess.Popen[bytes], timeout: float, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            raise RuntimeError(f"the platform exited while waiting for {what}:\n{log.read_text()[-4000:]}")
        if predicate():
            return
        time.sleep(0.5)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def platform_stack(run_dir: Path) -> Iterator[Stack]:
    """Start the platform, wait until it is ready with symbols synced, yield a `Stack`, stop it."""
    web_port, sim_port = _free_port(), _free_port()
    prefix = f"test:e2e:{uuid.uuid4().hex[:10]}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        TRADER_RUN_DIR=str(run_dir),
        TRADER_PORT=str(web_port),
        SIM_PORT=str(sim_port),
        TRADER_EXCHANGE_REDIS_PREFIX=prefix,
        # A Redis database of its own: channel groups, stream health and sequence numbers are not prefixed,
        # and another platform on the same Redis (a developer's `make run`) must not see these events.
        REDIS_URL=E2E_REDIS_URL,
    )
    redis.Redis.from_url(E2E_REDIS_URL).flushdb()
    log = run_dir / "supervisor.log"
    run_dir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        supervisor = subprocess.Popen(
            [sys.executable, "scripts/devrun.py", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack = Stack(
        url=f"http://127.0.0.1:{web_port}", sim_url=f"http://127.0.0.1:{sim_port}", run_dir=run_dir, env=env
    )
    try:
        _wait("/readyz", lambda: _status(f"{stack.url}/readyz") == 200, supervisor, 180, log)
        stack.manage("shell", "-c", _CREATE_USERS.format(password=PASSWORD))
        token = stack.token("tina")

        def synced() -> bool:
            status, body = stack.api("GET", "/api/symbols/?market=USDM&search=BTCUSDT", token=token)
            return status == 200 and bool(body["results"])  # type: ignore[index]

        _wait("the symbol sync", synced, supervisor, 120, log)
        yield stack
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=60)
        except subprocess.TimeoutExpired:
            supervisor.kill()
        client = redis.Redis.from_url(E2E_REDIS_URL)
        with contextlib.suppress(redis.RedisError):
            client.flushdb()
        client.close()
