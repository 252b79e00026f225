"""kill -9 of the worker between send and ack: the order ends in the exchange's true state, exactly once.

Everything on the platform side runs in real processes against a database file of their own (migrated by
`manage.py migrate`): a Celery worker submits the order, `manage.py reconcile_orders` reconciles it. Two
moments of death:

- after the exchange executed and answered, before the worker recorded the answer: the worker runs with
  a hook that announces the answer (a marker file) and then holds it, and is SIGKILLed there;
- while the request is in flight: the local exchange holds it (injected latency, applied before it
  executes) and the worker is SIGKILLed meanwhile; the exchange then finds the connection gone and never
  executes it.

Either way our row is left PENDING_NEW; reconciliation must bring it to the exchange's truth (NEW, or
REJECTED as never placed), and a redelivered submit task must not place it a second time.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.fixtures.local_exchange import LocalExchange

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LATENCY_MS = 5000

CREATE_ORDER = """
import json
from decimal import Decimal
from apps.exchange.gateway import get_gateway
from apps.orders.models import CREATED, Order, OrderEvent
from apps.symbols.models import Symbol

price = int(get_gateway().ticker_price("spot", "BTCUSDT") * Decimal("0.8"))
order = Order.objects.create(
    client_order_id="{client_order_id}", symbol=Symbol.objects.get(market="SPOT", symbol="BTCUSDT"),
    market="SPOT", side="BUY", order_type="LIMIT", time_in_force="GTC",
    requested_quantity=Decimal("0.001"), requested_price=price,
)
OrderEvent.objects.create(order=order, from_status="", to_status="PENDING_NEW", event=CREATED, source="api")
print(json.dumps({{"id": order.pk}}))
"""


# A Celery worker (solo pool: the task runs in this very process) that, when KILL9_MARKER names a file,
# creates it on receiving the exchange's answer to a placement and then holds the answer unrecorded.
WORKER = """
import os, time, django
django.setup()
from apps.orders import submission
marker = os.environ["KILL9_MARKER"]
if marker:
    record = submission.order_apply_report
    def hold(**kwargs):
        open(marker, "w").close()
        time.sleep(120)
        return record(**kwargs)
    submission.order_apply_report = hold
from trader.celery import app
app.worker_main(["worker", "-P", "solo", "-n", os.environ["KILL9_NAME"], "-Q", os.environ["KILL9_QUEUE"],
                 "-l", "info"])
"""


class Platform:
    """The platform's processes on a database file of their own, talking to the test's local exchange."""

    def __init__(self, tmp_path: Path, exchange: LocalExchange, account: dict[str, Any]) -> None:
        self.db = tmp_path / "platform.sqlite3"
        self.logs = tmp_path
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="trader.settings",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{self.db}",
            TRADER_EXCHANGE="sim",
            TRADER_SIM_URL=exchange.url,
            TRADER_EXCHANGE_API_KEY=account["api_key"],
            TRADER_EXCHANGE_API_SECRET=account["api_secret"],
            TRADER_EXCHANGE_REDIS_PREFIX=f"test:kill9:{uuid.uuid4().hex[:12]}",
        )
        self.workers: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start_worker(
        self, name: str, queue: str, *, hold_answer: Path | None = None
    ) -> tuple[subprocess.Popen[bytes], Path]:
        from trader.celery import app

        log_path = self.logs / f"{name.split('@')[0]}.log"
        env = dict(self.env, KILL9_NAME=name, KILL9_QUEUE=queue, KILL9_MARKER=str(hold_answer or ""))
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", WORKER],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(process)
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            assert process.poll() is None, f"the worker exited early:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"the worker did not answer pings:\n{log_path.read_text()}"
        return process, log_path

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def row(self, order_id: int) -> tuple[str, int | None, str]:
        with sqlite3.connect(self.db) as db:
            status, exchange_id, executed = db.execute(
                "SELECT status, exchange_order_id, exchange_executed_qty FROM orders_order WHERE id = ?",
                (order_id,),
            ).fetchone()
        return str(status), exchange_id, str(executed)

    def backdate(self, order_id: int) -> None:
        """Move the order and its events five minutes back: the processing window has passed."""
        with sqlite3.connect(self.db) as db:
            past = "datetime(created_at, '-5 minutes')"
            db.execute(f"UPDATE orders_order SET created_at = {past} WHERE id = ?", (order_id,))
            db.execute(f"UPDATE orders_orderevent SET created_at = {past} WHERE order_id = ?", (order_id,))

    def events(self, order_id: int) -> list[tuple[str, str, str]]:
        with sqlite3.connect(self.db) as db:
            rows = db.execute(
                "SELECT event, to_status, source FROM orders_orderevent WHERE order_id = ? ORDER BY id",
                (order_id,),
            ).fetchall()
        return [(str(e), str(t), str(s)) for e, t, s in rows]


@pytest.fixture
def platform(tmp_path: Path, local_exchange: LocalExchange) -> Iterator[Platform]:
    local_exchange.reset()
    account = local_exchange.create_account(balances={"USDT": "100000", "BTC": "2"})
    built = Platform(tmp_path, local_exchange, account)
    try:
        yield built
    finally:
        built.stop()
        local_exchange.control("DELETE", "faults")


def last_json(out: str) -> Any:
    """The JSON line a command printed last (`shell` prints a banner first)."""
    return json.loads(out.strip().splitlines()[-1])


def wait_for(check: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def prepared(platform: Platform) -> tuple[int, str]:
    platform.manage("migrate", "--noinput")
    platform.manage("sync_symbols", "--market", "SPOT")
    client_order_id = f"t-kill9-{uuid.uuid4().hex[:10]}"
    created = platform.manage("shell", "-c", CREATE_ORDER.format(client_order_id=client_order_id))
    return int(last_json(created)["id"]), client_order_id


def warm(log: Path, queue: str) -> None:
    """Credentials, clock offset and limits loaded, so the placement is the worker's next exchange call."""
    from apps.orders.tasks import reconcile

    reconcile.apply_async(kwargs={"market": "SPOT"}, queue=queue)
    wait_for(
        lambda: "orders.reconcile" in log.read_text() and "succeeded" in log.read_text(),
        seconds=60,
        what="the warm-up reconciliation",
    )


def redeliver(platform: Platform, order_id: int, suffix: str) -> None:
    """The killed worker never acknowledged its message: a new worker gets the same task again."""
    from apps.orders.tasks import submit_order

    queue = f"pytest-kill9-again-{suffix}"
    _, log = platform.start_worker(f"kill9-again-{suffix}@localhost", queue)
    submit_order.apply_async((order_id,), queue=queue)
    wait_for(lambda: "succeeded" in log.read_text(), seconds=30, what="the redelivered submit")


def test_a_worker_killed_after_the_exchange_answered_leaves_the_order_in_its_state_exactly_once(
    platform: Platform, local_exchange: LocalExchange, tmp_path: Path
) -> None:
    from apps.orders.tasks import submit_order

    order_id, client_order_id = prepared(platform)
    suffix = uuid.uuid4().hex[:8]
    queue = f"pytest-kill9-{suffix}"
    answered = tmp_path / "answered"
    worker, log = platform.start_worker(f"kill9-{suffix}@localhost", queue, hold_answer=answered)
    warm(log, queue)
    submit_order.apply_async((order_id,), queue=queue)
    wait_for(answered.exists, seconds=30, what="the exchange's answer to reach the worker")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert len(local_exchange.find_orders(client_order_id)) == 1
    assert platform.row(order_id)[0] == "PENDING_NEW"  # the answer was never recorded

    out = platform.manage("reconcile_orders", "--market", "SPOT")
    assert last_json(out)["updated"] == [order_id]
    (on_exchange,) = local_exchange.find_orders(client_order_id)
    status, exchange_id, _ = platform.row(order_id)
    assert status == on_exchange["status"] == "NEW"
    assert exchange_id == int(on_exchange["orderId"])
    assert platform.events(order_id) == [("CREATE", "PENDING_NEW", "api"), ("ACCEPT", "NEW", "reconcile")]

    redeliver(platform, order_id, suffix)
    assert len(local_exchange.find_orders(client_order_id)) == 1
    assert platform.row(order_id)[0] == "NEW"
    assert last_json(platform.manage("reconcile_orders", "--market", "SPOT"))["updated"] == []
    assert len(platform.events(order_id)) == 2


def test_a_worker_killed_while_its_request_is_in_flight_leaves_the_order_rejected_never_placed(
    platform: Platform, local_exchange: LocalExchange
) -> None:
    from apps.orders.tasks import submit_order

    order_id, client_order_id = prepared(platform)
    suffix = uuid.uuid4().hex[:8]
    queue = f"pytest-kill9-{suffix}"
    worker, log = platform.start_worker(f"kill9-{suffix}@localhost", queue)
    warm(log, queue)
    local_exchange.faults(latency_ms=LATENCY_MS, paths=["/api/v3/order"], methods=["POST"])
    submit_order.apply_async((order_id,), queue=queue)
    wait_for(lambda: "orders.submit_order" in log.read_text(), seconds=30, what="the worker to take the task")
    time.sleep(1.5)  # the request is now held by the exchange for LATENCY_MS
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    time.sleep(LATENCY_MS / 1000 + 1)  # the exchange lets the request go and finds its client gone
    local_exchange.control("DELETE", "faults")
    assert local_exchange.find_orders(client_order_id) == []
    assert platform.row(order_id)[0] == "PENDING_NEW"

    # Past the processing window: not found → UNKNOWN (never guessed), then REJECTED as never placed.
    platform.backdate(order_id)
    assert last_json(platform.manage("reconcile_orders", "--market", "SPOT"))["unknown"] == [order_id]
    platform.backdate(order_id)
    assert last_json(platform.manage("reconcile_orders", "--market", "SPOT"))["finished"] == [order_id]
    assert platform.row(order_id)[0] == "REJECTED"
    assert [e[1] for e in platform.events(order_id)] == ["PENDING_NEW", "UNKNOWN", "REJECTED"]

    redeliver(platform, order_id, suffix)
    assert local_exchange.find_orders(client_order_id) == []
    assert platform.row(order_id)[0] == "REJECTED"
