"""Multi-process mode: samples of separate processes add up in one scrape, dead processes' live gauges go.

Each "process" here is a real child Python with PROMETHEUS_MULTIPROC_DIR set, recording through the
platform's own metric definitions; the merge is the collector /metrics uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest

from apps.monitoring.metrics.multiproc import prepare_dir
from apps.monitoring.metrics.registry import MultiProcessFiles, multiproc_roots

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parents[4]

RECORD = """
import os, sys
from apps.monitoring.metrics.definitions import ORDER_REJECTS, WS_CLIENTS, observe_reconcile
ORDER_REJECTS.labels("spot", "exchange", "-2010").inc(int(sys.argv[1]))
WS_CLIENTS.labels("/ws/account/").inc(int(sys.argv[1]))
observe_reconcile(market="spot", fixed={"balance": int(sys.argv[1])})
if len(sys.argv) > 2:
    from apps.monitoring.metrics.multiproc import mark_process_dead
    mark_process_dead(os.getpid())
"""


def _child(directory: Path, *args: str) -> None:
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(directory))
    subprocess.run([sys.executable, "-c", RECORD, *args], cwd=ROOT, env=env, check=True, timeout=60)


def _scrape(*roots: Path) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MultiProcessFiles([str(r) for r in roots]))
    return generate_latest(registry).decode()


def test_counters_add_up_and_only_live_processes_count_in_live_gauges(tmp_path: Path) -> None:
    prepare_dir(tmp_path / "mp")
    _child(tmp_path / "mp", "2")  # exits without cleanup, like a crash: its live gauge stays...
    _child(tmp_path / "mp", "3", "exited")  # ...this one marked itself dead (Celery's child-exit hook)
    text = _scrape(tmp_path / "mp")
    assert 'trader_order_rejects_total{market="spot",reason="-2010",source="exchange"} 5.0' in text
    assert 'trader_ws_clients{endpoint="/ws/account/"} 2.0' in text
    # mostrecent: the last run's figure, not a sum over processes
    assert 'trader_reconcile_last_run_differences{kind="balance",market="spot"} 3.0' in text


def test_a_root_merges_every_service_directory_below_it(tmp_path: Path) -> None:
    for service, count in (("web", "1"), ("worker", "4")):
        prepare_dir(tmp_path / service)
        _child(tmp_path / service, count)
    text = _scrape(tmp_path)
    assert 'trader_order_rejects_total{market="spot",reason="-2010",source="exchange"} 5.0' in text


def test_prepare_dir_empties_what_a_previous_run_left(tmp_path: Path) -> None:
    stale = tmp_path / "mp" / "counter_1.db"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    prepare_dir(tmp_path / "mp")
    assert list((tmp_path / "mp").iterdir()) == []


def test_the_root_wins_over_the_own_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADER_METRICS_MULTIPROC_ROOT", raising=False)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert multiproc_roots() == []
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/m/web")
    assert multiproc_roots() == ["/m/web"]
    monkeypatch.setenv("TRADER_METRICS_MULTIPROC_ROOT", "/m")
    assert multiproc_roots() == ["/m"]


def test_the_launcher_prepares_the_service_directory_and_runs_the_command(tmp_path: Path) -> None:
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "counter_9.db").write_bytes(b"old")
    env = dict(os.environ, TRADER_METRICS_MULTIPROC_ROOT=str(tmp_path))
    show = "import os; d = os.environ['PROMETHEUS_MULTIPROC_DIR']; print(d, sorted(os.listdir(d)))"
    command = [
        sys.executable,
        "-m",
        "apps.monitoring.metrics.multiproc",
        "worker",
        "--",
        sys.executable,
        "-c",
        show,
    ]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == f"{tmp_path / 'worker'} []"


def test_exited_celery_pool_children_lose_their_live_gauges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from celery.signals import worker_process_shutdown

    for name in ("gauge_livesum_4321.db", "counter_4321.db", "gauge_livesum_99.db"):
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    worker_process_shutdown.send(sender=None, pid=4321, exitcode=0)  # as Celery sends it in the child
    # Its client count goes; its counted totals stay; other processes are untouched.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4321.db", "gauge_livesum_99.db"]


def test_outside_multiprocess_mode_marking_dead_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.monitoring.metrics.multiproc import mark_process_dead

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    mark_process_dead(1)  # no directory to clean: must not raise
