"""A real Celery worker on a SQLite file of its own, for tests that read what the worker wrote.

The worker runs `apps.monitoring.tests.taskruns.tasks_for_tests` besides the platform's tasks, logs JSON
lines to a file, and consumes a queue of its own on the test's Redis, so it never meets another run's
worker. Rows are read straight from its database file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO, Any, Final

ROOT: Final = Path(__file__).resolve().parents[4]
TEST_TASKS: Final = "apps.monitoring.tests.taskruns.tasks_for_tests"


class IsolatedWorker:
    def __init__(self, workdir: Path, **env: str) -> None:
        suffix = uuid.uuid4().hex[:10]
        self.db = workdir / "worker.sqlite3"
        self.log_path = workdir / "worker.log"
        self.queue = f"pytest-taskruns-{suffix}"
        self.name = f"taskruns-{suffix}@localhost"
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="trader.settings",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{self.db}",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            TRADER_LOG_FORMAT="json",
            **env,
        )
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, *, timeout: float = 60) -> None:
        from trader.celery import app

        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert migrate.returncode == 0, f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}"
        self._log = self.log_path.open("wb")
        command = [sys.executable, "-m", "celery", "-A", "trader", "worker", "-P", "solo", "-n", self.name]
        command += ["-Q", self.queue, "-l", "info", "--without-mingle", "--without-gossip"]
        command += ["--include", TEST_TASKS]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while not app.control.ping(destination=[self.name], timeout=0.5):
            assert self.process.poll() is None, f"the worker exited early:\n{self.log_text()}"
            assert time.monotonic() < deadline, f"the worker did not answer pings:\n{self.log_text()}"

    def send(self, name: str, *args: Any, **kwargs: Any) -> str:
        from trader.celery import app

        return str(app.send_task(name, args=args, kwargs=kwargs, queue=self.queue).id)

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        with sqlite3.connect(self.db, timeout=20) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params).fetchall()]

    def taskrun(self, task_id: str, *, state: str | None = None, timeout: float = 30) -> dict[str, Any]:
        """The TaskRun row of `task_id` (in `state`, when given), waiting for the worker to write it."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.rows("SELECT * FROM monitoring_taskrun WHERE task_id = ?", task_id)
            if found and (state is None or found[0]["state"] == state):
                row = found[0]
                row["args"] = json.loads(row["args"])
                row["kwargs"] = json.loads(row["kwargs"])
                return row
            assert time.monotonic() < deadline, f"no TaskRun {task_id} ({state}): {found}\n{self.log_text()}"
            time.sleep(0.1)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def json_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.log_text().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return lines

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
