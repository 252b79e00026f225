"""A real beat process keeps the status page's beat component "ok" (it stamps the heartbeat job's
last_run_at as it sends it, worker or not), and a beat killed with SIGKILL shows "down" within the
"Beat missing" rule's 60 s for-duration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[4]
FOR_DURATION_S = 60.0
PROBE = (
    "import json; from apps.monitoring.status.components import run_probe; "
    "from apps.monitoring.status.infra import probe_beat; p = run_probe(probe_beat); "
    "print(json.dumps({'state': p.state, 'message': p.message, 'detail': p.detail}))"
)


class Beat:
    """Beat on a migrated SQLite file of its own, sending to a queue nobody consumes."""

    def __init__(self, workdir: Path) -> None:
        self.queue = f"pytest-beat-{uuid.uuid4().hex[:8]}"
        self.workdir = workdir
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="trader.settings",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{workdir / 'beat.sqlite3'}",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
        )
        self.log = workdir / "beat.log"
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def probe(self) -> dict[str, Any]:
        return dict(json.loads(self.manage("shell", "-c", PROBE).strip().splitlines()[-1]))

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "trader", "beat", "-l", "info"]
        command += ["-s", str(self.workdir / "schedule"), "--pidfile", ""]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def beat(tmp_path: Path) -> Iterator[Beat]:
    import redis
    from django.conf import settings

    process = Beat(tmp_path)
    try:
        process.manage("migrate", "--noinput")
        yield process
    finally:
        process.stop()
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(process.queue)
        client.close()


def _wait(beat: Beat, state: str, timeout: float) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    last: dict[str, Any] = {}
    while time.monotonic() - started < timeout:
        assert state == "down" or beat.process is None or beat.process.poll() is None, beat.log.read_text()
        last = beat.probe()
        if last["state"] == state:
            return last, time.monotonic() - started
        time.sleep(1)
    pytest.fail(f"beat not {state} within {timeout} s; last: {last}\n{beat.log.read_text()[-3000:]}")


def test_beat_is_ok_while_it_runs_and_down_soon_after_it_is_killed(beat: Beat) -> None:
    assert beat.probe()["message"] == "beat has never sent the heartbeat job"
    beat.start()
    first, _ = _wait(beat, "ok", 60)
    # Stamped at every send (CELERY_BEAT_SYNC_EVERY=1), not once every few minutes.
    deadline = time.monotonic() + 30
    while beat.probe()["detail"]["total_run_count"] <= first["detail"]["total_run_count"]:
        assert time.monotonic() < deadline, "beat stopped stamping the heartbeat job"
        time.sleep(1)

    beat.kill()
    down, took = _wait(beat, "down", FOR_DURATION_S)
    assert took < FOR_DURATION_S
    assert down["message"].startswith("beat sent no heartbeat for ")
