"""The streams supervisor in-process against the real local exchange: drops, resyncs and listenKey renewals.

Orders are sent through the platform's own submission path while the exchange answers every placement with
a 5XX *after* executing it (`error_after_execute`): the platform marks them UNKNOWN and learns the outcome
only from the user stream, or, for the orders placed while the stream is down, from the resync after it
reconnects. So every fill checked here came through the stream or the resync.

The suite's database is SQLite in memory with a shared cache, where a second writer fails at once ("table
is locked") instead of waiting its turn as it does on the file database of `make run` (busy timeout) and
on PostgreSQL. The tests therefore pass every worker thread's database work through one lock (`serial`);
on PostgreSQL the lock costs nothing and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests

from apps.exchange.domain.backoff import BackoffPolicy
from apps.exchange.gateway.pipeline import off_loop
from apps.exchange.tests.conftest import activate_key
from apps.streams.conf import StreamsConfig
from apps.streams.health import streams_status
from apps.streams.resync import resync
from apps.streams.supervisor import Supervisor

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class FixedBackoff(BackoffPolicy):
    """A reconnect delay long enough to place orders while the stream is certainly down."""

    fixed_s: float = 3.0

    def delay(self, attempt: int, rng: Any = None) -> float:
        return self.fixed_s


def config(**changes: Any) -> StreamsConfig:
    values: dict[str, Any] = {
        "heartbeat_s": 0.5,
        "credential_check_s": 0.5,
        "keepalive_s": 30.0,
        "ping_s": 5.0,
        "backoff": FixedBackoff(),
    }
    return StreamsConfig(**(values | changes))


async def until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


_DB = threading.RLock()


def locked_off_loop(fn: Callable[..., Any], *args: Any) -> Any:
    with _DB:
        return off_loop(fn, *args)


@pytest.fixture(autouse=True)
def serial(monkeypatch: pytest.MonkeyPatch) -> None:
    """One database user at a time among the threads (see the module docstring)."""
    import apps.exchange.gateway.pipeline
    import apps.exchange.gateway.streams
    import apps.streams.clients.base
    import apps.streams.supervisor

    for module in (
        apps.exchange.gateway.pipeline,
        apps.exchange.gateway.streams,
        apps.streams.clients.base,
        apps.streams.supervisor,
    ):
        monkeypatch.setattr(module, "off_loop", locked_off_loop)


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(locked_off_loop, fn, *args)


async def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Run `check()` in a thread until it answers something falsy; returns its last answer."""
    deadline = asyncio.get_running_loop().time() + timeout
    answer = await in_thread(check)
    while answer and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        answer = await in_thread(check)
    return answer


def live(supervisor: Supervisor, *markets: str) -> bool:
    running = supervisor.running
    return all(m in running and running[m].stream.health.state == "live" for m in markets)


@pytest.fixture
def platform(
    sim: Any, account: dict[str, Any], runtime_for: Any, symbols: None, settings: Any, monkeypatch: Any
) -> Iterator[Any]:
    """A runtime on a fresh account, keys active in both markets; unknown outcomes are left to the streams."""
    from apps.orders import submission

    settings.TRADER_EXCHANGE_BREAKER_FAILURES = 1000  # every placement answers 5XX here, by design
    rt = runtime_for(sim.url)
    for market in ("spot", "futures"):
        activate_key(rt, api_key=account["api_key"], secret=account["api_secret"], market=market)
    # No Celery here: the resync (and the stream) must resolve UNKNOWN orders on their own.
    monkeypatch.setattr(submission, "schedule_reconcile", lambda order_id: None)
    yield rt
    sim.control("DELETE", "faults")


def place(market: str, quantity: str) -> int:
    """A MARKET BUY through the platform's submission path (the answer is lost: UNKNOWN)."""
    from apps.orders.domain.state import InvalidTransition
    from apps.orders.models import Order
    from apps.orders.submission import order_submit
    from apps.symbols.models import Symbol

    order = Order.objects.create(
        client_order_id=f"st-{uuid.uuid4().hex[:20]}",
        symbol=Symbol.objects.get(market=market, symbol="BTCUSDT"),
        market=market,
        side="BUY",
        order_type="MARKET",
        requested_quantity=Decimal(quantity),
    )
    # InvalidTransition: the stream's FILLED overtook the 5XX, so the order is already final and the
    # submission's late move to UNKNOWN is refused.
    with contextlib.suppress(InvalidTransition):
        order_submit(order_id=order.pk)
    return order.pk


def disagreements(order_ids: list[int]) -> list[str]:
    """Where our orders and fills differ from the exchange's: status, executed quantity, trade ids."""
    from apps.exchange.gateway import get_gateway
    from apps.orders.models import Fill, Order
    from apps.orders.submission import gateway_market

    gateway, found = get_gateway(), []
    for order in Order.objects.filter(pk__in=order_ids).order_by("pk"):
        market = gateway_market(order.market)
        report = gateway.query_order(market, "BTCUSDT", client_order_id=order.client_order_id)
        trades = {
            t.trade_id
            for t in gateway.account_trades(market, "BTCUSDT", limit=1000)
            if t.order_id == report.order_id
        }
        fills = list(Fill.objects.filter(order=order))
        ours = {f.exchange_trade_id for f in fills}
        if (order.status, order.exchange_executed_qty) != (report.status, report.executed_qty):
            ours_state = f"{order.status} {order.exchange_executed_qty}"
            found.append(f"{order.pk}: {ours_state} vs {report.status} {report.executed_qty}")
        if (
            ours != trades
            or len(fills) != len(trades)
            or sum(f.quantity for f in fills) != report.executed_qty
        ):
            found.append(f"{order.pk}: trades {sorted(ours)} vs exchange {sorted(trades)}")
    return found


def positions_and_balances_agree() -> bool:
    from apps.exchange.gateway import get_gateway
    from apps.positions.models import Balance, Position

    gateway = get_gateway()
    exchange = {p.position_side: p.amount for p in gateway.positions("BTCUSDT") if p.amount}
    ours = {
        p.position_side: p.quantity
        for p in Position.objects.filter(symbol__market="USDM", symbol__symbol="BTCUSDT")
        if p.quantity
    }
    btc = next(b for b in gateway.balances("spot") if b.asset == "BTC")
    stored = Balance.objects.filter(market="SPOT", asset="BTC").values_list("free", flat=True).first()
    return exchange == ours and stored == btc.free


async def test_a_stream_drop_in_the_middle_of_fills_loses_no_fill_and_doubles_none(
    platform: Any, sim: Any
) -> None:
    from apps.orders.models import OrderEvent

    supervisor = Supervisor(config=config(), rt=platform)
    stop = asyncio.Event()
    task = asyncio.create_task(supervisor.run(stop))
    try:
        await until(lambda: live(supervisor, "spot", "futures"), what="both streams live")
        sim.faults(
            paths=["/api/v3/order", "/fapi/v1/order"],
            methods=["POST"],
            error_rate=1.0,
            error_after_execute=True,
        )
        ids = [await in_thread(place, "SPOT", "0.001"), await in_thread(place, "USDM", "0.005")]
        # The drop: every WebSocket of the exchange is closed; the streams wait 3 s before reconnecting.
        sim.faults(ws_disconnect_every_s=0.05)
        healths = [r.stream.health for r in supervisor.running.values()]
        await until(lambda: not any(h.connected for h in healths), what="both streams dropped")
        sim.faults(ws_disconnect_every_s=None)
        during = [
            await in_thread(place, market, qty) for market, qty in (("SPOT", "0.002"), ("USDM", "0.006"))
        ]
        assert not any(h.connected for h in healths), (
            "the orders were meant to be placed while the stream was down"
        )
        await until(lambda: live(supervisor, "spot", "futures"), what="both streams live again")
        assert all(h.reconnects >= 1 and h.resyncs >= 2 for h in healths)
        after = [await in_thread(place, "SPOT", "0.001"), await in_thread(place, "USDM", "0.005")]
        ids += during + after

        assert await eventually(lambda: disagreements(ids)) == []
        assert not await eventually(lambda: not positions_and_balances_agree()), (
            "positions or balances differ"
        )

        def fill_sources() -> dict[int, str]:
            rows = OrderEvent.objects.filter(order_id__in=ids, to_status="FILLED")
            return dict(rows.values_list("order_id", "source"))

        sources = await in_thread(fill_sources)
        assert {sources[i] for i in during} == {"reconcile"}  # learnt from the resync after the reconnect
        assert {sources[i] for i in after} == {"stream"}

        # A second resync (what the next reconnect does) changes nothing.
        def event_ids() -> list[int]:
            return list(OrderEvent.objects.filter(order_id__in=ids).values_list("id", flat=True))

        before = await in_thread(event_ids)
        await in_thread(resync, "SPOT")
        await in_thread(resync, "USDM")
        assert await in_thread(event_ids) == before
        assert await in_thread(disagreements, ids) == []
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_a_listen_key_closed_at_the_exchange_is_renewed_and_events_keep_coming(
    platform: Any, sim: Any, account: dict[str, Any]
) -> None:
    supervisor = Supervisor(
        config=config(keepalive_s=0.5, backoff=FixedBackoff(fixed_s=0.2)), markets=("futures",), rt=platform
    )
    stop = asyncio.Event()
    task = asyncio.create_task(supervisor.run(stop))
    try:
        await until(lambda: live(supervisor, "futures"), what="the futures stream live")
        stream = supervisor.running["futures"].stream
        first = stream.listen_key  # type: ignore[attr-defined]
        response = requests.delete(
            f"{sim.url}/fapi/v1/listenKey", headers={"X-MBX-APIKEY": account["api_key"]}, timeout=10
        )
        assert response.status_code == 200
        await until(
            lambda: stream.health.listen_key_renewals == 1 and stream.health.state == "live", what="renewal"
        )
        assert stream.listen_key != first  # type: ignore[attr-defined]
        sim.faults(paths=["/fapi/v1/order"], methods=["POST"], error_rate=1.0, error_after_execute=True)
        order_id = await in_thread(place, "USDM", "0.005")
        assert await eventually(lambda: disagreements([order_id])) == []
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    # A clean stop withdraws the health keys: /readyz sees "not running", not a stale "connected".
    assert not (await in_thread(streams_status)).running


async def test_listen_key_expired_from_the_exchange_renews_the_key(
    runtime_for: Any, transactional_db: None
) -> None:
    """An in-process local exchange whose listenKeys expire on demand: `listenKeyExpired`, then a new key."""
    from aiohttp.test_utils import TestServer

    from simulator.app import create_app
    from simulator.config import DEV_API_KEY, DEV_API_SECRET, Config
    from simulator.futures.api.common import RUNTIME_KEY

    app = create_app(Config(run_loop=False, backfill_candles=10, history_trades=10))
    server = TestServer(app)
    await server.start_server()
    try:
        rt = runtime_for(str(server.make_url("")).rstrip("/"))
        await in_thread(
            lambda: activate_key(rt, api_key=DEV_API_KEY, secret=DEV_API_SECRET, market="futures")
        )
        supervisor = Supervisor(config=config(backoff=FixedBackoff(fixed_s=0.1)), markets=("futures",), rt=rt)

        stop = asyncio.Event()
        task = asyncio.create_task(supervisor.run(stop))
        try:
            await until(lambda: live(supervisor, "futures"), what="the futures stream live")
            stream = supervisor.running["futures"].stream
            first = stream.listen_key  # type: ignore[attr-defined]
            app[RUNTIME_KEY].streams.expire(10**15)  # every key is past its validity now
            await until(
                lambda: stream.health.listen_key_renewals == 1 and stream.health.state == "live",
                what="renewal",
            )
            assert stream.listen_key != first  # type: ignore[attr-defined]
            assert stream.health.resyncs >= 2
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
    finally:
        await server.close()


async def test_streams_follow_the_active_credentials(
    sim: Any, account: dict[str, Any], runtime_for: Any, settings: Any, transactional_db: None
) -> None:
    """Only markets with an active key stream; a new key starts one, a rotation restarts it on the new key."""
    settings.TRADER_EXCHANGE_API_KEY = None  # no bootstrap key: a market without a credential stays quiet
    rt = runtime_for(sim.url)
    await in_thread(lambda: activate_key(rt, api_key=account["api_key"], secret=account["api_secret"]))
    supervisor = Supervisor(config=config(backoff=FixedBackoff(fixed_s=0.2)), rt=rt)
    stop = asyncio.Event()
    task = asyncio.create_task(supervisor.run(stop))
    try:
        await until(lambda: live(supervisor, "spot"), what="the spot stream live")
        assert "futures" not in supervisor.running
        assert [s.name for s in (await in_thread(streams_status)).streams] == ["spot"]
        key = account["api_key"]
        await in_thread(lambda: activate_key(rt, api_key=key, secret=account["api_secret"], market="futures"))
        await until(lambda: live(supervisor, "spot", "futures"), what="the futures stream started")
        spot_before = supervisor.running["spot"].credential
        await in_thread(lambda: activate_key(rt, api_key=key, secret=account["api_secret"], market="spot"))
        await until(
            lambda: supervisor.running["spot"].credential != spot_before and live(supervisor, "spot"),
            what="the spot stream restarted on the new key",
        )
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
