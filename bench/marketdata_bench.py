"""`/ws/market/` fan-out benchmark: daphne + channels-redis vs a bare asyncio `websockets` relay.

100 WebSocket clients (in 2-10 client processes) each subscribe to the same 10 streams. A publisher process
sends normalized messages at `--rate` messages/s in total (each carrying a per-stream `seq` and `E` =
send time in ms), for `--seconds`:
  1. platform: into the channel-layer groups `md.<stream>` (channels-redis on REDIS_URL), as the
     ingestion side does, to a spawned daphne serving trader.asgi;
  2. bare relay: over one WebSocket to a minimal `websockets` server that fans each message out to its
     100 clients (no auth, no conflation, no channel layer).
Reported per path: frames delivered/s, lag E → receipt (median, p99), per-stream sequence gaps (with
conflation only the latest value is guaranteed, so gaps are messages conflated away), and the ratio.
Target: platform >= 50 % of the relay's delivered/s.

Run: `.venv/bin/python -m bench.marketdata_bench [--rate 1000] [--seconds 10] [--clients 100]`.
Needs Redis at REDIS_URL (default redis://127.0.0.1:6379/0); uses a throw-away SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

RUN_DIR = Path(tempfile.mkdtemp(prefix="trader-md-bench-"))
KEY_PREFIX = f"bench:md:{uuid.uuid4().hex[:8]}"
os.environ["TRADER_RUN_DIR"] = str(RUN_DIR)
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'bench.sqlite3'}"
os.environ["TRADER_CHANNEL_LAYER"] = "redis"
os.environ["TRADER_MARKETDATA_KEY_PREFIX"] = KEY_PREFIX
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trader.settings")

STREAMS = [f"spot.bench{i}usdt.ticker" for i in range(10)]
CLIENT_PROCS = max(2, min(10, (os.cpu_count() or 4) - 2))  # the clients must not be the bottleneck


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup() -> str:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from apps.symbols.models import Symbol

    call_command("migrate", verbosity=0, interactive=False)
    for i in range(10):
        Symbol.objects.create(
            market="SPOT", symbol=f"BENCH{i}USDT", status="TRADING", base_asset=f"BENCH{i}",
            quote_asset="USDT", base_precision=8, quote_precision=8, raw={},
        )  # fmt: skip
    user = User.objects.create_user(username="bench-viewer", password=uuid.uuid4().hex)
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    return str(Token.objects.create(user=user).key)


def _message(stream: str, seq: int) -> dict[str, Any]:
    return {
        "stream": stream,
        "E": int(time.time() * 1000),
        "data": {"seq": seq, "c": f"{50000 + seq % 100}.01"},
    }


# ---------------------------------------------------------------- clients


async def _client(url: str, headers: dict[str, str], stats: dict[str, Any], ready: Any, stop: Any) -> None:
    import websockets

    async with websockets.connect(url, additional_headers=headers, max_queue=None, open_timeout=30) as ws:
        await ws.send(json.dumps({"action": "subscribe", "streams": STREAMS}))
        last: dict[str, int] = {}
        ready.release()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            frame = json.loads(raw)
            if frame.get("type") != "update":
                continue
            message = frame["message"]
            now_ms = time.time() * 1000
            stats["n"] += 1
            if stats["n"] % 7 == 0:  # a sample is enough for the percentiles
                stats["lag"].append(now_ms - message["E"])
            seq = message["data"]["seq"]
            previous = last.get(frame["stream"])
            if previous is not None and seq > previous + 1:
                stats["gaps"] += seq - previous - 1
            last[frame["stream"]] = seq


def _clients_proc(url: str, headers: dict[str, str], count: int, out: Any, ready: Any, stop: Any) -> None:
    async def main() -> None:
        stats: dict[str, Any] = {"n": 0, "lag": [], "gaps": 0}
        stopping = asyncio.Event()

        async def watch() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.1)
            stopping.set()

        await asyncio.gather(watch(), *(_client(url, headers, stats, ready, stopping) for _ in range(count)))
        out.put(stats)

    asyncio.run(main())


def _run_clients(
    url: str, headers: dict[str, str], clients: int, publish: Any, seconds: float
) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    out, ready, stop = ctx.Queue(), ctx.Semaphore(0), ctx.Event()
    per = clients // CLIENT_PROCS
    procs = [
        ctx.Process(target=_clients_proc, args=(url, headers, per, out, ready, stop))
        for _ in range(CLIENT_PROCS)
    ]
    for p in procs:
        p.start()
    for _ in range(per * CLIENT_PROCS):
        if not ready.acquire(timeout=60):
            raise RuntimeError("clients did not connect")
    time.sleep(1.0)  # subscriptions and snapshots settle
    started = time.monotonic()
    sent = publish(seconds)
    time.sleep(1.0)  # let in-flight frames arrive
    elapsed = time.monotonic() - started
    stop.set()
    parts = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(10)
    lags = sorted(x for part in parts for x in part["lag"])
    delivered = sum(part["n"] for part in parts)
    return {
        "sent": sent,
        "expected": sent * per * CLIENT_PROCS,
        "delivered": delivered,
        "per_s": delivered / elapsed,
        "p50": statistics.median(lags) if lags else float("nan"),
        "p99": lags[int(len(lags) * 0.99)] if lags else float("nan"),
        "gaps": sum(part["gaps"] for part in parts),
    }


# ---------------------------------------------------------------- publishers


def _paced(rate: float, seconds: float, send_batch: Any) -> int:
    """Call send_batch(list of messages) every 10 ms with the messages due; returns how many were sent."""
    seqs = dict.fromkeys(STREAMS, 0)
    sent, started = 0, time.monotonic()
    while (now := time.monotonic() - started) < seconds:
        due = int(now * rate) - sent
        batch = []
        for _ in range(max(0, due)):
            stream = STREAMS[sent % len(STREAMS)]
            seqs[stream] += 1
            batch.append(_message(stream, seqs[stream]))
            sent += 1
        if batch:
            send_batch(batch)
        time.sleep(0.005)
    return sent


def _platform_publisher(rate: float, seconds: float, redis_url: str, out: Any) -> None:
    from channels_redis.core import RedisChannelLayer

    async def main() -> int:
        layer = RedisChannelLayer(hosts=[redis_url], prefix="trader:asgi", capacity=1000, expiry=30)
        loop = asyncio.get_running_loop()

        async def send_all(batch: list[dict[str, Any]]) -> None:
            await asyncio.gather(
                *(layer.group_send("md." + m["stream"], {"type": "md.update", "message": m}) for m in batch)
            )

        def send_batch(batch: list[dict[str, Any]]) -> None:
            asyncio.run_coroutine_threadsafe(send_all(batch), loop).result()

        return await asyncio.to_thread(_paced, rate, seconds, send_batch)

    out.put(asyncio.run(main()))


async def _relay_server(port: int, started: Any) -> None:
    import websockets

    clients: set[Any] = set()

    async def handler(ws: Any) -> None:
        if ws.request.path == "/publish":
            async for raw in ws:
                for message in json.loads(raw):
                    text = json.dumps({"type": "update", "stream": message["stream"], "message": message})
                    websockets.broadcast(clients, text)
            return
        async for _ in ws:  # the subscribe request; everyone gets every stream here
            clients.add(ws)
        clients.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", port, max_queue=None):
        started.set()
        await asyncio.Future()


def _relay_proc(port: int, started: Any) -> None:
    asyncio.run(_relay_server(port, started))


def _relay_publisher(rate: float, seconds: float, port: int, out: Any) -> None:
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{port}/publish") as ws:
        out.put(_paced(rate, seconds, lambda batch: ws.send(json.dumps(batch))))


def _in_process(target: Any, *args: Any) -> int:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, out))
    proc.start()
    sent = int(out.get(timeout=600))
    proc.join(10)
    return sent


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=1000.0, help="messages/s published in total")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    token = _setup()

    results: dict[str, dict[str, Any]] = {}
    port = _free_port()
    env = dict(os.environ, REDIS_URL=redis_url)
    log = (RUN_DIR / "daphne.log").open("w")
    daphne = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "trader.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        headers = {"Authorization": f"Token {token}", "Origin": "http://127.0.0.1"}
        results["platform (daphne + channels-redis)"] = _run_clients(
            f"ws://127.0.0.1:{port}/ws/market/", headers, args.clients,
            lambda s: _in_process(_platform_publisher, args.rate, s, redis_url), args.seconds,
        )  # fmt: skip
    finally:
        daphne.terminate()
        daphne.wait(10)
        _cleanup(redis_url)

    relay_port = _free_port()
    ctx = multiprocessing.get_context("spawn")
    started = ctx.Event()
    relay = ctx.Process(target=_relay_proc, args=(relay_port, started), daemon=True)
    relay.start()
    started.wait(30)
    try:
        results["bare websockets relay"] = _run_clients(
            f"ws://127.0.0.1:{relay_port}/", {}, args.clients,
            lambda s: _in_process(_relay_publisher, args.rate, s, relay_port), args.seconds,
        )  # fmt: skip
    finally:
        relay.terminate()
        relay.join(5)
    _report(results, args)


def _cleanup(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{KEY_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    out = sys.stdout.write
    load = f"{args.rate:.0f} msg/s published for {args.seconds:.0f} s"
    out(f"\n{args.clients} clients x {len(STREAMS)} streams, {load}\n\n")
    head = [("sent", 7), ("expected", 9), ("delivered", 10), ("frames/s", 9), ("p50 ms", 8), ("p99 ms", 8)]
    out(f"{'path':<36}" + "".join(f" {name:>{width}}" for name, width in [*head, ("gaps", 8)]) + "\n")
    for name, r in results.items():
        out(
            f"{name:<36} {r['sent']:>7} {r['expected']:>9} {r['delivered']:>10} {r['per_s']:>9.0f} "
            f"{r['p50']:>8.1f} {r['p99']:>8.1f} {r['gaps']:>8}\n"
        )
    platform, relay = results.values()
    ratio = platform["per_s"] / relay["per_s"] if relay["per_s"] else float("nan")
    out(f"\nplatform / relay throughput: {ratio:.0%} (target >= 50 %)\n")
    out("gaps: messages a client never saw (conflated away on the platform; a relay gap would be a loss)\n")


if __name__ == "__main__":
    main()
