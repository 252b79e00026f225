"""`manage.py run_streams` as its own process: it reports through Redis and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from apps.streams.health import streams_status

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.integration


def test_sigterm_stops_the_process_cleanly_and_withdraws_its_health(tmp_path: Path) -> None:
    prefix = f"test:streams:{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trader.settings",
        "TRADER_RUN_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TRADER_EXCHANGE_REDIS_PREFIX": prefix,
        "TRADER_STREAMS_HEARTBEAT_S": "0.2",
        "PYTHONUNBUFFERED": "1",
    }
    client = redis.Redis.from_url(settings.REDIS_URL)
    log = (tmp_path / "streams.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_streams"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while not streams_status(client, prefix).running:
            assert process.poll() is None, (tmp_path / "streams.log").read_text()
            assert time.monotonic() < deadline, "the streams process never reported"
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert not streams_status(client, prefix).running
        assert "streams: stopped" in (tmp_path / "streams.log").read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
