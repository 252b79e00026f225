"""kill -9 of the worker in the middle of a kill switch run: a new worker finishes it, closing nothing twice.

The platform side runs in real processes on a database file of its own (`manage.py migrate`): the run is
engaged by `manage.py shell`, worked by a real Celery worker. The local exchange holds USD-M order
placements (injected latency), so the worker is SIGKILLed while a close is in flight, after the first
close is done. A second worker then gets the run from the beat watchdog (run through `manage.py shell`)
once the dead worker's lease has expired, and completes it. The exchange's own view decides the outcome.
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
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from apps.exchange.domain.types import OrderRequest
from apps.risk.tests.conftest import at, cid

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.fixtures.local_exchange import LocalExchange

pytestmark = pytest.mark.integration


ROOT = Path(__file__).resolve().parents[3]
D = Decimal
LATENCY_MS = 3000

ENGAGE = """
import json
from trader.celery import app
app.conf.task_default_queue = "{queue}"
from apps.config.services import trading_config_activate
from apps.risk.services import kill_switch_engage
trading_config_activate(actor=None, changes={{"spot_close_keep": {{"BTC": "0.5"}}}})
run = kill_switch_engage(actor=None, scope="all", close_positions=True, reason="kill -9 drill").run
print(json.dumps({{"id": run.pk}}))
"""

WATCHDOG = """
import json
from trader.celery import app
app.conf.task_default_queue = "{queue}"
from apps.risk.tasks import kill_switch_watchdog
print(json.dumps(kill_switch_watchdog()))
"""


class Platform:
    def __init__(self, tmp_path: Path, exchange: LocalExchange, account: dict[str, Any]) -> None:
        self.db = tmp_path / "platform.sqlite3"
        self.logs = tmp_path
        self.queue = f"pytest-risk-kill9-{uuid.uuid4().hex[:8]}"
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="trader.settings",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{self.db}",
            TRADER_EXCHANGE="sim",
            TRADER_SIM_URL=exchange.url,
            TRADER_EXCHANGE_API_KEY=account["api_key"],
            TRADER_EXCHANGE_API_SECRET=account["api_secret"],
            TRADER_EXCHANGE_REDIS_PREFIX=f"test:risk-kill9:{uuid.uuid4().hex[:12]}",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
        )
        self.workers: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def shell(self, code: str) -> Any:
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def start_worker(self, name: str) -> tuple[subprocess.Popen[bytes], Path]:
        from trader.celery import app

        log_path = self.logs / f"{name}.log"
        node = f"{name}-{uuid.uuid4().hex[:6]}@localhost"
        with log_path.open("wb") as log:
            command = [sys.executable, "-m", "celery", "-A", "trader", "worker", "-P", "solo"]
            process = subprocess.Popen(
                [*command, "-n", node, "-Q", self.queue, "-l", "info"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(process)
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
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

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db, timeout=20) as db:
            return list(db.execute(sql, args).fetchall())

    def closes(self) -> list[str]:
        rows = self.query("SELECT status FROM risk_killswitchstep WHERE kind = 'close_futures' ORDER BY id")
        return [str(r[0]) for r in rows]

    def run_status(self, run_id: int) -> str:
        return str(self.query("SELECT status FROM risk_killswitchrun WHERE id = ?", run_id)[0][0])

    def expire_lease(self, run_id: int) -> None:
        """The dead worker's lease runs out (30 s), and its in-flight close can no longer arrive (15 s)."""
        past = "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minutes')"
        with sqlite3.connect(self.db, timeout=20) as db:
            db.execute(f"UPDATE risk_killswitchrun SET lease_until = {past} WHERE id = ?", (run_id,))
            db.execute(
                f"UPDATE risk_killswitchstep SET started_at = {past} WHERE run_id = ? AND status = 'STARTED'",
                (run_id,),
            )


def wait_for(check: Callable[[], bool], *, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        tail = log.read_text()[-3000:] if log is not None and log.exists() else ""
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{tail}"
        time.sleep(0.1)


@pytest.fixture
def platform(tmp_path: Path, sim: LocalExchange, account: dict[str, Any]) -> Iterator[Platform]:
    built = Platform(tmp_path, sim, account)
    try:
        yield built
    finally:
        built.stop()
        sim.control("DELETE", "faults")


def _exchange_state(gw: Any) -> None:
    """Open orders of every kind, one-way positions on two symbols, spot holdings: all at the exchange."""
    bid = gw.book_ticker("spot", "BTCUSDT").bid_price
    gw.place_order(
        "spot",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            client_order_id=cid(),
            quantity=D("0.001"),
            price=at(bid, "0.8"),
            time_in_force="GTC",
        ),
    )
    ask = gw.book_ticker("spot", "BTCUSDT").ask_price
    gw.place_oco(
        "BTCUSDT",
        side="SELL",
        quantity=D("0.3"),
        list_client_order_id=cid(),
        above={"type": "LIMIT_MAKER", "price": str(at(ask, "1.2"))},
        below={"type": "STOP_LOSS", "stopPrice": str(at(ask, "0.8"))},
    )
    mark = gw.ticker_price("futures", "BTCUSDT")
    gw.place_order(
        "futures",
        OrderRequest(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            client_order_id=cid(),
            quantity=D("0.01"),
            price=at(mark, "0.8", "0.1"),
            time_in_force="GTC",
        ),
    )
    gw.place_algo_order(
        OrderRequest(
            symbol="BTCUSDT",
            side="SELL",
            type="STOP_MARKET",
            client_order_id=cid(),
            quantity=D("0.01"),
            stop_price=at(mark, "0.7", "0.1"),
        ),
    )
    for symbol, side, qty in (("BTCUSDT", "BUY", "0.02"), ("ETHUSDT", "SELL", "0.3")):
        gw.place_order(
            "futures",
            OrderRequest(symbol=symbol, side=side, type="MARKET", client_order_id=cid(), quantity=D(qty)),
        )


def _closing_fills(sim: LocalExchange, account: dict[str, Any], symbol: str) -> list[dict[str, Any]]:
    from tests.integration.platform_procs import exchange_client

    client = exchange_client(sim.url, account)
    rows = client.futures_get_all_orders(symbol=symbol)
    return [o for o in rows if o["reduceOnly"] and o["status"] == "FILLED"]


def test_a_worker_killed_mid_run_is_replaced_and_the_run_completes_without_double_closing(
    platform: Platform, sim: LocalExchange, account: dict[str, Any], gateway: Any
) -> None:
    platform.manage("migrate", "--noinput")
    platform.manage("sync_symbols")
    _exchange_state(gateway)
    sim.faults(latency_ms=LATENCY_MS, paths=["/fapi/v1/order"], methods=["POST"])

    # Started first: a solo worker busy with a task answers no ping.
    first, log = platform.start_worker("risk-kill9-first")
    run_id = int(platform.shell(ENGAGE.format(queue=platform.queue))["id"])
    # The first close goes through, slowly; the second is then held by the exchange.
    wait_for(lambda: platform.closes() == ["DONE", "STARTED"], seconds=90, what="a close in flight", log=log)
    time.sleep(1.0)  # its request is in flight now
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert platform.run_status(run_id) == "RUNNING"
    assert [p for p in gateway.positions() if p.amount != 0] != []  # not flat yet

    time.sleep(LATENCY_MS / 1000 + 1)  # the exchange lets the held request go (its client is gone)
    sim.control("DELETE", "faults")
    platform.expire_lease(run_id)
    second, log2 = platform.start_worker("risk-kill9-second")
    assert platform.shell(WATCHDOG.format(queue=platform.queue)) == [run_id]
    wait_for(
        lambda: platform.run_status(run_id) == "COMPLETED", seconds=90, what="the run to complete", log=log2
    )

    # The exchange's truth: nothing open, flat, spot down to the keep amount.
    assert gateway.open_orders("spot") == [] and gateway.open_orders("futures") == []
    assert gateway.open_algo_orders() == []
    assert [p for p in gateway.positions() if p.amount != 0] == []
    held = {b.asset: b.free + b.locked for b in gateway.account("spot").balances}
    assert held["BTC"] == D("0.5")
    # Each position was closed by exactly one reduce-only order.
    assert len(_closing_fills(sim, account, "BTCUSDT")) == 1
    assert len(_closing_fills(sim, account, "ETHUSDT")) == 1

    report = json.loads(platform.query("SELECT report FROM risk_killswitchrun WHERE id = ?", run_id)[0][0])
    assert report["failed"] == [], report["failed"]
    assert report["summary"]["attempts"] == 2
    closes = platform.query(
        "SELECT s.symbol, o.status FROM orders_order o JOIN symbols_symbol s ON s.id = o.symbol_id "
        "WHERE o.created_by_id IS NULL AND o.market = 'USDM' ORDER BY o.id"
    )
    assert closes[0][1] == "FILLED"
    # The second: either the held request executed (found by its clientOrderId, taken as is) or it never
    # did (recorded as never placed, then sent again): one fill either way.
    assert {closes[0][0], closes[1][0]} == {"BTCUSDT", "ETHUSDT"}
    assert [c[1] for c in closes[1:]] in (["FILLED"], ["REJECTED", "FILLED"])
    assert {c[0] for c in closes[1:]} == {closes[1][0]}
    assert second.poll() is None
