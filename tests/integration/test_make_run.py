"""`make run`'s supervisor brings up the whole platform on SQLite and stops every process it started."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def _wait_ready(url: str, supervisor: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    last: tuple[int, bytes] = (0, b"")
    while time.monotonic() < deadline:
        assert supervisor.poll() is None, "the supervisor exited before the platform was ready"
        last = _get(f"{url}/readyz")
        if last[0] == 200:
            return json.loads(last[1])
        time.sleep(0.5)
    pytest.fail(f"/readyz never turned 200; last answer {last}")


def _children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(proc.name))
    return found


def test_the_platform_comes_up_ready_and_stops_cleanly(tmp_path: Path) -> None:
    web_port, sim_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(TRADER_RUN_DIR=str(tmp_path), TRADER_PORT=str(web_port), SIM_PORT=str(sim_port))
    supervisor = subprocess.Popen(
        [sys.executable, "scripts/devrun.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{web_port}"
    try:
        ready = _wait_ready(url, supervisor, timeout=120)
        assert ready["status"] == "ok"
        children = _children_of(supervisor.pid)
        assert len(children) >= 3  # web, worker, beat (+ exchange and streams once they exist)
        status, body = _get(f"{url}/")
        assert status == 200 and b'id="root"' in body
        assert _get(f"{url}/admin/login/")[0] == 200
        assert _get(f"{url}/api/schema/")[0] == 403
        password_file = tmp_path / "admin-password"
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        if (ROOT / "simulator" / "__main__.py").exists():
            deadline = time.monotonic() + 60
            while _get(f"http://127.0.0.1:{sim_port}/api/v3/ping") != (200, b"{}"):
                assert time.monotonic() < deadline, "the local exchange never answered /api/v3/ping"
                time.sleep(0.5)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        output = supervisor.communicate(timeout=60)[0].decode()
    assert "admin user created. Password (shown once" in output
    assert supervisor.returncode == 0, output
    for pid in children:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )
    assert not (tmp_path / "platform.pid").exists()
