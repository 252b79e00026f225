"""Fixtures for integration and browser tests: real processes on real sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class WorkerProcess:
    name: str
    # A queue of its own, so tasks sent by this run never reach another run's worker on a shared broker.
    queue: str


@pytest.fixture(scope="session")
def celery_worker_process() -> Iterator[WorkerProcess]:
    """A real Celery worker process on the test's Redis broker."""
    from trader.celery import app

    suffix = uuid.uuid4().hex[:8]
    name = f"pytest-{suffix}@localhost"
    queue = f"pytest-{suffix}"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="trader.settings", PYTHONUNBUFFERED="1")
    log_path = ROOT / ".run" / "logs" / "pytest-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "trader",
                "worker",
                "-P",
                "solo",
                "-n",
                name,
                "-Q",
                queue,
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited early; see {log_path}")
            if app.control.ping(destination=[name], timeout=0.5):
                break
        else:
            pytest.fail(f"the Celery worker did not answer pings within 60 s; see {log_path}")
        yield WorkerProcess(name=name, queue=queue)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
