"""`python -m simulator` starts, serves Binance paths and /_sim/, and saves --state on SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from simulator.__main__ import parse_args

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_parse_args() -> None:
    config = parse_args(["--port", "9999", "--seed", "5", "--speed", "60", "--state", "/tmp/x.json"])
    assert (config.port, config.seed, config.speed, str(config.state_file)) == (9999, 5, 60.0, "/tmp/x.json")
    with pytest.raises(SystemExit):
        parse_args(["--speed", "0"])


@pytest.mark.integration
def test_module_entry_point(tmp_path: Path) -> None:
    port = _free_port()
    state = tmp_path / "state.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "--port",
            str(port),
            "--state",
            str(state),
            "--log-level",
            "WARNING",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 30
        health = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/health", timeout=1) as resp:
                    health = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.2)
        assert health is not None and health["status"] == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v3/ticker/price?symbol=BTCUSDT") as resp:
            assert json.loads(resp.read())["symbol"] == "BTCUSDT"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert json.loads(state.read_text())["accounts"][0]["account_id"] == "dev"
