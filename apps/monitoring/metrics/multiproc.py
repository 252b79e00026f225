"""The multi-process sample directory: prepared before processes start, cleaned after a process exits.

prometheus_client in multiprocess mode keeps each process's samples in files named by its pid. Files of
a dead process must stay for counters and histograms (their totals would otherwise drop), but its `live*`
gauges must go, or a crashed web process's WebSocket clients would be counted forever. Celery pool
children exit and are replaced while the worker lives: `worker_process_shutdown` marks them dead.

`python -m apps.monitoring.metrics.multiproc <service> -- <command...>` (containers): sets
PROMETHEUS_MULTIPROC_DIR to `$TRADER_METRICS_MULTIPROC_ROOT/<service>`, empties it, and execs the command.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any


def prepare_dir(path: Path) -> None:
    """Make `path` an empty directory: samples of a previous run must not be added to this one's."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def mark_process_dead(pid: int) -> None:
    """Drop the live gauges of process `pid` (no-op outside multiprocess mode)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)


def on_worker_process_shutdown(pid: int | None = None, **_kwargs: Any) -> None:
    """Celery `worker_process_shutdown`: runs in the exiting pool child."""
    mark_process_dead(pid or os.getpid())


def connect_signals() -> None:
    from celery.signals import worker_process_shutdown

    worker_process_shutdown.connect(on_worker_process_shutdown, weak=False, dispatch_uid="metrics-dead")


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: python -m apps.monitoring.metrics.multiproc <service> -- <command...>")
    root = os.environ.get("TRADER_METRICS_MULTIPROC_ROOT")
    if not root:
        raise SystemExit("TRADER_METRICS_MULTIPROC_ROOT is not set")
    path = Path(root) / argv[0]
    prepare_dir(path)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    os.execvp(argv[2], argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
