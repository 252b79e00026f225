"""Hot reload across processes: a running process sees a version activated by another within 2 s.

Both processes are real Python processes on a database file of their own (migrated by `manage.py migrate`)
and the test's Redis: the reader loops on `active_risk_limits()` and prints each version it sees with the
time; the writer activates a new version through the service and prints its commit time. (The test
process's own database is pytest's, which other processes cannot open, so the change is made by a second
platform process, driven from here.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
LIMIT_S = 2.0

READER = """
import sys, time, django
django.setup()
from apps.config.selectors import active_risk_limits
deadline = time.time() + float(sys.argv[1])
seen = None
print("ready", flush=True)
while time.time() < deadline:
    limits = active_risk_limits()
    if limits.version != seen:
        seen = limits.version
        print(f"{time.time():.3f} {limits.version} {limits.max_order_notional.normalize():f}", flush=True)
    time.sleep(0.02)
"""

WRITER = """
import time, django
django.setup()
from decimal import Decimal
from apps.config.services import risk_limits_activate
row = risk_limits_activate(actor=None, changes={"max_order_notional": Decimal("12345")}, comment="elsewhere")
print(f"{time.time():.3f} {row.version}", flush=True)
"""


def _line(stream: IO[str], deadline: float) -> str:
    line = stream.readline()
    assert line, "the reader exited"
    assert time.monotonic() < deadline, "the reader took too long"
    return line.strip()


def test_a_running_process_sees_a_new_version_within_two_seconds(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="trader.settings",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'platform.sqlite3'}",
        TRADER_RUN_DIR=str(tmp_path),
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None
        deadline = time.monotonic() + 60
        assert _line(reader.stdout, deadline) == "ready"
        assert _line(reader.stdout, deadline).split()[1:] == ["1", "10000000"]
        writer = subprocess.run(
            [sys.executable, "-c", WRITER],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert writer.returncode == 0, writer.stderr
        committed_at, version = writer.stdout.split()
        seen_at, seen_version, notional = _line(reader.stdout, deadline).split()
        assert (seen_version, notional) == (version, "12345")
        assert float(seen_at) - float(committed_at) <= LIMIT_S
        assert reader.poll() is None  # the same process, never restarted
    finally:
        reader.kill()
        reader.wait(timeout=10)
