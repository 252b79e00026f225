"""Fixtures for integration and browser tests: real processes on real sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def celery_worker_process() -> Iterator[str]:
    """A real Celery worker process on the test's Redis broker; yields its node name."""
    from trader.celery import app

    name = f"pytest-{uuid.uuid4().hex[:8]}@localhost"
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
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
